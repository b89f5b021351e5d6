package io.auditrelay.boot.web;

import io.auditrelay.cadf.Actions;
import io.auditrelay.cadf.CadfEvent;
import io.auditrelay.cadf.Host;
import io.auditrelay.cadf.Outcome;
import io.auditrelay.cadf.Reason;
import io.auditrelay.cadf.Resource;
import io.auditrelay.cadf.ResourceTypes;
import jakarta.servlet.http.HttpServletRequest;
import java.util.List;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.springframework.util.ClassUtils;
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
 *       {@link Outcome#ofHttpResponse}), failure otherwise; reason {@code HTTP <status>};
 *   <li>observer: left out, so the Auditor fills the configured one ({@code audit.observer.*}).
 * </ul>
 *
 * Thread-safe.
 */
public final class AuditRequestEvents {

  private static final boolean SECURITY_PRESENT =
      ClassUtils.isPresent(
          "org.springframework.security.core.context.SecurityContextHolder",
          AuditRequestEvents.class.getClassLoader());

  private final TrustedProxies trustedProxies;

  /** Creates the helper; {@code trustedProxies} are IP addresses or CIDR ranges. */
  public AuditRequestEvents(List<String> trustedProxies) {
    this.trustedProxies = new TrustedProxies(trustedProxies);
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
    return CadfEvent.builder()
        .action(Actions.ofHttpMethod(request.getMethod()))
        .outcome(Outcome.ofHttpResponse(request.getMethod(), status))
        .reason(Reason.http(status))
        .initiator(initiator(request))
        .requestPath(request.getRequestURI());
  }

  private Resource initiator(HttpServletRequest request) {
    String principal = SECURITY_PRESENT ? SecurityPrincipal.name() : null;
    if (principal == null && request.getUserPrincipal() != null) {
      principal = request.getUserPrincipal().getName();
    }
    String id = principal == null ? "anonymous" : principal;
    return Resource.builder(id, ResourceTypes.SERVICE_SECURITY_ACCOUNT_USER)
        .name(id)
        .host(Host.of(clientAddress(request), request.getHeader("User-Agent")))
        .build();
  }

  /** The client address; {@code X-Forwarded-For} only when the peer is a trusted proxy. */
  String clientAddress(HttpServletRequest request) {
    String peer = request.getRemoteAddr();
    String forwarded = request.getHeader("X-Forwarded-For");
    if (forwarded == null || trustedProxies.isEmpty() || !trustedProxies.contains(peer)) {
      return peer;
    }
    // Walk from the nearest hop back: the first address that is not a trusted proxy is the client.
    String[] hops = forwarded.split(",");
    for (int i = hops.length - 1; i >= 0; i--) {
      String hop = hops[i].trim();
      if (!trustedProxies.contains(hop)) {
        return hop;
      }
    }
    return hops[0].trim();
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

  /** Isolates the Spring Security classes, which are optional. */
  private static final class SecurityPrincipal {
    static @Nullable String name() {
      Supplier<org.springframework.security.core.@Nullable Authentication> current =
          () ->
              org.springframework.security.core.context.SecurityContextHolder.getContext()
                  .getAuthentication();
      var authentication = current.get();
      if (authentication == null
          || !authentication.isAuthenticated()
          || authentication
              instanceof org.springframework.security.authentication.AnonymousAuthenticationToken) {
        return null;
      }
      return authentication.getName();
    }
  }
}
