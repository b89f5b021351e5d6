package io.auditrelay.boot.web;

import io.auditrelay.cadf.Actions;
import io.auditrelay.cadf.CadfEvent;
import io.auditrelay.cadf.Host;
import io.auditrelay.cadf.Outcome;
import io.auditrelay.cadf.Reason;
import io.auditrelay.cadf.Resource;
import io.auditrelay.cadf.ResourceTypes;
import java.security.Principal;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.springframework.util.ClassUtils;

/**
 * The parts of a CADF event that one HTTP exchange fixes, for servlet and reactive requests alike:
 * initiator (principal, client address, agent), action and outcome from the method and status,
 * reason {@code HTTP <status>}, and {@code requestPath}. Thread-safe.
 */
final class HttpEvents {

  /** What one request tells about itself. */
  record Exchange(
      String method,
      String requestUri,
      int status,
      @Nullable String principal,
      @Nullable String peer,
      @Nullable String forwardedFor,
      @Nullable String userAgent) {}

  private static final boolean SECURITY_PRESENT =
      ClassUtils.isPresent(
          "org.springframework.security.core.Authentication", HttpEvents.class.getClassLoader());

  private final TrustedProxies trustedProxies;

  HttpEvents(List<String> trustedProxies) {
    this.trustedProxies = new TrustedProxies(trustedProxies);
  }

  /** A builder with everything the exchange fixes; target (and action, if it differs) to add. */
  CadfEvent.Builder builder(Exchange exchange) {
    String id = exchange.principal() == null ? "anonymous" : exchange.principal();
    return CadfEvent.builder()
        .action(Actions.ofHttpMethod(exchange.method()))
        .outcome(Outcome.ofHttpResponse(exchange.method(), exchange.status()))
        .reason(Reason.http(exchange.status()))
        .initiator(
            Resource.builder(id, ResourceTypes.SERVICE_SECURITY_ACCOUNT_USER)
                .name(id)
                .host(
                    Host.of(
                        clientAddress(exchange.peer(), exchange.forwardedFor()),
                        exchange.userAgent()))
                .build())
        .requestPath(exchange.requestUri());
  }

  /** The client address; {@code X-Forwarded-For} only when the peer is a trusted proxy. */
  @Nullable String clientAddress(@Nullable String peer, @Nullable String forwarded) {
    if (peer == null
        || forwarded == null
        || trustedProxies.isEmpty()
        || !trustedProxies.contains(peer)) {
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

  /** The name of an authenticated principal; null for none and for Spring Security's anonymous. */
  static @Nullable String name(@Nullable Principal principal) {
    if (principal == null) {
      return null;
    }
    if (SECURITY_PRESENT && principal instanceof org.springframework.security.core.Authentication) {
      return Security.name((org.springframework.security.core.Authentication) principal);
    }
    return principal.getName();
  }

  /** The current thread's Spring Security principal, when Spring Security is present. */
  static @Nullable String currentSecurityName() {
    return SECURITY_PRESENT ? Security.current() : null;
  }

  /** Isolates the Spring Security classes, which are optional. */
  private static final class Security {

    static @Nullable String current() {
      return name(
          org.springframework.security.core.context.SecurityContextHolder.getContext()
              .getAuthentication());
    }

    static @Nullable String name(
        org.springframework.security.core.@Nullable Authentication authentication) {
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
