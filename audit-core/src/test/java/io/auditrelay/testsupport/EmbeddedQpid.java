package io.auditrelay.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import org.apache.qpid.server.SystemLauncher;

/** An Apache Qpid Broker-J in this JVM, in memory, for machines without RabbitMQ. */
final class EmbeddedQpid {

  private EmbeddedQpid() {}

  static AmqpBroker start() {
    try {
      int port;
      try (ServerSocket probe = new ServerSocket(0)) {
        port = probe.getLocalPort();
      }
      Path work = Files.createTempDirectory("audit-qpid");
      Map<String, String> context = new HashMap<>();
      context.put("qpid.amqp_port", Integer.toString(port));
      context.put("qpid.work_dir", work.toString());
      Map<String, Object> attributes = new HashMap<>();
      attributes.put("type", "Memory");
      // Qpid cannot read a resource inside a (nested) jar: hand it a copy on disk.
      Path config = Path.of(context.get("qpid.work_dir"), "initial-config.json");
      try (var in =
          Objects.requireNonNull(
              EmbeddedQpid.class.getResourceAsStream("/audit-qpid-config.json"))) {
        Files.copy(in, config);
      }
      attributes.put("initialConfigurationLocation", config.toUri().toString());
      // Its default "classpath:" URLs need a handler the system class loader cannot see in a fat
      // jar.
      Path systemProperties = Files.createFile(config.resolveSibling("system.properties"));
      attributes.put("initialSystemPropertiesLocation", systemProperties.toUri().toString());
      attributes.put("startupLoggedToSystemOut", false);
      attributes.put("context", context);
      SystemLauncher launcher = new SystemLauncher();
      launcher.startup(attributes);
      Runtime.getRuntime().addShutdownHook(new Thread(launcher::shutdown));
      return new AmqpBroker("127.0.0.1", port, "guest", "guest", true);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (Exception e) {
      throw new IllegalStateException("Embedded Qpid Broker-J failed to start", e);
    }
  }
}
