package io.auditrelay.cadf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.auditrelay.cadf.CadfValidationException.Violation;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class CadfValidatorTests {

  private static Arguments rule(
      String field, String rule, UnaryOperator<CadfEvent.Builder> breakIt) {
    return Arguments.of(field, rule, breakIt);
  }

  private static Resource user() {
    return Resource.of("u", ResourceTypes.SERVICE_SECURITY_ACCOUNT_USER);
  }

  /** One case per rule of docs/cadf.md. */
  static Stream<Arguments> brokenRules() {
    return Stream.of(
        rule("id", "is required", b -> b.id(null)),
        rule("id", "UUID", b -> b.id("not-a-uuid")),
        rule("id", "UUID", b -> b.id("6F2BB4B5-2F3E-4A4C-9A52-0B4B1B3C1D2E")),
        rule("eventTime", "is required", b -> b.eventTime((java.time.Instant) null)),
        // Required fields: each has a case, so making one optional fails here.
        rule("eventType", "is required", b -> b.eventType(null)),
        rule("action", "is required", b -> b.action(null)),
        rule("action", "CADF action", b -> b.action(" ")),
        rule("outcome", "is required", b -> b.outcome(null)),
        rule("action", "CADF action", b -> b.action("createXYZ")),
        rule("action", "CADF action", b -> b.action("frobnicate")),
        rule("action", "CADF action", b -> b.action("create/")),
        rule("initiator", "exactly one of initiator and initiatorId", b -> b.initiatorId(null)),
        rule("initiator", "exactly one of initiator and initiatorId", b -> b.initiator(user())),
        rule("target", "exactly one of target and targetId", b -> b.target(null)),
        rule("target", "exactly one of target and targetId", b -> b.targetId("t-2")),
        rule("observer", "exactly one of observer and observerId", b -> b.observer(null)),
        rule("observer", "exactly one of observer and observerId", b -> b.observerId("o")),
        rule(
            "initiator.id",
            "must not be 'initiator'",
            b -> b.initiatorId(null).initiator(Resource.reference("initiator"))),
        rule("target.id", "must not be 'target'", b -> b.target(Resource.reference("target"))),
        rule(
            "target.typeURI",
            "is required",
            b -> b.target(Resource.builder("t", null).name("n").build())),
        rule("target.typeURI", "CADF resource type", b -> b.target(Resource.of("t", "database"))),
        rule("target.typeURI", "CADF resource type", b -> b.target(Resource.of("t", "datax"))),
        rule("target.id", "is required", b -> b.target(Resource.of(" ", ResourceTypes.DATA))),
        rule(
            "reason", "is required when eventType is control", b -> b.eventType(EventType.CONTROL)),
        rule(
            "reason",
            "both reasonType and reasonCode",
            b -> b.reason(new Reason("HTTP", null, null, null))),
        rule(
            "reason",
            "both reasonType and reasonCode",
            b -> b.reason(new Reason(null, null, "policy", null))),
        rule(
            "reason",
            "both reasonType and reasonCode",
            b -> b.reason(new Reason(null, null, null, null))),
        rule(
            "measurements",
            "required when eventType is monitor",
            b -> b.eventType(EventType.MONITOR)),
        rule(
            "measurements[0].result",
            "is required",
            b -> b.measurement(new Measurement(null, null, "m", null))),
        rule(
            "measurements[0]",
            "exactly one of metric and metricId",
            b -> b.measurement(new Measurement(1, null, null, null))),
        rule(
            "measurements[0]",
            "exactly one of metric and metricId",
            b -> b.measurement(new Measurement(1, new Metric("m", "B", null), "m", null))),
        rule(
            "measurements[0].metric.unit",
            "is required",
            b -> b.measurement(Measurement.of(1, new Metric("m", null, null)))),
        rule(
            "measurements[0].metric.metricId",
            "is required",
            b -> b.measurement(Measurement.of(1, new Metric(null, "B", null)))),
        rule(
            "attachments[0].typeURI",
            "is required",
            b -> b.attachment(new Attachment(null, "n", "c"))),
        rule(
            "attachments[0].name",
            "is required",
            b -> b.attachment(new Attachment("t", null, "c"))),
        rule(
            "attachments[0].content",
            "is required",
            b -> b.attachment(new Attachment("t", "n", null))),
        rule(
            "target.addresses[0].url",
            "is required",
            b ->
                b.target(
                    Resource.builder("t", "data")
                        .addresses(List.of(new Endpoint(null, "n", null)))
                        .build())),
        rule(
            "target.credential.token",
            "is required",
            b ->
                b.target(
                    Resource.builder("t", "data")
                        .credential(new Credential("token", null))
                        .build())),
        rule(
            "tags[0]",
            "is required",
            b -> b.tags(new ArrayList<>(java.util.Collections.singletonList(null)))),
        rule(
            "reporterchain[0].role",
            "observer, modifier or relay",
            b -> b.reporterchain(List.of(new Reporterstep("boss", null, "r", null)))),
        rule(
            "reporterchain[0]",
            "exactly one of reporter and reporterId",
            b -> b.reporterchain(List.of(new Reporterstep("relay", null, null, null)))),
        rule("name", "U+0000", b -> b.name("nul\u0000here")),
        rule(
            "target.name",
            "lone high surrogate",
            b -> b.target(Resource.builder("t", "data").name("bad\uD800").build())),
        rule("initiatorId", "lone low surrogate", b -> b.initiatorId("\uDC00bad")),
        rule(
            "attachments[0].content.k",
            "U+0000",
            b -> b.attachment(new Attachment("t", "n", Map.of("k", "\u0000")))),
        rule(
            "attachments[0].content",
            "nested deeper than 32",
            b -> b.attachment(new Attachment("t", "n", nested(40)))));
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("brokenRules")
  void rejectsEveryBrokenRuleNamingTheField(
      String field, String rule, UnaryOperator<CadfEvent.Builder> breakIt) {
    CadfEvent event = breakIt.apply(CadfFixtures.minimal().toBuilder()).build();

    assertThatThrownBy(() -> CadfValidator.validate(event))
        .isInstanceOfSatisfying(
            CadfValidationException.class,
            e ->
                assertThat(e.violations())
                    .anySatisfy(
                        v -> {
                          assertThat(v.field()).isEqualTo(field);
                          assertThat(v.rule()).contains(rule);
                        }))
        .hasMessageContaining(field);
  }

  /** Every text field of a resource, each holding U+0000 in turn: its full path is named. */
  static Stream<Arguments> resourceTextFields() {
    String bad = "x\u0000";
    return Stream.of(
        Arguments.of("target.name", (UnaryOperator<Resource.Builder>) r -> r.name(bad)),
        Arguments.of("target.domain", (UnaryOperator<Resource.Builder>) r -> r.domain(bad)),
        Arguments.of(
            "target.host.id",
            (UnaryOperator<Resource.Builder>) r -> r.host(new Host(bad, null, null, null))),
        Arguments.of(
            "target.host.address",
            (UnaryOperator<Resource.Builder>) r -> r.host(new Host(null, bad, null, null))),
        Arguments.of(
            "target.host.agent",
            (UnaryOperator<Resource.Builder>) r -> r.host(new Host(null, null, bad, null))),
        Arguments.of(
            "target.host.platform",
            (UnaryOperator<Resource.Builder>) r -> r.host(new Host(null, null, null, bad))),
        Arguments.of(
            "target.addresses[1].url",
            (UnaryOperator<Resource.Builder>)
                r ->
                    r.addresses(
                        List.of(new Endpoint("u", null, null), new Endpoint(bad, null, null)))),
        Arguments.of(
            "target.addresses[0].name",
            (UnaryOperator<Resource.Builder>)
                r -> r.addresses(List.of(new Endpoint("u", bad, null)))),
        Arguments.of(
            "target.addresses[0].port",
            (UnaryOperator<Resource.Builder>)
                r -> r.addresses(List.of(new Endpoint("u", null, bad)))),
        Arguments.of(
            "target.credential.token",
            (UnaryOperator<Resource.Builder>)
                r ->
                    // masking keeps a long token's first four characters, U+0000 among them
                    r.credential(new Credential(null, bad + "a".repeat(30)))),
        Arguments.of(
            "target.credential.type",
            (UnaryOperator<Resource.Builder>) r -> r.credential(new Credential(bad, "t"))),
        Arguments.of("target.geolocation.id", geolocation(0, bad)),
        Arguments.of("target.geolocation.latitude", geolocation(1, bad)),
        Arguments.of("target.geolocation.longitude", geolocation(2, bad)),
        Arguments.of("target.geolocation.elevation", geolocation(3, bad)),
        Arguments.of("target.geolocation.accuracy", geolocation(4, bad)),
        Arguments.of("target.geolocation.city", geolocation(5, bad)),
        Arguments.of("target.geolocation.state", geolocation(6, bad)),
        Arguments.of("target.geolocation.regionICANN", geolocation(7, bad)),
        Arguments.of(
            "target.attachments[0].name",
            (UnaryOperator<Resource.Builder>)
                r -> r.attachments(List.of(new Attachment("t", bad, "c")))),
        Arguments.of("target.project_id", (UnaryOperator<Resource.Builder>) r -> r.projectId(bad)),
        Arguments.of("target.domain_id", (UnaryOperator<Resource.Builder>) r -> r.domainId(bad)),
        Arguments.of(
            "target.project_name", (UnaryOperator<Resource.Builder>) r -> r.projectName(bad)),
        Arguments.of(
            "target.project_domain_name",
            (UnaryOperator<Resource.Builder>) r -> r.projectDomainName(bad)),
        Arguments.of(
            "target.domain_name", (UnaryOperator<Resource.Builder>) r -> r.domainName(bad)),
        Arguments.of(
            "target.application_credential_id",
            (UnaryOperator<Resource.Builder>) r -> r.applicationCredentialId(bad)),
        Arguments.of("target.request_id", (UnaryOperator<Resource.Builder>) r -> r.requestId(bad)),
        Arguments.of(
            "target.global_request_id",
            (UnaryOperator<Resource.Builder>) r -> r.globalRequestId(bad)));
  }

  private static UnaryOperator<Resource.Builder> geolocation(int field, String value) {
    String[] f = new String[8];
    f[field] = value;
    return r -> r.geolocation(new Geolocation(f[0], f[1], f[2], f[3], f[4], f[5], f[6], f[7]));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("resourceTextFields")
  void namesTheFullPathOfABrokenResourceField(
      String field, UnaryOperator<Resource.Builder> breakIt) {
    Resource target = breakIt.apply(Resource.builder("t", ResourceTypes.DATA)).build();
    CadfEvent event = CadfFixtures.minimal().toBuilder().target(target).build();

    assertThat(CadfValidator.violations(event))
        .singleElement()
        .satisfies(
            v -> {
              assertThat(v.field()).isEqualTo(field);
              assertThat(v.rule()).contains("U+0000");
            });
  }

  /**
   * The hand-written id check accepts exactly what the rule's pattern does: every valid id, and
   * none of thousands of one-character changes, cuts and extensions of valid ids.
   */
  @Test
  void theIdCheckAcceptsExactlyTheLowerCaseUuidPattern() {
    java.util.regex.Pattern rule =
        java.util.regex.Pattern.compile(
            "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
    java.util.SplittableRandom random = new java.util.SplittableRandom(42);
    String alphabet = "0123456789abcdefABCDEFg-{} \n\u00e9";
    int accepted = 0;
    for (int n = 0; n < 20_000; n++) {
      StringBuilder id = new StringBuilder(java.util.UUID.randomUUID().toString());
      switch (n % 4) {
        case 0 -> {} // as generated
        case 1 ->
            id.setCharAt(
                random.nextInt(id.length()), alphabet.charAt(random.nextInt(alphabet.length())));
        case 2 -> id.setLength(random.nextInt(id.length()));
        default ->
            id.insert(
                random.nextInt(id.length() + 1),
                alphabet.charAt(random.nextInt(alphabet.length())));
      }
      String candidate = id.toString();
      boolean expected = rule.matcher(candidate).matches();
      assertThat(CadfValidator.isLowerCaseUuid(candidate)).as(candidate).isEqualTo(expected);
      accepted += expected ? 1 : 0;
    }
    assertThat(accepted).isGreaterThan(5_000).isLessThan(15_000); // both sides were exercised
  }

  @Test
  void rejectsAWrongEventTypeUri() {
    CadfEvent base = CadfFixtures.minimal();
    CadfEvent event =
        new CadfEvent(
            "http://example.com/event",
            base.id(),
            base.eventType(),
            base.eventTime(),
            base.action(),
            base.outcome(),
            null,
            base.initiatorId(),
            base.target(),
            null,
            base.observer(),
            null,
            null,
            null,
            null,
            null,
            null,
            null,
            null,
            null);

    assertThat(CadfValidator.violations(event))
        .extracting(Violation::field)
        .containsExactly("typeURI");
  }

  @Test
  void acceptsTheTypicalEventsAndEveryOptionalField() {
    assertThat(CadfValidator.violations(CadfFixtures.createProject())).isEmpty();
    assertThat(CadfValidator.violations(CadfFixtures.minimal())).isEmpty();
    assertThat(CadfValidator.violations(CadfFixtures.everything())).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "create",
        "create/user",
        "update/set-quota",
        "read/list",
        "authenticate/login",
        "unknown"
      })
  void acceptsTaxonomyActionsAndTheirSubPaths(String action) {
    assertThat(Actions.isValid(action)).isTrue();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "service/security/account/user",
        "data/security/project",
        "compute/machine",
        "storage",
        "unknown",
        "network/node/host/x"
      })
  void acceptsTaxonomyResourceTypesAndTheirSubPaths(String type) {
    assertThat(ResourceTypes.isValid(type)).isTrue();
  }

  @Test
  void acceptsAPolicyReasonAndAControlEventWithIt() {
    CadfEvent event =
        CadfFixtures.minimal().toBuilder()
            .eventType(EventType.CONTROL)
            .reason(new Reason(null, null, "rbac", "policy-7"))
            .build();

    assertThat(CadfValidator.violations(event)).isEmpty();
  }

  @Test
  void reportsEveryViolationAtOnce() {
    CadfEvent event =
        CadfFixtures.minimal().toBuilder().id("x").action("nope").observer(null).build();

    assertThat(CadfValidator.violations(event))
        .extracting(Violation::field)
        .containsExactly("id", "action", "observer");
  }

  @Test
  void mapsHttpMethodsAndStatusesAsDocumented() {
    assertThat(Actions.ofHttpMethod("GET")).isEqualTo("read");
    assertThat(Actions.ofHttpMethod("head")).isEqualTo("read");
    assertThat(Actions.ofHttpMethod("OPTIONS")).isEqualTo("read");
    assertThat(Actions.ofHttpMethod("POST")).isEqualTo("create");
    assertThat(Actions.ofHttpMethod("PUT")).isEqualTo("update");
    assertThat(Actions.ofHttpMethod("PATCH")).isEqualTo("update");
    assertThat(Actions.ofHttpMethod("DELETE")).isEqualTo("delete");
    assertThat(Actions.ofHttpMethod("TRACE")).isEqualTo("unknown");
    assertThat(Outcome.ofHttpStatus(201)).isEqualTo(Outcome.SUCCESS);
    assertThat(Outcome.ofHttpStatus(302)).isEqualTo(Outcome.FAILURE);
    assertThat(Outcome.ofHttpStatus(404)).isEqualTo(Outcome.FAILURE);
  }

  private static Object nested(int depth) {
    Object value = "leaf";
    for (int i = 0; i < depth; i++) {
      value = List.of(value);
    }
    return value;
  }
}
