package io.auditrelay.broker;

import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import org.apache.qpid.server.SystemLauncher;
import org.jspecify.annotations.Nullable;

/**
 * An Apache Qpid Broker-J (AMQP 0-9-1, in memory) inside this JVM, with the user {@code
 * guest}/{@code guest} on the default virtual host, so that the sample and the tests run on a
 * machine with nothing installed. It can be stopped and started again on the same port, to simulate
 * an outage. Not RabbitMQ: it is for the sample and for tests, never for production. Thread-safe.
 */
public final class EmbeddedAmqpBroker implements AutoCloseable {

  private final int port;
  private @Nullable SystemLauncher launcher;

  private EmbeddedAmqpBroker(int port) {
    this.port = port;
  }

  /**
   * Starts a broker on {@code port} (0: a free one).
   *
   * @throws IllegalStateException when it cannot start (the port is taken, say)
   */
  public static EmbeddedAmqpBroker start(int port) {
    EmbeddedAmqpBroker broker = new EmbeddedAmqpBroker(port == 0 ? freePort() : port);
    broker.startAgain();
    return broker;
  }

  /** The port it listens on. */
  public int port() {
    return port;
  }

  /** Whether it is running. */
  public synchronized boolean running() {
    return launcher != null;
  }

  /** Starts it again on the same port after {@link #stop}, empty; does nothing if it runs. */
  public synchronized void startAgain() {
    if (launcher != null) {
      return;
    }
    try {
      Path work = Files.createTempDirectory("audit-embedded-broker");
      Map<String, String> context = new HashMap<>();
      context.put("qpid.amqp_port", Integer.toString(port));
      context.put("qpid.work_dir", work.toString());
      Map<String, Object> attributes = new HashMap<>();
      attributes.put("type", "Memory");
      // Qpid cannot read a resource inside a (nested) jar: hand it a copy on disk.
      Path config = work.resolve("initial-config.json");
      try (InputStream in =
          Objects.requireNonNull(
              EmbeddedAmqpBroker.class.getResourceAsStream("/audit-embedded-broker.json"))) {
        Files.copy(in, config);
      }
      attributes.put("initialConfigurationLocation", config.toUri().toString());
      // Its default "classpath:" URLs need a handler the system class loader cannot see in a fat
      // jar.
      Path systemProperties = Files.createFile(work.resolve("system.properties"));
      attributes.put("initialSystemPropertiesLocation", systemProperties.toUri().toString());
      attributes.put("startupLoggedToSystemOut", false);
      attributes.put("context", context);
      SystemLauncher started = new SystemLauncher();
      started.startup(attributes);
      launcher = started;
    } catch (Exception e) {
      throw new IllegalStateException(
          "The embedded AMQP broker failed to start on port " + port, e);
    }
  }

  /** Stops it; what it held is gone. Does nothing if it is stopped. */
  public synchronized void stop() {
    if (launcher != null) {
      launcher.shutdown();
      launcher = null;
    }
  }

  @Override
  public void close() {
    stop();
  }

  private static int freePort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new IllegalStateException("no free port for the embedded AMQP broker", e);
    }
  }
}
