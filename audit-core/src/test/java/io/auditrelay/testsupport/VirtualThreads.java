package io.auditrelay.testsupport;

import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;

/**
 * Virtual threads (Java 21+) for tests of a library compiled for Java 17: reached by reflection, so
 * the tests that use them compile everywhere and run where the JDK has them ({@code
 * EnabledForJreRange(min = JAVA_21)}).
 */
public final class VirtualThreads {

  private VirtualThreads() {}

  /** A new executor that runs each task on a virtual thread of its own. */
  public static ExecutorService perTaskExecutor() {
    try {
      return (ExecutorService)
          Executors.class.getMethod("newVirtualThreadPerTaskExecutor").invoke(null);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("virtual threads need Java 21 or later", e);
    }
  }

  /** Whether {@code thread} is a virtual thread. */
  public static boolean isVirtual(Thread thread) {
    try {
      Method isVirtual = Thread.class.getMethod("isVirtual");
      return (boolean) isVirtual.invoke(thread);
    } catch (ReflectiveOperationException e) {
      return false;
    }
  }

  /**
   * Runs {@code work} under a JFR recording of {@code jdk.VirtualThreadPinned} (every pinning, with
   * its stack) and returns the pinnings recorded.
   */
  public static List<RecordedEvent> pinnedDuring(Runnable work) throws Exception {
    Path file = Files.createTempFile("audit-pinned-", ".jfr");
    try (Recording recording = new Recording()) {
      recording.enable("jdk.VirtualThreadPinned").withThreshold(Duration.ZERO).withStackTrace();
      recording.start();
      work.run();
      recording.stop();
      recording.dump(file);
      return RecordingFile.readAllEvents(file);
    } finally {
      Files.deleteIfExists(file);
    }
  }

  /** One pinning as a readable stack, for a failure message. */
  public static String describe(RecordedEvent pinned) {
    StringBuilder text = new StringBuilder("pinned for " + pinned.getDuration() + " at");
    if (pinned.getStackTrace() != null) {
      pinned
          .getStackTrace()
          .getFrames()
          .forEach(
              f ->
                  text.append("\n  ")
                      .append(f.getMethod().getType().getName())
                      .append('.')
                      .append(f.getMethod().getName())
                      .append(':')
                      .append(f.getLineNumber()));
    }
    return text.toString();
  }
}
