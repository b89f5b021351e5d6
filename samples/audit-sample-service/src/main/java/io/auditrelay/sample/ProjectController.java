package io.auditrelay.sample;

import io.auditrelay.boot.web.AuditRequestEvents;
import io.auditrelay.cadf.Resource;
import io.auditrelay.core.AuditWithdrawnException;
import io.auditrelay.core.Auditor;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;

/**
 * Projects, each change audited. The compliance pattern: the response is sent only after the event
 * is durable (broker confirm or durable store), so there is no success without an audit record; if
 * it cannot be made durable in time, it is withdrawn (never published), the change is undone and
 * the client gets 503.
 */
@RestController
class ProjectController {

  /** Request body of {@code POST /projects}. */
  record CreateProject(@Nullable String name) {}

  /** A project. */
  record Project(String id, String name) {}

  private static final String PROJECT_TYPE = "data/security/project";

  private final Map<String, String> projects = new ConcurrentHashMap<>();
  private final Auditor auditor;
  private final AuditRequestEvents requestEvents;
  private final Duration auditTimeout;

  ProjectController(
      Auditor auditor,
      AuditRequestEvents requestEvents,
      @Value("${sample.audit-timeout:10s}") Duration auditTimeout) {
    this.auditor = auditor;
    this.requestEvents = requestEvents;
    this.auditTimeout = auditTimeout;
  }

  @PostMapping("/projects")
  ResponseEntity<Project> create(@RequestBody CreateProject body) {
    if (body.name() == null || body.name().isBlank()) {
      throw new ResponseStatusException(HttpStatus.BAD_REQUEST, "name is required");
    }
    String id = UUID.randomUUID().toString();
    projects.put(id, body.name());
    try {
      audited(Resource.builder(id, PROJECT_TYPE).name(body.name()).build(), 201);
    } catch (ResponseStatusException e) {
      projects.remove(id);
      throw e;
    }
    return ResponseEntity.created(URI.create("/projects/" + id)).body(new Project(id, body.name()));
  }

  @DeleteMapping("/projects/{id}")
  ResponseEntity<Void> delete(@PathVariable String id) {
    String name = projects.remove(id);
    if (name == null) {
      throw new ResponseStatusException(HttpStatus.NOT_FOUND, "no project " + id);
    }
    try {
      audited(Resource.builder(id, PROJECT_TYPE).name(name).build(), 204);
    } catch (ResponseStatusException e) {
      projects.put(id, name);
      throw e;
    }
    return ResponseEntity.noContent().build();
  }

  /**
   * Records the event and waits until it is durable. When it is not durable in time it is withdrawn
   * (it will never be published), and the caller undoes the change.
   */
  private void audited(Resource target, int status) {
    try {
      auditor.recordDurably(requestEvents.event(target, status), auditTimeout);
    } catch (AuditWithdrawnException e) {
      throw new ResponseStatusException(
          HttpStatus.SERVICE_UNAVAILABLE,
          "the change could not be audited in time; it was not made",
          e);
    } catch (RuntimeException e) {
      throw new ResponseStatusException(
          HttpStatus.SERVICE_UNAVAILABLE, "the change could not be audited; it was not made", e);
    }
  }
}
