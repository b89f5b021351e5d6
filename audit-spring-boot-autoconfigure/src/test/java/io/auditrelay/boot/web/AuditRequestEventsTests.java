package io.auditrelay.boot.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.auditrelay.cadf.CadfEvent;
import io.auditrelay.cadf.Outcome;
import io.auditrelay.cadf.Reason;
import io.auditrelay.cadf.Resource;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.authority.AuthorityUtils;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.context.request.RequestContextHolder;
import org.springframework.web.context.request.ServletRequestAttributes;

class AuditRequestEventsTests {

  private final AuditRequestEvents events =
      new AuditRequestEvents(List.of("10.0.0.0/8", "192.168.1.1"));

  @AfterEach
  void reset() {
    SecurityContextHolder.clearContext();
    RequestContextHolder.resetRequestAttributes();
  }

  private static MockHttpServletRequest request(String method, String uri) {
    MockHttpServletRequest request = new MockHttpServletRequest(method, uri);
    request.setQueryString("token=secret");
    request.setRemoteAddr("203.0.113.9");
    request.addHeader("User-Agent", "curl/8.5");
    return request;
  }

  @Test
  void fillsTheEventFromTheCurrentRequestAndPrincipal() {
    RequestContextHolder.setRequestAttributes(
        new ServletRequestAttributes(request("POST", "/projects")));
    SecurityContextHolder.getContext()
        .setAuthentication(
            UsernamePasswordAuthenticationToken.authenticated(
                "alice", "n/a", AuthorityUtils.NO_AUTHORITIES));

    CadfEvent event = events.event(Resource.of("p-1", "data/security/project"), 201);

    assertThat(event.action()).isEqualTo("create");
    assertThat(event.outcome()).isEqualTo(Outcome.SUCCESS);
    assertThat(event.reason()).isEqualTo(Reason.http(201));
    assertThat(event.requestPath()).isEqualTo("/projects");
    assertThat(event.initiator().id()).isEqualTo("alice");
    assertThat(event.initiator().host().address()).isEqualTo("203.0.113.9");
    assertThat(event.initiator().host().agent()).isEqualTo("curl/8.5");
    assertThat(event.target().id()).isEqualTo("p-1");
    assertThat(event.observer()).isNull();
  }

  @Test
  void mapsMethodsAndStatusesAsDocumented() {
    assertThat(events.builder(request("DELETE", "/projects/1"), 204).build().action())
        .isEqualTo("delete");
    assertThat(events.builder(request("GET", "/projects"), 302).build().outcome())
        .as("a read redirected (to a login page, say) did not happen")
        .isEqualTo(Outcome.FAILURE);
    assertThat(events.builder(request("GET", "/projects"), 404).build().reason().reasonCode())
        .isEqualTo("404");
  }

  /**
   * Post/redirect/get: a form application answers the change it made with a redirect. Fails on the
   * code before {@link Outcome#ofHttpResponse}, which recorded every 302 as a failure.
   */
  @Test
  void countsARedirectAnsweringAChangeAsSuccess() {
    for (String method : java.util.List.of("POST", "PUT", "PATCH", "DELETE")) {
      for (int status : new int[] {301, 302, 303, 307, 308}) {
        assertThat(events.builder(request(method, "/owners/1/edit"), status).build().outcome())
            .as("%s answered %d", method, status)
            .isEqualTo(Outcome.SUCCESS);
      }
    }
    assertThat(events.builder(request("POST", "/owners/new"), 400).build().outcome())
        .isEqualTo(Outcome.FAILURE);
  }

  @Test
  void recordsAnonymousWithoutAPrincipal() {
    assertThat(events.builder(request("GET", "/"), 200).build().initiator().id())
        .isEqualTo("anonymous");
  }

  @Test
  void ignoresXForwardedForFromAnUntrustedPeer() {
    MockHttpServletRequest request = request("GET", "/");
    request.addHeader("X-Forwarded-For", "198.51.100.7");

    assertThat(events.clientAddress(request)).isEqualTo("203.0.113.9");
  }

  @Test
  void believesXForwardedForFromATrustedProxyAndSkipsTrustedHops() {
    MockHttpServletRequest request = request("GET", "/");
    request.setRemoteAddr("10.1.2.3");
    request.addHeader("X-Forwarded-For", "6.6.6.6, 198.51.100.7, 192.168.1.1");

    assertThat(events.clientAddress(request)).isEqualTo("198.51.100.7");
  }

  @Test
  void rejectsATrustedProxyThatIsNotAnAddress() {
    assertThatThrownBy(() -> new AuditRequestEvents(List.of("proxy.example.com")))
        .hasMessageContaining("audit.web.trusted-proxies")
        .hasMessageContaining("proxy.example.com");
  }

  @Test
  void explainsWhenThereIsNoCurrentRequest() {
    assertThatThrownBy(() -> events.builder(200)).hasMessageContaining("No current HTTP request");
  }
}
