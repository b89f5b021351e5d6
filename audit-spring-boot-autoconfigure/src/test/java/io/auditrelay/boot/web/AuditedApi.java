package io.auditrelay.boot.web;

import java.net.URI;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;

/**
 * The API of the request auditing tests, served by Spring MVC and by WebFlux alike: no handler
 * records anything itself.
 */
@RestController
class AuditedApi {

  /** The settings that map it: see docs/request-auditing.md. */
  static final String[] PROPERTIES = {
    "audit.web.requests.enabled=true",
    "audit.web.requests.paths[0].pattern=/v1/projects/{id}",
    "audit.web.requests.paths[0].target-type=data/security/project",
    "audit.web.requests.paths[0].actions.PATCH=update/set-quota",
    "audit.web.requests.paths[1].pattern=/v1/projects",
    "audit.web.requests.paths[1].target-type=data/security/project",
    "audit.web.requests.paths[2].pattern=/owners/{ownerId}/**",
    "audit.web.requests.paths[2].target-type=data/security/account/user",
    "audit.web.requests.exclude=/internal/**",
    "audit.web.trusted-proxies=10.0.0.0/8",
    "audit.observer.id=audited-api",
    "audit.observer.name=audited-api"
  };

  @PutMapping("/v1/projects/{id}")
  Map<String, String> update(@PathVariable String id) {
    if (id.equals("missing")) {
      throw new ResponseStatusException(HttpStatus.NOT_FOUND, "no project " + id);
    }
    return Map.of("id", id);
  }

  @PatchMapping("/v1/projects/{id}")
  Map<String, String> setQuota(@PathVariable String id) {
    return Map.of("id", id, "quota", "10");
  }

  @PostMapping("/v1/projects")
  ResponseEntity<Void> create() {
    return ResponseEntity.created(URI.create("/v1/projects/42")).build();
  }

  @DeleteMapping("/v1/projects/{id}")
  ResponseEntity<Void> delete(@PathVariable String id) {
    return ResponseEntity.noContent().build();
  }

  @PostMapping("/v1/projects/{id}/fail")
  Map<String, String> fail(@PathVariable String id) {
    throw new IllegalStateException("the handler failed");
  }

  @GetMapping("/v1/projects/{id}")
  Map<String, String> show(@PathVariable String id) {
    return Map.of("id", id);
  }

  @AuditedRequest(targetType = "data/security/credential", targetId = "user", action = "read/list")
  @GetMapping("/v1/users/{user}/keys")
  Map<String, String> keys(@PathVariable String user) {
    return Map.of("user", user, "keys", "k1");
  }

  /** Post/redirect/get: a form that edits answers 302. */
  @PostMapping("/owners/{ownerId}/edit")
  ResponseEntity<Void> editOwner(@PathVariable String ownerId) {
    return ResponseEntity.status(HttpStatus.FOUND)
        .location(URI.create("/owners/" + ownerId))
        .build();
  }

  @PostMapping("/misc/ping")
  Map<String, String> ping() {
    return Map.of("pong", "true");
  }

  @PostMapping("/internal/refresh")
  Map<String, String> refresh() {
    return Map.of("refreshed", "true");
  }
}
