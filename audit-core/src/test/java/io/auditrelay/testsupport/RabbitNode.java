package io.auditrelay.testsupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * A RabbitMQ node of the test's own, beside the machine's main broker: its own node name, AMQP and
 * distribution ports, configuration, data and log directories, and Erlang cookie (in a home
 * directory of its own, shared by the nodes of one {@link #cluster}). The main broker is never
 * touched. Needs RabbitMQ installed ({@code /usr/lib/rabbitmq/bin}); see {@link #assumeInstalled}.
 */
public final class RabbitNode implements AutoCloseable {

  private static final Path BIN = Path.of("/usr/lib/rabbitmq/bin");
  private static final Duration START_TIMEOUT = Duration.ofSeconds(90);

  private final String nodeName;
  private final Path directory;
  private final Path home;
  private final int port;
  private final int plainPort;
  private final int distPort;

  private RabbitNode(
      String nodeName, Path directory, Path home, int port, int plainPort, int distPort) {
    this.nodeName = nodeName;
    this.directory = directory;
    this.home = home;
    this.port = port;
    this.plainPort = plainPort;
    this.distPort = distPort;
  }

  /**
   * Whether RabbitMQ is installed on this machine; {@code -Daudit.it.rabbitmq-nodes=false} makes a
   * machine with RabbitMQ behave as a laptop without it, to try the fallbacks.
   */
  public static boolean installed() {
    return Boolean.parseBoolean(System.getProperty("audit.it.rabbitmq-nodes", "true"))
        && Files.isExecutable(BIN.resolve("rabbitmq-server"));
  }

  /**
   * Skips the calling test when RabbitMQ is not installed (a laptop), and fails it instead when
   * real servers are required ({@code .ci/run}).
   */
  public static void assumeInstalled() {
    if (!installed() && RealServers.realServersRequired()) {
      throw new IllegalStateException(
          "RabbitMQ is required (" + RealServers.REQUIRE_PROPERTY + "=true) but not installed");
    }
    Assumptions.assumeTrue(installed(), "RabbitMQ is not installed: no node can be started");
  }

  /**
   * Starts a node named {@code name@localhost} under {@code directory}.
   *
   * @param listeners the listener lines of its configuration ({@code %PORT%} stands for the node's
   *     {@link #port}, {@code %PLAIN_PORT%} for a second one, {@link #plainPort}), such as {@code
   *     listeners.tcp.default = 127.0.0.1:%PORT%}
   * @param extraConfig further configuration lines
   * @param plugins plugins to enable
   */
  public static RabbitNode start(
      String name, Path directory, String listeners, String extraConfig, List<String> plugins) {
    return start(name, directory, directory.resolve("home"), listeners, extraConfig, plugins);
  }

  private static RabbitNode start(
      String name,
      Path directory,
      Path home,
      String listeners,
      String extraConfig,
      List<String> plugins) {
    try {
      Files.createDirectories(directory.resolve("mnesia"));
      Files.createDirectories(directory.resolve("log"));
      Files.createDirectories(home);
      Path cookie = home.resolve(".erlang.cookie");
      if (!Files.exists(cookie)) {
        Files.writeString(cookie, "AUDITRELAYTESTCOOKIE" + Math.abs(home.hashCode()));
        Files.setPosixFilePermissions(cookie, PosixFilePermissions.fromString("r--------"));
      }
      int port = TcpProxy.freePort();
      int plainPort = TcpProxy.freePort();
      int distPort = TcpProxy.freePort();
      Files.writeString(
          directory.resolve("rabbitmq.conf"),
          listeners
                  .replace("%PORT%", Integer.toString(port))
                  .replace("%PLAIN_PORT%", Integer.toString(plainPort))
              + "\n"
              + "log.file.level = info\n"
              + extraConfig
              + "\n",
          StandardCharsets.UTF_8);
      Files.writeString(
          directory.resolve("enabled_plugins"),
          "[" + String.join(",", plugins) + "].\n",
          StandardCharsets.UTF_8);
      RabbitNode node =
          new RabbitNode(name + "@localhost", directory, home, port, plainPort, distPort);
      node.launch();
      return node;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Starts {@code size} plain-AMQP nodes {@code prefix-1@localhost …} and joins them into one
   * cluster; the first is the seed.
   */
  public static List<RabbitNode> cluster(String prefix, Path directory, int size) {
    Path home = directory.resolve("home");
    List<RabbitNode> nodes = new ArrayList<>();
    for (int n = 1; n <= size; n++) {
      nodes.add(
          start(
              prefix + "-" + n,
              directory.resolve("node-" + n),
              home,
              "listeners.tcp.default = 127.0.0.1:%PORT%",
              "",
              List.of()));
    }
    for (RabbitNode node : nodes.subList(1, nodes.size())) {
      node.ctl("stop_app");
      node.ctl("join_cluster", nodes.get(0).nodeName);
      node.ctl("start_app");
      node.ctl("await_startup", "--timeout", "60");
    }
    return nodes;
  }

  private void launch() {
    // The detached VM keeps the launcher's output open: a file, not a pipe, takes it.
    run(
        List.of(BIN.resolve("rabbitmq-server").toString(), "-detached"),
        directory.resolve("log").resolve("launch.txt"),
        Duration.ofSeconds(60));
    await()
        .atMost(START_TIMEOUT)
        .pollInterval(Duration.ofMillis(500))
        .ignoreExceptions()
        .until(
            () ->
                run(
                            List.of(
                                BIN.resolve("rabbitmqctl").toString(),
                                "-n",
                                nodeName,
                                "await_startup",
                                "--timeout",
                                "5"),
                            null,
                            Duration.ofSeconds(30))
                        .exitCode
                    == 0);
  }

  /** Starts the node again with the same name, ports and data, after {@link #kill} or stop. */
  public void restart() {
    launch();
  }

  /** SIGKILLs the node's Erlang VM, as a machine that loses power would lose it. */
  public void kill() {
    Path pidFile = directory.resolve("mnesia").resolve(nodeName + ".pid");
    try {
      String pid = Files.readString(pidFile, StandardCharsets.US_ASCII).strip();
      run(List.of("kill", "-9", pid), null, Duration.ofSeconds(10));
      long beam = Long.parseLong(pid);
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> ProcessHandle.of(beam).map(p -> !p.isAlive()).orElse(true));
      Files.deleteIfExists(pidFile);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Runs {@code rabbitmqctl -n <node> <arguments>}, asserts it succeeded, returns its output. */
  public String ctl(String... arguments) {
    List<String> command =
        new ArrayList<>(List.of(BIN.resolve("rabbitmqctl").toString(), "-n", nodeName));
    command.addAll(List.of(arguments));
    Result result = run(command, null, Duration.ofSeconds(120));
    assertThat(result.exitCode).as("%s: %s", command, result.output).isZero();
    return result.output;
  }

  public String nodeName() {
    return nodeName;
  }

  /** The node's AMQP (or AMQPS) port on 127.0.0.1. */
  public int port() {
    return port;
  }

  /** The second port, {@code %PLAIN_PORT%} of the listeners. */
  public int plainPort() {
    return plainPort;
  }

  /** The node as a broker for readers, through {@code port} with the guest user. */
  public AmqpBroker broker(int port) {
    return new AmqpBroker("127.0.0.1", port, "guest", "guest", false);
  }

  /** The node's log file, for the cause of a refused connection. */
  public String log() {
    try {
      return Files.readString(
          directory.resolve("log").resolve(nodeName + ".log"), StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "";
    }
  }

  /** Stops the node; its data stays until the test's directory goes. */
  @Override
  public void close() {
    run(
        List.of(BIN.resolve("rabbitmqctl").toString(), "-n", nodeName, "stop"),
        null,
        Duration.ofSeconds(60));
  }

  private Result run(List<String> command, Path outputFile, Duration timeout) {
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    if (outputFile != null) {
      builder.redirectOutput(ProcessBuilder.Redirect.appendTo(outputFile.toFile()));
    }
    Map<String, String> env = builder.environment();
    env.put("HOME", home.toString());
    env.put("RABBITMQ_NODENAME", nodeName);
    env.put("RABBITMQ_CONFIG_FILE", directory.resolve("rabbitmq").toString());
    env.put("RABBITMQ_DIST_PORT", Integer.toString(distPort));
    env.put("RABBITMQ_MNESIA_BASE", directory.resolve("mnesia").toString());
    env.put("RABBITMQ_LOG_BASE", directory.resolve("log").toString());
    env.put("RABBITMQ_ENABLED_PLUGINS_FILE", directory.resolve("enabled_plugins").toString());
    try {
      Process process = builder.start();
      String output =
          outputFile != null
              ? ""
              : new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!process.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
        process.destroyForcibly();
        return new Result(-1, output);
      }
      return new Result(process.exitValue(), output);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private record Result(int exitCode, String output) {}
}
