package io.auditrelay.boot.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.auditrelay.cadf.Resource;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RequestAuditMapTests {

  private static final List<String> MUTATING = List.of("POST", "PUT", "PATCH", "DELETE");

  private static RequestAuditMap.Route route(String pattern, String type) {
    return new RequestAuditMap.Route(pattern, type, null, Map.of());
  }

  private final RequestAuditMap map =
      new RequestAuditMap(
          List.of(
              route("/v1/projects/{id}/**", "data/security/project/settings"),
              new RequestAuditMap.Route(
                  "/v1/projects/{id}",
                  "data/security/project",
                  null,
                  Map.of("patch", "update/set-quota")),
              route("/v1/projects", "data/security/project"),
              new RequestAuditMap.Route(
                  "/v1/domains/{domain}/users/{user}",
                  "data/security/account/user",
                  "domain",
                  Map.of())),
          MUTATING,
          List.of("/internal/**"),
          true,
          "unknown");

  private RequestAuditMap.Plan plan(String method, String path) {
    return map.plan(method, path, 200, null, null, Map.of());
  }

  @Test
  void theMostSpecificEntryGivesTargetTypeAndIdFromItsLastVariable() {
    assertThat(plan("PUT", "/v1/projects/7"))
        .isEqualTo(new RequestAuditMap.Plan(Resource.of("7", "data/security/project"), "update"));
    assertThat(plan("DELETE", "/v1/projects/7/members/3").target())
        .isEqualTo(Resource.of("7", "data/security/project/settings"));
    assertThat(plan("PUT", "/v1/domains/d1/users/u9").target().id()).isEqualTo("d1");
  }

  @Test
  void anEntryOverridesTheActionOfAMethod() {
    assertThat(plan("PATCH", "/v1/projects/7").action()).isEqualTo("update/set-quota");
    assertThat(plan("POST", "/v1/projects/7").action()).isEqualTo("create");
  }

  @Test
  void aPatternWithoutVariablesTakesTheIdFromTheLocationOfA201ElseThePath() {
    assertThat(map.plan("POST", "/v1/projects", 201, "http://h/v1/projects/42?x=1", null, Map.of()))
        .extracting(p -> p.target().id())
        .isEqualTo("42");
    assertThat(map.plan("POST", "/v1/projects", 400, null, null, Map.of()).target().id())
        .isEqualTo("/v1/projects");
  }

  @Test
  void readsAreNotAuditedUnlessTheHandlerSaysSo() {
    assertThat(plan("GET", "/v1/projects/7")).isNull();
    AuditedRequest annotation = Annotated.class.getAnnotation(AuditedRequest.class);
    assertThat(map.plan("GET", "/v1/keys/k1", 200, null, annotation, Map.of("key", "k1")))
        .isEqualTo(
            new RequestAuditMap.Plan(Resource.of("k1", "data/security/credential"), "read/list"));
  }

  @Test
  void unmappedPathsAreAuditedWithTheirPathOrSkippedAndExcludedOnesNever() {
    assertThat(plan("POST", "/misc/ping"))
        .isEqualTo(new RequestAuditMap.Plan(Resource.of("/misc/ping", "unknown"), "create"));
    assertThat(plan("POST", "/internal/refresh")).isNull();
    RequestAuditMap skipping =
        new RequestAuditMap(List.of(), MUTATING, List.of(), false, "unknown");
    assertThat(skipping.plan("POST", "/misc/ping", 200, null, null, Map.of())).isNull();
  }

  @Test
  void aWrongEntryIsRefusedNamingTheSettingAndWhatToFix() {
    assertThatThrownBy(
            () ->
                new RequestAuditMap(
                    List.of(route("/ok", "data"), route("/v1/{id", "data")),
                    MUTATING,
                    List.of(),
                    true,
                    "unknown"))
        .hasMessageStartingWith("audit.web.requests.paths[1].pattern: '/v1/{id' is not a valid");
    assertThatThrownBy(
            () ->
                new RequestAuditMap(
                    List.of(route("/v1", "projects")), MUTATING, List.of(), true, "unknown"))
        .hasMessageContaining("audit.web.requests.paths[0].target-type: 'projects' is not a CADF");
    assertThatThrownBy(
            () ->
                new RequestAuditMap(
                    List.of(new RequestAuditMap.Route("/v1/{id}", "data", "name", Map.of())),
                    MUTATING,
                    List.of(),
                    true,
                    "unknown"))
        .hasMessageContaining("target-id: 'name' is not a variable of the pattern '/v1/{id}'");
    assertThatThrownBy(
            () ->
                new RequestAuditMap(
                    List.of(new RequestAuditMap.Route("/v1", "data", null, Map.of("POST", "make"))),
                    MUTATING,
                    List.of(),
                    true,
                    "unknown"))
        .hasMessageContaining("paths[0].actions.POST: 'make' is not a CADF action");
    assertThatThrownBy(() -> new RequestAuditMap(List.of(), MUTATING, List.of(), true, "nothing"))
        .hasMessageContaining("unmapped-target-type: 'nothing'");
  }

  @AuditedRequest(targetType = "data/security/credential", targetId = "key", action = "read/list")
  private static final class Annotated {}
}
