package io.auditrelay.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The strict parsing of {@code amqp://} URIs. Before it, {@code amqp://user:S3c/retPW@127.0.0.1:1}
 * parsed (by {@link java.net.URI} and the AMQP client) into no host, so the Auditor connected to
 * localhost:5672 as guest; these tests fail on that code, which had no such check.
 */
class AmqpUriTests {

  /** Every character RFC 3986 reserves, and a few more that passwords hold. */
  static Stream<String> reserved() {
    return Stream.of(
        "/", "?", "#", "[", "]", "@", ":", "!", "$", "&", "'", "(", ")", "*", "+", ",", ";", "=",
        "%", " ", "\"", "<", ">", "\\", "^", "`", "{", "|", "}", "é");
  }

  @ParameterizedTest
  @MethodSource("reserved")
  void decodesEveryReservedCharacterWhenPercentEncoded(String character) {
    String user = "us" + character + "er";
    String password = "S3c" + character + "retPW";
    AmqpUri uri =
        AmqpUri.parse(
            "amqps://" + encode(user) + ":" + encode(password) + "@rabbit.example.com:5671/prod");

    assertThat(uri.username()).isEqualTo(user);
    assertThat(uri.password()).isEqualTo(password);
    assertThat(uri.host()).isEqualTo("rabbit.example.com");
    assertThat(uri.port()).isEqualTo(5671);
    assertThat(uri.virtualHost()).isEqualTo("prod");
    assertThat(uri.tls()).isTrue();
    assertThat(uri.redacted()).isEqualTo("amqps://***@rabbit.example.com:5671/prod");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "/", "?", "#", "[", "]", "@", " ", "\"", "<", ">", "\\", "^", "`", "{", "|", "}", "é", "%",
        "%4", "%zz"
      })
  void refusesAReservedCharacterLeftUnencodedInThePassword(String character) {
    String secret = "S3c" + character + "retPW";
    assertThatIllegalArgumentException()
        .isThrownBy(() -> AmqpUri.parse("amqp://user:" + secret + "@127.0.0.1:1"))
        .satisfies(e -> assertThat(e.getMessage()).contains("percent-encode"))
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("retPW").doesNotContain("S3c"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"/", "?", "#", "@", " ", "[", "]"})
  void refusesAReservedCharacterLeftUnencodedInTheUser(String character) {
    String user = "au" + character + "ditor";
    assertThatIllegalArgumentException()
        .isThrownBy(() -> AmqpUri.parse("amqp://" + user + ":pw@127.0.0.1:5672"))
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("ditor"));
  }

  @Test
  void neverFallsBackToLocalhostWhenTheHostIsMissing() {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> AmqpUri.parse("amqp://user:pw@"))
        .withMessageContaining("names no host");
    assertThatIllegalArgumentException()
        .isThrownBy(() -> AmqpUri.parse("amqp:///vhost"))
        .withMessageContaining("names no host");
    assertThatIllegalArgumentException()
        .isThrownBy(() -> AmqpUri.parse("amqp://:5672"))
        .withMessageContaining("names no host");
  }

  @Test
  void refusesAPasswordWithAColonTakenForThePort() {
    // "user:pass:word@host" is fine (the first ':' separates), but "host:pass@..." without a user
    // separator is not: here the unencoded ':' makes "word" a port.
    assertThatIllegalArgumentException()
        .isThrownBy(() -> AmqpUri.parse("amqp://rabbit:pw0rd"))
        .withMessageContaining("port")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("pw0rd"));
    assertThat(AmqpUri.parse("amqp://user:pa:ss@rabbit").password()).isEqualTo("pa:ss");
  }

  @ParameterizedTest
  @ValueSource(strings = {"http://rabbit", "rabbit:5672", "amqp:/rabbit", "AMQPX://rabbit", ""})
  void refusesOtherSchemes(String text) {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> AmqpUri.parse(text))
        .withMessageContaining("must start with amqp:// or amqps://");
  }

  @Test
  void neverQuotesWhatCameBeforeTheSchemeSeparator() {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> AmqpUri.parse("amqp:user:t0psecret://host"))
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("t0psecret"));
  }

  @Test
  void readsTheVirtualHostAsTheRabbitMqUriSpecificationSays() {
    assertThat(AmqpUri.parse("amqp://rabbit").virtualHost()).isNull(); // the default, "/"
    assertThat(AmqpUri.parse("amqp://rabbit/").virtualHost()).isEmpty();
    assertThat(AmqpUri.parse("amqp://rabbit/%2F").virtualHost()).isEqualTo("/");
    assertThat(AmqpUri.parse("amqp://rabbit/a%2Fb").virtualHost()).isEqualTo("a/b");
    assertThatIllegalArgumentException()
        .isThrownBy(() -> AmqpUri.parse("amqp://rabbit/a/b"))
        .withMessageContaining("%2F");
  }

  @Test
  void readsIpv6HostsAndKnownQueryParameters() {
    AmqpUri uri = AmqpUri.parse("amqp://[::1]:5673?heartbeat=10&auth_mechanism=external");
    assertThat(uri.host()).isEqualTo("::1");
    assertThat(uri.port()).isEqualTo(5673);
    assertThat(uri.query())
        .containsEntry("heartbeat", "10")
        .containsEntry("auth_mechanism", "external");
    assertThat(uri.redacted()).isEqualTo("amqp://[::1]:5673");
    assertThatIllegalArgumentException()
        .isThrownBy(() -> AmqpUri.parse("amqp://rabbit?password=x"))
        .withMessageContaining("known: auth_mechanism, channel_max, connection_timeout, heartbeat");
  }

  @ParameterizedTest
  @ValueSource(strings = {"0", "65536", "99999999", "-1", "5672a"})
  void refusesPortsOutOfRange(String port) {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> AmqpUri.parse("amqp://rabbit:" + port))
        .withMessageContaining("port");
  }

  private static String encode(String text) {
    return URLEncoder.encode(text, StandardCharsets.UTF_8).replace("+", "%20");
  }
}
