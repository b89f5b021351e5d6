package io.auditrelay.boot.web;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a handler method (or every handler method of a controller) whose requests the request
 * auditing filter records, whatever their HTTP method, with the target and action given here. It
 * takes precedence over the path map ({@code audit.web.requests.paths}) and has effect only when
 * request auditing is on ({@code audit.web.requests.enabled=true}).
 *
 * <pre>{@code
 * @AuditedRequest(targetType = "data/security/project", targetId = "id")
 * @PutMapping("/v1/projects/{id}/quota")
 * Quota setQuota(@PathVariable String id, @RequestBody Quota quota) { ... }
 * }</pre>
 *
 * A {@code GET} handler annotated this way is audited as a read; strict mode never holds such a
 * response (see {@code docs/request-auditing.md}).
 */
@Target({ElementType.METHOD, ElementType.TYPE})
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface AuditedRequest {

  /** The CADF type of the target, from the resource taxonomy: {@code data/security/project}. */
  String targetType();

  /**
   * The path variable of the handler's mapping that holds the target's id. Empty: the mapping's
   * last variable; a mapping without variables uses the {@code Location} of a 201 response, else
   * the path.
   */
  String targetId() default "";

  /** The CADF action. Empty: from the HTTP method (POST create, PUT update, ...). */
  String action() default "";
}
