package io.auditrelay.boot.security;

import io.auditrelay.boot.web.AuditRequestEvents;
import io.auditrelay.cadf.Actions;
import io.auditrelay.cadf.CadfEvent;
import io.auditrelay.cadf.Outcome;
import io.auditrelay.cadf.Reason;
import io.auditrelay.cadf.Resource;
import io.auditrelay.cadf.ResourceTypes;
import jakarta.servlet.http.HttpServletRequest;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.actuate.audit.AuditEvent;
import org.springframework.web.context.request.RequestAttributes;
import org.springframework.web.context.request.RequestContextHolder;
import org.springframework.web.context.request.ServletRequestAttributes;

/**
 * Maps the audit events that Spring Boot's security listeners make of Spring Security's events to
 * CADF events:
 *
 * <ul>
 *   <li>{@code AUTHENTICATION_SUCCESS}: {@code authenticate/login}, success;
 *   <li>{@code AUTHENTICATION_FAILURE}: {@code authenticate/login}, failure, reason {@code
 *       authentication} with the exception's type (never its message);
 *   <li>{@code LOGOUT_SUCCESS}: {@code authenticate/logout}, success;
 *   <li>{@code AUTHORIZATION_FAILURE}: the request's action (from its method), failure, reason
 *       {@code HTTP 403}, the request's path as target.
 * </ul>
 *
 * The initiator is the principal with, within a request, its address and user agent as {@link
 * AuditRequestEvents} reads them ({@code X-Forwarded-For} from trusted proxies only). Other types
 * are not mapped. Thread-safe.
 */
final class SecurityAuditEvents {

  static final String AUTHENTICATION_SUCCESS = "AUTHENTICATION_SUCCESS";
  static final String AUTHENTICATION_FAILURE = "AUTHENTICATION_FAILURE";
  static final String LOGOUT_SUCCESS = "LOGOUT_SUCCESS";
  static final String AUTHORIZATION_FAILURE = "AUTHORIZATION_FAILURE";

  /** CADF action of a logout: a sub-path of {@code authenticate}. */
  static final String AUTHENTICATE_LOGOUT = Actions.AUTHENTICATE + "/logout";

  private static final Resource AUTHENTICATION =
      Resource.of("authentication", ResourceTypes.SERVICE_SECURITY);

  private final AuditRequestEvents requestEvents;

  SecurityAuditEvents(AuditRequestEvents requestEvents) {
    this.requestEvents = requestEvents;
  }

  /** The CADF event for {@code event}, or null for a type that is not mapped. */
  @Nullable CadfEvent toCadf(AuditEvent event) {
    HttpServletRequest request = currentRequest();
    CadfEvent.Builder cadf =
        switch (event.getType()) {
          case AUTHENTICATION_SUCCESS ->
              base(request, 200)
                  .action(Actions.AUTHENTICATE_LOGIN)
                  .outcome(Outcome.SUCCESS)
                  .reason(null)
                  .target(AUTHENTICATION);
          case AUTHENTICATION_FAILURE ->
              base(request, 401)
                  .action(Actions.AUTHENTICATE_LOGIN)
                  .outcome(Outcome.FAILURE)
                  .reason(new Reason("authentication", failureType(event), null, null))
                  .target(AUTHENTICATION);
          case LOGOUT_SUCCESS ->
              base(request, 200)
                  .action(AUTHENTICATE_LOGOUT)
                  .outcome(Outcome.SUCCESS)
                  .reason(null)
                  .target(AUTHENTICATION);
          case AUTHORIZATION_FAILURE ->
              base(request, 403)
                  .outcome(Outcome.FAILURE)
                  .target(
                      request == null
                          ? Resource.of("unknown", ResourceTypes.SERVICE)
                          : Resource.of(request.getRequestURI(), ResourceTypes.SERVICE));
          default -> null;
        };
    if (cadf == null) {
      return null;
    }
    return cadf.eventTime(event.getTimestamp())
        .initiator(initiator(event.getPrincipal(), cadf.build().initiator()))
        .build();
  }

  /** From the request when there is one (host, agent, path, action), else a bare event. */
  private CadfEvent.Builder base(@Nullable HttpServletRequest request, int status) {
    if (request != null) {
      return requestEvents.builder(request, status);
    }
    return CadfEvent.builder()
        .action(Actions.UNKNOWN)
        .outcome(Outcome.ofHttpStatus(status))
        .reason(Reason.http(status))
        .initiator(Resource.of("anonymous", ResourceTypes.SERVICE_SECURITY_ACCOUNT_USER));
  }

  /** The principal of the event, with the host the request came from. */
  private static Resource initiator(@Nullable String principal, @Nullable Resource fromRequest) {
    String id = principal == null || principal.isBlank() ? "anonymous" : principal;
    return Resource.builder(id, ResourceTypes.SERVICE_SECURITY_ACCOUNT_USER)
        .name(id)
        .host(fromRequest == null ? null : fromRequest.host())
        .build();
  }

  private static String failureType(AuditEvent event) {
    Object type = event.getData().get("type");
    if (type == null) {
      return "unknown";
    }
    String name = type.toString();
    return name.substring(name.lastIndexOf('.') + 1);
  }

  private static @Nullable HttpServletRequest currentRequest() {
    RequestAttributes attributes = RequestContextHolder.getRequestAttributes();
    return attributes instanceof ServletRequestAttributes servlet ? servlet.getRequest() : null;
  }
}
