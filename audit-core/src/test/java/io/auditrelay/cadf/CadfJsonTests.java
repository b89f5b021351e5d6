package io.auditrelay.cadf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CadfJsonTests {

  @Test
  void writesTheGoldenBytesOfATypicalEvent() {
    String json = new String(CadfJson.write(CadfFixtures.createProject()), StandardCharsets.UTF_8);

    assertThat(json)
        .isEqualTo(
            "{\"typeURI\":\"http://schemas.dmtf.org/cloud/audit/1.0/event\","
                + "\"id\":\"6f2bb4b5-2f3e-4a4c-9a52-0b4b1b3c1d2e\",\"eventType\":\"activity\","
                + "\"eventTime\":\"2026-01-17T23:23:38.109989+00:00\",\"action\":\"create\","
                + "\"outcome\":\"success\","
                + "\"initiator\":{\"typeURI\":\"service/security/account/user\",\"id\":\"user-1\","
                + "\"name\":\"alice\",\"domain\":\"Default\","
                + "\"host\":{\"address\":\"10.0.0.7\",\"agent\":\"curl/8.0\"},"
                + "\"project_id\":\"p-123\",\"domain_id\":\"d-1\",\"project_name\":\"demo\","
                + "\"project_domain_name\":\"Default\",\"application_credential_id\":\"ac-9\","
                + "\"request_id\":\"req-1\",\"global_request_id\":\"greq-1\"},"
                + "\"target\":{\"typeURI\":\"data/security/project\",\"id\":\"p-456\",\"name\":\"new-project\"},"
                + "\"observer\":{\"typeURI\":\"service\",\"id\":\"svc-1\",\"name\":\"projects-api\"},"
                + "\"reason\":{\"reasonType\":\"HTTP\",\"reasonCode\":\"201\"},"
                + "\"requestPath\":\"/v1/projects\"}");
  }

  @Test
  void writesTheMinimalEventWithTheBareObserverIdiom() {
    String json = new String(CadfJson.write(CadfFixtures.minimal()), StandardCharsets.UTF_8);

    assertThat(json)
        .isEqualTo(
            "{\"typeURI\":\"http://schemas.dmtf.org/cloud/audit/1.0/event\","
                + "\"id\":\"6f2bb4b5-2f3e-4a4c-9a52-0b4b1b3c1d2e\",\"eventType\":\"activity\","
                + "\"eventTime\":\"2026-01-17T23:23:38.109989+00:00\",\"action\":\"read\","
                + "\"outcome\":\"success\",\"initiatorId\":\"user-1\","
                + "\"target\":{\"typeURI\":\"data\",\"id\":\"t-1\"},\"observer\":{\"id\":\"target\"}}");
  }

  @Test
  void roundTripsEveryFieldByteForByte() {
    for (CadfEvent event :
        List.of(CadfFixtures.createProject(), CadfFixtures.minimal(), CadfFixtures.everything())) {
      byte[] first = CadfJson.write(event);
      CadfEvent read = CadfJson.read(first);

      assertThat(read).isEqualTo(event);
      assertThat(CadfJson.write(read)).isEqualTo(first);
    }
  }

  @Test
  void formatsTimeInUtcWithSixDigitsAndANumericOffsetNeverZ() {
    CadfEvent event =
        CadfFixtures.minimal().toBuilder().eventTime(Instant.parse("2026-03-01T00:00:00Z")).build();

    String json = new String(CadfJson.write(event), StandardCharsets.UTF_8);

    assertThat(json)
        .contains("\"eventTime\":\"2026-03-01T00:00:00.000000+00:00\"")
        .doesNotContain("Z\"");
  }

  @Test
  void keepsMicrosecondsAndDropsNanoseconds() {
    CadfEvent event =
        CadfFixtures.minimal().toBuilder()
            .eventTime(Instant.parse("2026-03-01T10:11:12.123456789Z"))
            .build();

    assertThat(event.eventTime()).isEqualTo(Instant.parse("2026-03-01T10:11:12.123456Z"));
    assertThat(CadfJson.read(CadfJson.write(event))).isEqualTo(event);
  }

  @Test
  void readsThePycadfOffsetFormToo() {
    assertThat(CadfTime.parse("2026-01-17T23:23:38.109989+0000")).isEqualTo(CadfFixtures.TIME);
    assertThat(CadfTime.parse("2026-01-18T00:23:38.109989+01:00")).isEqualTo(CadfFixtures.TIME);
  }

  @Test
  void refusesTheZuluSuffixThatTheSpecForbids() {
    assertThatThrownBy(() -> CadfTime.parse("2026-01-17T23:23:38.109989Z"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("numeric offset")
        .hasMessageNotContaining("eventTime\":");
  }

  @Test
  void failsOnDuplicateKeys() {
    String json =
        minimalJson().replace("\"action\":\"read\"", "\"action\":\"read\",\"action\":\"delete\"");

    assertThatThrownBy(() -> CadfJson.read(json.getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("Duplicate");
  }

  @Test
  void failsOnTrailingTokens() {
    String json = minimalJson() + "{}";

    assertThatThrownBy(() -> CadfJson.read(json.getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("Trailing");
  }

  @Test
  void failsOnUnknownFields() {
    String json = minimalJson().replace("\"action\"", "\"actoin\":\"x\",\"action\"");

    assertThatThrownBy(() -> CadfJson.read(json.getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("actoin");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "line\nbreak",
        "\"}{\"",
        "\u001b[31mred\u001b[0m",
        "tab\tand\rcr",
        "</script>",
        "\\\\",
        "emoji \uD83D\uDE00"
      })
  void hostileStringsStayInertAndRoundTrip(String hostile) {
    CadfEvent event =
        CadfFixtures.minimal().toBuilder()
            .name(hostile)
            .tag(hostile)
            .target(Resource.builder("t-1", ResourceTypes.DATA).name(hostile).build())
            .build();
    CadfValidator.validate(event);

    byte[] bytes = CadfJson.write(event);

    // One JSON object on one line: no raw newline, no control character escapes the string.
    for (byte b : bytes) {
      assertThat((b & 0xff) < 0x20).as("raw control byte 0x%02x", b).isFalse();
    }
    CadfEvent read = CadfJson.read(bytes);
    assertThat(read.name()).isEqualTo(hostile);
    assertThat(read.target().name()).isEqualTo(hostile);
    assertThat(CadfJson.write(read)).isEqualTo(bytes);
  }

  @Test
  void masksCredentialTokensOnConstructionAndKeepsTheMaskStable() {
    Credential credential = new Credential("token", "gAAAAABk-very-secret-keystone-token-value");

    assertThat(credential.token()).isEqualTo("gAAA***alue");
    assertThat(new Credential("token", credential.token()).token()).isEqualTo("gAAA***alue");
    assertThat(new Credential("token", "short-secret").token()).isEqualTo("***");
    String json = new String(CadfJson.write(CadfFixtures.everything()), StandardCharsets.UTF_8);
    assertThat(json).doesNotContain("very-secret").contains("\"token\":\"gAAA***alue\"");
  }

  @Test
  void cutsTheQueryStringAndFragmentFromTheRequestPath() {
    CadfEvent event =
        CadfFixtures.minimal().toBuilder()
            .requestPath("/v1/projects?token=secret&x=1#frag")
            .build();

    assertThat(event.requestPath()).isEqualTo("/v1/projects");
  }

  @Test
  void omitsEmptyListsSoTheyRoundTrip() {
    CadfEvent event = CadfFixtures.minimal().toBuilder().tags(List.of()).build();

    assertThat(event.tags()).isNull();
    assertThat(new String(CadfJson.write(event), StandardCharsets.UTF_8)).doesNotContain("tags");
  }

  private static String minimalJson() {
    return new String(CadfJson.write(CadfFixtures.minimal()), StandardCharsets.UTF_8);
  }
}
