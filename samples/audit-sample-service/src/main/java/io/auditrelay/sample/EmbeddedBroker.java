package io.auditrelay.sample;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import org.apache.qpid.server.SystemLauncher;

/**
 * An Apache Qpid Broker-J (AMQP 0-9-1, in memory) inside the sample's JVM, so the sample runs on a
 * machine with nothing installed. It can be stopped and started again on the same port to simulate
 * an outage. Thread-safe.
 */
final class EmbeddedBroker {

  private static volatile EmbeddedBroker instance;

  private final int port;
  private SystemLauncher launcher;

  private EmbeddedBroker(int port) {
    this.port = port;
  }

  /** Starts the broker on {@code port} (0: a free one). */
  static synchronized EmbeddedBroker start(int port) {
    EmbeddedBroker broker = new EmbeddedBroker(port == 0 ? freePort() : port);
    broker.startBroker();
    instance = broker;
    return broker;
  }

  /** The running broker, if this JVM started one. */
  static EmbeddedBroker current() {
    return instance;
  }

  int port() {
    return port;
  }

  synchronized boolean running() {
    return launcher != null;
  }

  synchronized void startBroker() {
    if (launcher != null) {
      return;
    }
    try {
      Map<String, String> context = new HashMap<>();
      context.put("qpid.amqp_port", Integer.toString(port));
      context.put("qpid.work_dir", Files.createTempDirectory("audit-sample-qpid").toString());
      Map<String, Object> attributes = new HashMap<>();
      attributes.put("type", "Memory");
      // Qpid cannot read a resource inside a (nested) jar: hand it a copy on disk.
      Path config = Path.of(context.get("qpid.work_dir"), "initial-config.json");
      try (var in =
          Objects.requireNonNull(
              EmbeddedBroker.class.getResourceAsStream("/embedded-broker.json"))) {
        Files.copy(in, config);
      }
      attributes.put("initialConfigurationLocation", config.toUri().toString());
      // Its default "classpath:" URLs need a handler the system class loader cannot see in a fat
      // jar.
      Path systemProperties = Files.createFile(config.resolveSibling("system.properties"));
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

  synchronized void stopBroker() {
    if (launcher != null) {
      launcher.shutdown();
      launcher = null;
    }
  }

  private static int freePort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
