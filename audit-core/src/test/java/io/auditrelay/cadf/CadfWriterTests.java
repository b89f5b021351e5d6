package io.auditrelay.cadf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link CadfJson#write} writes through {@link CadfWriter}; these tests hold it to the mapper's
 * bytes, which are the format's contract, over events with every field set and strings of every
 * kind of character.
 */
class CadfWriterTests {

  private static final String[] STRINGS = {
    "",
    "plain",
    "http://schemas.dmtf.org/cloud/audit/1.0/event",
    "quote\" and \\ backslash",
    "controls \u0000\u0001\b\t\n\u000b\f\r\u001f end",
    "delete \u007f and latin é ß",
    "line separators \u2028 \u2029",
    "cjk 審計 and emoji \uD83D\uDE00 pair",
    "</script><!-- -->",
  };

  @Test
  void writesTheFixturesAsTheMapperDoes() {
    for (CadfEvent event :
        List.of(CadfFixtures.createProject(), CadfFixtures.minimal(), CadfFixtures.everything())) {
      assertSameBytes(event);
    }
  }

  @Test
  void writesEveryFieldOfEveryTypeAsTheMapperDoes() {
    Random random = new Random(20261207);
    for (int i = 0; i < 3_000; i++) {
      assertSameBytes(randomEvent(random, 0.5));
    }
    // Every optional field present at once.
    for (int i = 0; i < 200; i++) {
      assertSameBytes(randomEvent(random, 1.0));
    }
  }

  @Test
  void writesOpenValuesOfEveryShapeAsTheMapperDoes() {
    Map<String, Object> withNull = new LinkedHashMap<>();
    withNull.put("a", "x");
    withNull.put("b", null);
    Map<String, String> ordered = new LinkedHashMap<>();
    ordered.put("zeta", "1");
    ordered.put("alpha", "\"2\"\n");
    List<Object> contents =
        List.of(
            "text \u0007",
            ordered,
            Map.of(),
            withNull,
            Map.of("n", 1),
            Map.of("nested", Map.of("k", "v")),
            List.of(1, 2.5, true, "x"),
            42,
            -0.0,
            1e300,
            Boolean.FALSE,
            Instant.parse("2026-01-17T23:23:38.109989Z"));
    for (Object content : contents) {
      CadfEvent event =
          CadfFixtures.minimal().toBuilder()
              .attachment(new Attachment("mime:application/json", "c", content))
              .measurement(new Measurement(content, null, "m-1", null))
              .build();
      assertSameBytes(event);
    }
  }

  @Test
  void writesNullListElementsAsTheMapperDoes() {
    List<String> tags = new ArrayList<>(Arrays.asList("a?value=1", null, "b"));
    CadfEvent event = CadfFixtures.everything().toBuilder().tags(tags).build();

    assertSameBytes(event);
    assertThat(new String(CadfJson.write(event), StandardCharsets.UTF_8))
        .contains("\"tags\":[\"a?value=1\",null,\"b\"]");
  }

  @Test
  void leavesUnpairedSurrogatesToTheMapper() {
    for (String unpaired : List.of("\uD83D", "x\uDE00y", "\uDE00\uD83D", "end \uD83D")) {
      CadfEvent event = CadfFixtures.minimal().toBuilder().name(unpaired).build();
      assertThat(CadfWriter.write(event, CadfJson.mapper()::writeValueAsBytes)).isNull();
      assertSameBytes(event);
    }
  }

  @Test
  void growsItsBufferForLargeEvents() {
    String large = "é".repeat(40_000);
    CadfEvent event = CadfFixtures.everything().toBuilder().name(large).build();

    assertSameBytes(event);
  }

  /** The writer's bytes equal the mapper's, or both fail alike. */
  private static void assertSameBytes(CadfEvent event) {
    byte[] expected;
    try {
      expected = CadfJson.writeWithMapper(event);
    } catch (RuntimeException mapperFailure) {
      assertThatThrownBy(() -> CadfJson.write(event)).isInstanceOf(mapperFailure.getClass());
      return;
    }
    byte[] actual = CadfJson.write(event);
    assertThat(new String(actual, StandardCharsets.UTF_8))
        .isEqualTo(new String(expected, StandardCharsets.UTF_8));
    assertThat(actual).isEqualTo(expected);
  }

  private static CadfEvent randomEvent(Random r, double p) {
    CadfEvent.Builder b =
        CadfEvent.builder()
            .id(text(r))
            .eventType(EventType.values()[r.nextInt(EventType.values().length)])
            .eventTime(Instant.ofEpochSecond(r.nextInt(2_000_000_000), r.nextInt(1_000_000_000)))
            .action(text(r))
            .outcome(Outcome.values()[r.nextInt(Outcome.values().length)]);
    if (r.nextDouble() < p) {
      b.initiator(resource(r, p, 2));
    }
    b.initiatorId(maybe(r, p));
    if (r.nextDouble() < p) {
      b.target(resource(r, p, 2));
    }
    b.targetId(maybe(r, p));
    if (r.nextDouble() < p) {
      b.observer(resource(r, p, 2));
    }
    b.observerId(maybe(r, p));
    if (r.nextDouble() < p) {
      b.reason(new Reason(maybe(r, p), maybe(r, p), maybe(r, p), maybe(r, p)));
    }
    b.name(maybe(r, p));
    b.severity(maybe(r, p));
    for (int i = r.nextInt(3); i > 0 && r.nextDouble() < p; i--) {
      b.measurement(
          new Measurement(
              r.nextBoolean() ? text(r) : (Object) r.nextInt(),
              r.nextDouble() < p ? new Metric(text(r), text(r), maybe(r, p)) : null,
              maybe(r, p),
              r.nextDouble() < p ? resource(r, p, 1) : null));
    }
    for (int i = r.nextInt(3); i > 0 && r.nextDouble() < p; i--) {
      b.tag(text(r));
    }
    for (Attachment a : attachments(r, p)) {
      b.attachment(a);
    }
    if (r.nextDouble() < p) {
      b.reporterchain(
          List.of(
              new Reporterstep(
                  text(r),
                  r.nextDouble() < p ? resource(r, p, 1) : null,
                  maybe(r, p),
                  r.nextDouble() < p ? Instant.ofEpochSecond(r.nextInt(2_000_000_000)) : null)));
    }
    if (r.nextDouble() < p) {
      b.requestPath("/" + text(r).replace("?", "").replace("#", ""));
    }
    return b.build();
  }

  private static Resource resource(Random r, double p, int depth) {
    Resource.Builder b = Resource.builder(text(r), r.nextDouble() < p ? text(r) : null);
    b.name(maybe(r, p));
    b.domain(maybe(r, p));
    if (r.nextDouble() < p) {
      b.host(new Host(maybe(r, p), maybe(r, p), maybe(r, p), maybe(r, p)));
    }
    if (r.nextDouble() < p) {
      b.addresses(
          List.of(
              new Endpoint(text(r), maybe(r, p), maybe(r, p)),
              new Endpoint(text(r), maybe(r, p), maybe(r, p))));
    }
    if (r.nextDouble() < p) {
      b.credential(new Credential(maybe(r, p), text(r)));
    }
    if (r.nextDouble() < p) {
      b.geolocation(
          new Geolocation(
              maybe(r, p),
              maybe(r, p),
              maybe(r, p),
              maybe(r, p),
              maybe(r, p),
              maybe(r, p),
              maybe(r, p),
              maybe(r, p)));
    }
    if (depth > 1) {
      b.attachments(attachments(r, p));
    }
    b.projectId(maybe(r, p));
    b.domainId(maybe(r, p));
    b.projectName(maybe(r, p));
    b.projectDomainName(maybe(r, p));
    b.domainName(maybe(r, p));
    b.applicationCredentialId(maybe(r, p));
    b.requestId(maybe(r, p));
    b.globalRequestId(maybe(r, p));
    return b.build();
  }

  private static List<Attachment> attachments(Random r, double p) {
    List<Attachment> attachments = new ArrayList<>();
    for (int i = r.nextInt(3); i > 0 && r.nextDouble() < p; i--) {
      Object content =
          switch (r.nextInt(4)) {
            case 0 -> text(r);
            case 1 -> Map.of(text(r), text(r));
            case 2 -> List.of(r.nextInt(), text(r));
            default -> r.nextDouble();
          };
      attachments.add(new Attachment(text(r), text(r), content));
    }
    return attachments;
  }

  private static String maybe(Random r, double p) {
    return r.nextDouble() < p ? text(r) : null;
  }

  /** A fixture string, or random characters from every range the escapes treat apart. */
  private static String text(Random r) {
    if (r.nextBoolean()) {
      return STRINGS[r.nextInt(STRINGS.length)];
    }
    StringBuilder s = new StringBuilder();
    for (int i = r.nextInt(12); i > 0; i--) {
      switch (r.nextInt(6)) {
        case 0 -> s.append((char) r.nextInt(0x20));
        case 1 -> s.append((char) (0x20 + r.nextInt(0x60)));
        case 2 -> s.append((char) (0x80 + r.nextInt(0x780)));
        case 3 -> s.append((char) (0x800 + r.nextInt(0xD000)));
        case 4 -> s.appendCodePoint(0x10000 + r.nextInt(0xFFFFF));
        default -> s.append('"').append('\\');
      }
    }
    return s.toString();
  }
}
