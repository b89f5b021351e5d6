package io.auditrelay.testsupport;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;
import java.util.List;
import org.slf4j.LoggerFactory;

/** Captures every log line (with stack traces) while open, for assertions such as "no secret". */
public final class LogCapture implements AutoCloseable {

  private final Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
  private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

  public LogCapture() {
    appender.start();
    root.addAppender(appender);
  }

  /** Every captured line: level, logger, formatted message and stack trace. */
  public List<String> lines() {
    List<ILoggingEvent> events;
    synchronized (appender) { // AppenderBase.doAppend holds this lock while it adds
      events = List.copyOf(appender.list);
    }
    return events.stream()
        .map(
            e ->
                e.getLevel()
                    + " "
                    + e.getLoggerName()
                    + " "
                    + e.getFormattedMessage()
                    + (e.getThrowableProxy() == null
                        ? ""
                        : " " + ThrowableProxyUtil.asString(e.getThrowableProxy())))
        .toList();
  }

  /** The captured text, all lines joined. */
  public String text() {
    return String.join("\n", lines());
  }

  @Override
  public void close() {
    root.detachAppender(appender);
  }
}
