package io.auditrelay.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Finds the servers the integration suites run against. Each is probed on 127.0.0.1 first (or at
 * the URL of its override variable); when it is not reachable the suite falls back to an embedded
 * server, unless the system property {@code audit.it.require-real-servers=true} (set by {@code
 * .ci/run}) makes that a failure. Every choice is reported on stdout and appended to {@code
 * target/audit-it-servers.txt}, so CI shows which servers were used.
 */
public final class RealServers {

  /** System property that turns a missing real server into a failure. */
  public static final String REQUIRE_PROPERTY = "audit.it.require-real-servers";

  private static final Set<String> REPORTED = ConcurrentHashMap.newKeySet();
  private static volatile AmqpBroker rabbit;

  private RealServers() {}

  /** Whether a missing real server fails the suite. */
  public static boolean realServersRequired() {
    return Boolean.parseBoolean(System.getProperty(REQUIRE_PROPERTY, "false"))
        || Boolean.parseBoolean(
            System.getenv().getOrDefault("AUDIT_IT_REQUIRE_REAL_SERVERS", "false"));
  }

  /** The AMQP broker: {@code AUDIT_IT_RABBITMQ_URL}, else 127.0.0.1:5672, else embedded Qpid. */
  public static synchronized AmqpBroker rabbitmq() {
    if (rabbit == null) {
      String url =
          System.getenv()
              .getOrDefault("AUDIT_IT_RABBITMQ_URL", "amqp://guest:guest@127.0.0.1:5672/");
      URI uri = URI.create(url);
      String[] userInfo =
          uri.getUserInfo() == null
              ? new String[] {"guest", "guest"}
              : uri.getUserInfo().split(":", 2);
      int port = uri.getPort() < 0 ? 5672 : uri.getPort();
      if (reachable(uri.getHost(), port)) {
        rabbit =
            new AmqpBroker(
                uri.getHost(), port, userInfo[0], userInfo.length > 1 ? userInfo[1] : "", false);
      } else if (realServersRequired()) {
        throw new IllegalStateException(
            "RabbitMQ is required ("
                + REQUIRE_PROPERTY
                + "=true) but not reachable at "
                + uri.getHost()
                + ":"
                + port
                + "; start it with 'rabbitmq-server -detached'");
      } else {
        rabbit = EmbeddedQpid.start();
      }
    }
    return rabbit;
  }

  /** Records that {@code suite} ran against {@code server}. */
  public static void report(String suite, String server) {
    if (REPORTED.add(suite + "|" + server)) {
      String line = "[audit-it] " + suite + " -> " + server;
      System.out.println(line);
      try {
        Path file = Path.of("target", "audit-it-servers.txt");
        Files.createDirectories(file.getParent());
        Files.writeString(
            file,
            line + System.lineSeparator(),
            StandardCharsets.UTF_8,
            StandardOpenOption.CREATE,
            StandardOpenOption.APPEND);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  /** Whether a TCP connection to {@code host:port} opens within half a second. */
  public static boolean reachable(String host, int port) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(host, port), 500);
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
