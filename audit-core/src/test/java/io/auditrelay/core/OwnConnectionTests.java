package io.auditrelay.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.awaitility.Awaitility.await;

import io.auditrelay.store.memory.MemoryBackingStore;
import io.auditrelay.testsupport.LogCapture;
import io.auditrelay.testsupport.TcpProxy;
import io.auditrelay.testsupport.TestEvents;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Where the own connection goes, and what it says about it. A listener of the test's own stands for
 * the broker and records every AMQP protocol header it receives, so the host and port actually
 * connected to are asserted, never assumed.
 */
class OwnConnectionTests {

  private static final Duration WAIT = Duration.ofSeconds(30);

  /** Which listener received each protocol header, in order. */
  private final List<String> attempts = new CopyOnWriteArrayList<>();

  private final HeaderListener host = new HeaderListener("first", attempts);
  private final HeaderListener second = new HeaderListener("second", attempts);

  @AfterEach
  void close() throws IOException {
    host.close();
    second.close();
  }

  /**
   * Fails on the code before the strict parser: {@code S3c/retPW} left the URI without a host, and
   * the Auditor connected to localhost:5672 as guest; {@code S3c@retPW} did the same.
   */
  @ParameterizedTest
  @ValueSource(
      strings = {"S3c/retPW", "S3c@retPW", "S3c#retPW", "S3c retPW", "S3c?retPW", "S3c%retPW"})
  void refusesAnUnencodedPasswordAndNamesTheFix(String password) {
    try (LogCapture logs = new LogCapture()) {
      assertThatIllegalArgumentException()
          .isThrownBy(
              () ->
                  builder()
                      .rabbitUri("amqp://user:" + password + "@127.0.0.1:" + host.port())
                      .build())
          .satisfies(
              e ->
                  assertThat(e.getMessage())
                      .contains("rabbitUri", "percent-encode", "%2F")
                      .doesNotContain("retPW"));
      assertThat(logs.text()).doesNotContain("retPW");
    }
    assertThat(host.headers()).isEmpty();
  }

  /** Every reserved character, percent-encoded in user and password, reaches the named host. */
  @ParameterizedTest
  @MethodSource("io.auditrelay.core.AmqpUriTests#reserved")
  void connectsToTheNamedHostWhenThePasswordIsEncoded(String character) throws Exception {
    String password = "S3c" + character + "retPW";
    String encoded =
        java.net.URLEncoder.encode(password, StandardCharsets.UTF_8).replace("+", "%20");
    try (LogCapture logs = new LogCapture();
        Auditor auditor =
            builder()
                .rabbitUri(
                    "amqp://us"
                        + java.net.URLEncoder.encode(character, StandardCharsets.UTF_8)
                            .replace("+", "%20")
                        + "er:"
                        + encoded
                        + "@127.0.0.1:"
                        + host.port())
                .build()) {
      auditor.record(TestEvents.event("p", 1));
      await().atMost(WAIT).until(() -> !host.headers().isEmpty());
      assertThat(host.headers().get(0)).startsWith("AMQP");
      assertThat(logs.text()).doesNotContain("retPW");
    }
  }

  @Test
  void takesThePasswordOnItsOwnBesideAUriWithoutOne() throws Exception {
    try (Auditor auditor =
        builder()
            .rabbitUri("amqp://audit@127.0.0.1:" + host.port())
            .rabbitPassword("S3c/ret@PW")
            .build()) {
      auditor.record(TestEvents.event("p", 1));
      await().atMost(WAIT).until(() -> !host.headers().isEmpty());
    }
    assertThatIllegalArgumentException()
        .isThrownBy(
            () ->
                builder()
                    .rabbitUri("amqp://audit:firstPW1@127.0.0.1:" + host.port())
                    .rabbitPassword("secondPW2")
                    .build())
        .withMessageContaining("password is given twice")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("PW1").doesNotContain("PW2"));
  }

  @Test
  void skipsADeadNodeOfTheAddressList() throws Exception {
    int dead = TcpProxy.freePort(); // nothing listens there
    try (Auditor auditor =
        builder().rabbitAddresses("127.0.0.1:" + dead + ", 127.0.0.1:" + host.port()).build()) {
      auditor.record(TestEvents.event("p", 1));
      await().atMost(WAIT).until(() -> !host.headers().isEmpty());
    }
  }

  @Test
  void triesTheAddressesInTheOrderGivenOrShuffled() throws Exception {
    // Each connect tries the list until a node answers; both listeners hang up, so every attempt
    // walks the whole list.
    String addresses = "127.0.0.1:" + host.port() + ",127.0.0.1:" + second.port();
    try (Auditor auditor = builder().rabbitAddresses(addresses).build()) {
      auditor.record(TestEvents.event("p", 1));
      await().atMost(WAIT).until(() -> attempts.size() >= 6);
    }
    List<String> inOrder = List.copyOf(attempts).subList(0, 6);
    assertThat(inOrder).containsExactly("first", "second", "first", "second", "first", "second");

    attempts.clear();
    try (Auditor auditor =
        builder()
            .rabbitAddresses(addresses)
            .addressShuffleMode(
                org.springframework.amqp.rabbit.connection.AbstractConnectionFactory
                    .AddressShuffleMode.RANDOM)
            .build()) {
      auditor.record(TestEvents.event("p", 1));
      await()
          .atMost(WAIT)
          .until(
              () -> {
                List<String> seen = List.copyOf(attempts);
                for (int i = 0; i + 1 < seen.size(); i += 2) {
                  if (seen.get(i).equals("second")) {
                    return true; // a connect that began with the second node
                  }
                }
                return false;
              });
    }
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "127.0.0.1:1,",
        "amqp://guest:guest@127.0.0.1:5672",
        "guest:guest@127.0.0.1",
        "127.0.0.1:99999",
        "127.0.0.1/vhost"
      })
  void refusesAddressesThatAreNotHostAndPort(String addresses) {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> builder().rabbitAddresses(addresses).build())
        .withMessageContaining("rabbitAddresses")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("guest"));
  }

  @Test
  void refusesAUriAndAddressesTogether() {
    assertThatIllegalArgumentException()
        .isThrownBy(
            () -> builder().rabbitUri("amqp://rabbit").rabbitAddresses("rabbit:5672").build())
        .withMessageContaining("not both");
  }

  @Test
  void refusesExternalAuthenticationWithoutTls() {
    assertThatIllegalArgumentException()
        .isThrownBy(
            () ->
                builder()
                    .rabbitUri("amqp://127.0.0.1:" + host.port())
                    .saslMechanism(SaslMechanism.EXTERNAL)
                    .build())
        .withMessageContaining("EXTERNAL")
        .withMessageContaining("TLS");
  }

  @Test
  void logsWhereItConnectsWithoutItsSecrets() {
    try (LogCapture logs = new LogCapture()) {
      builder()
          .rabbitUri("amqps://audit:S3cretPW@rabbit.example.com/prod")
          .ownConnection()
          .create()
          .destroy();
      assertThat(logs.text())
          .contains(
              "own broker connection: amqps://***@rabbit.example.com/prod (TLS, host name verified)")
          .doesNotContain("S3cretPW");
    }
  }

  private static AuditorBuilder builder() {
    return Auditor.builder()
        .queueName("audit-own-connection")
        .backingStore(new MemoryBackingStore(1000, Clock.systemUTC()))
        .initialBackoff(Duration.ofMillis(20))
        .maxBackoff(Duration.ofMillis(100))
        .connectionTimeout(Duration.ofSeconds(1))
        .shutdownTimeout(Duration.ofMillis(500)) // the event then waits in the memory store
        .shutdownHook(false);
  }

  /** Accepts connections, records the first eight bytes of each (the protocol header), hangs up. */
  private static final class HeaderListener implements AutoCloseable {

    private final ServerSocket server;
    private final List<String> headers = new CopyOnWriteArrayList<>();

    HeaderListener(String name, List<String> attempts) {
      try {
        server = new ServerSocket(TcpProxy.freePort(), 50, InetAddress.getLoopbackAddress());
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
      Thread thread =
          new Thread(
              () -> {
                while (!server.isClosed()) {
                  try (Socket socket = server.accept()) {
                    socket.setSoTimeout(5_000);
                    InputStream in = socket.getInputStream();
                    byte[] header = in.readNBytes(8);
                    headers.add(new String(Arrays.copyOf(header, 4), StandardCharsets.US_ASCII));
                    attempts.add(name);
                  } catch (IOException e) {
                    // closed, or a client that sent nothing
                  }
                }
              },
              "header-listener");
      thread.setDaemon(true);
      thread.start();
    }

    int port() {
      return server.getLocalPort();
    }

    List<String> headers() {
      return headers;
    }

    @Override
    public void close() throws IOException {
      server.close();
    }
  }
}
