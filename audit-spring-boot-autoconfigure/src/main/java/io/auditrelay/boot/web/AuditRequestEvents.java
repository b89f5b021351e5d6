package io.auditrelay.boot.web;

import io.auditrelay.cadf.CadfEvent;
import io.auditrelay.cadf.Resource;
import jakarta.servlet.http.HttpServletRequest;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.springframework.web.context.request.RequestAttributes;
import org.springframework.web.context.request.RequestContextHolder;
import org.springframework.web.context.request.ServletRequestAttributes;

/**
 * Fills a CADF event from the current HTTP request, so a controller records an event in one line:
 *
 * <pre>{@code
 * auditor.record(requestEvents.event(Resource.of(id, "data/security/project"), 201)).join();
 * }</pre>
 *
 * <ul>
 *   <li>initiator: the Spring Security principal's name (id and name), else {@code anonymous};
 *   <li>initiator host: the peer address, or the first {@code X-Forwarded-For} hop when the peer is
 *       a trusted proxy ({@code audit.web.trusted-proxies}); the {@code User-Agent};
 *   <li>{@code requestPath}: the request URI without the query string;
 *   <li>action from the method (GET/HEAD/OPTIONS read, POST create, PUT/PATCH update, DELETE
 *       delete); outcome success for 2xx and for a redirect answering a change (post/redirect/get,
 *       {@link io.auditrelay.cadf.Outcome#ofHttpResponse}), failure otherwise; reason {@code HTTP
 *       <status>};
 *   <li>observer: left out, so the Auditor fills the configured one ({@code audit.observer.*}).
 * </ul>
 *
 * Thread-safe.
 */
public final class AuditRequestEvents {

  private final HttpEvents events;

  /** Creates the helper; {@code trustedProxies} are IP addresses or CIDR ranges. */
  public AuditRequestEvents(List<String> trustedProxies) {
    this.events = new HttpEvents(trustedProxies);
  }

  /** An event for the current request, acting on {@code target}, answered with {@code status}. */
  public CadfEvent event(Resource target, int status) {
    return builder(status).target(target).build();
  }

  /** A builder pre-filled from the current request, for events that need more fields. */
  public CadfEvent.Builder builder(int status) {
    return builder(currentRequest(), status);
  }

  /** A builder pre-filled from {@code request}. */
  public CadfEvent.Builder builder(HttpServletRequest request, int status) {
    return events.builder(exchange(request, status));
  }

  /** What {@code request}, answered with {@code status}, tells about itself. */
  static HttpEvents.Exchange exchange(HttpServletRequest request, int status) {
    String principal = HttpEvents.currentSecurityName();
    if (principal == null && request.getUserPrincipal() != null) {
      principal = HttpEvents.name(request.getUserPrincipal());
    }
    return new HttpEvents.Exchange(
        request.getMethod(),
        request.getRequestURI(),
        status,
        principal,
        request.getRemoteAddr(),
        request.getHeader("X-Forwarded-For"),
        request.getHeader("User-Agent"));
  }

  /** The client address; {@code X-Forwarded-For} only when the peer is a trusted proxy. */
  @Nullable String clientAddress(HttpServletRequest request) {
    return events.clientAddress(request.getRemoteAddr(), request.getHeader("X-Forwarded-For"));
  }

  private static HttpServletRequest currentRequest() {
    RequestAttributes attributes = RequestContextHolder.getRequestAttributes();
    if (!(attributes instanceof ServletRequestAttributes servlet)) {
      throw new IllegalStateException(
          "No current HTTP request: call AuditRequestEvents from a request thread, or pass the"
              + " request to builder(request, status)");
    }
    return servlet.getRequest();
  }
}
