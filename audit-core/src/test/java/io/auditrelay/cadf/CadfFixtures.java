package io.auditrelay.cadf;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/** Typical events, as services build them. */
public final class CadfFixtures {

  public static final Instant TIME = Instant.parse("2026-01-17T23:23:38.109989Z");
  public static final String ID = "6f2bb4b5-2f3e-4a4c-9a52-0b4b1b3c1d2e";

  private CadfFixtures() {}

  /** A complete create event with an OpenStack-style initiator. */
  public static CadfEvent createProject() {
    return CadfEvent.builder()
        .id(ID)
        .eventTime(TIME)
        .action(Actions.CREATE)
        .outcome(Outcome.SUCCESS)
        .initiator(
            Resource.builder("user-1", ResourceTypes.SERVICE_SECURITY_ACCOUNT_USER)
                .name("alice")
                .domain("Default")
                .projectId("p-123")
                .domainId("d-1")
                .projectName("demo")
                .projectDomainName("Default")
                .applicationCredentialId("ac-9")
                .requestId("req-1")
                .globalRequestId("greq-1")
                .host(Host.of("10.0.0.7", "curl/8.0"))
                .build())
        .target(Resource.builder("p-456", "data/security/project").name("new-project").build())
        .observer(Resource.builder("svc-1", ResourceTypes.SERVICE).name("projects-api").build())
        .reason(Reason.http(201))
        .requestPath("/v1/projects")
        .build();
  }

  /** A minimal valid event with the observer idiom {@code {"id":"target"}}. */
  public static CadfEvent minimal() {
    return CadfEvent.builder()
        .id(ID)
        .eventTime(TIME)
        .action(Actions.READ)
        .outcome(Outcome.SUCCESS)
        .initiatorId("user-1")
        .target(Resource.of("t-1", ResourceTypes.DATA))
        .observer(Resource.reference("target"))
        .build();
  }

  /** An event using every optional field. */
  public static CadfEvent everything() {
    return createProject().toBuilder()
        .eventType(EventType.MONITOR)
        .name("quota check")
        .severity("info")
        .measurement(Measurement.of(42, new Metric("m-1", "GB", "quota")))
        .measurement(new Measurement("ok", null, "m-2", Resource.reference("target")))
        .tag("project?value=p-123")
        .attachment(
            new Attachment(
                "mime:application/json", "request", Map.of("quota", List.of(1, 2.5, true, "x"))))
        .reporterchain(List.of(new Reporterstep("relay", null, "relay-1", TIME)))
        .target(
            Resource.builder("p-456", "data/security/project")
                .addresses(List.of(new Endpoint("https://api.example.com", "public", "443")))
                .credential(new Credential("token", "gAAAAABk-very-secret-keystone-token-value"))
                .geolocation(
                    new Geolocation(null, "52.5", "13.4", null, null, "Berlin", null, "de"))
                .build())
        .build();
  }
}
