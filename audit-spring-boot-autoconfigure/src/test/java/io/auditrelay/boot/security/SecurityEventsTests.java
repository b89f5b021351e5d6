package io.auditrelay.boot.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.httpBasic;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.user;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import io.auditrelay.boot.autoconfigure.AuditSecurityEventsAutoConfiguration;
import io.auditrelay.boot.autoconfigure.AuditWebAutoConfiguration;
import io.auditrelay.cadf.CadfEvent;
import io.auditrelay.cadf.CadfValidator;
import io.auditrelay.cadf.Outcome;
import io.auditrelay.core.AuditFuture;
import io.auditrelay.core.Auditor;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configuration.EnableWebSecurity;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.test.web.servlet.setup.SecurityMockMvcConfigurers;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.request.RequestPostProcessor;
import org.springframework.test.web.servlet.setup.MockMvcBuilders;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.context.WebApplicationContext;
import org.springframework.web.filter.RequestContextFilter;
import org.springframework.web.servlet.config.annotation.EnableWebMvc;

/**
 * Real logins through Spring Security's filter chain (HTTP Basic, form logout, an authorization
 * rule), with Spring Boot's security and Actuator audit auto-configurations: each arrives as a
 * valid CADF event. Fails on the code before, where nothing was recorded unless the application
 * defined an {@code AuditEventRepository}, and denied authorizations never.
 */
class SecurityEventsTests {

  private final List<CadfEvent> recorded = new CopyOnWriteArrayList<>();

  private final WebApplicationContextRunner contextRunner =
      new WebApplicationContextRunner()
          .withConfiguration(
              AutoConfigurations.of(
                  AuditWebAutoConfiguration.class,
                  AuditSecurityEventsAutoConfiguration.class,
                  org.springframework.boot.actuate.autoconfigure.audit.AuditAutoConfiguration.class,
                  org.springframework.boot.security.autoconfigure.SecurityAutoConfiguration.class))
          .withUserConfiguration(SecuredApplication.class)
          .withBean(Auditor.class, () -> (Auditor) new Recording(recorded));

  private static MockMvc mockMvc(WebApplicationContext context) {
    return MockMvcBuilders.webAppContextSetup(context)
        .addFilters(new RequestContextFilter()) // as Spring Boot registers it, before security
        .apply(SecurityMockMvcConfigurers.springSecurity())
        .build();
  }

  private static RequestPostProcessor from(String address) {
    return request -> {
      request.setRemoteAddr(address);
      request.addHeader("User-Agent", "curl/8.5");
      return request;
    };
  }

  @Test
  void aLoginSucceedingAndFailingAreRecordedWithThePrincipalAndItsAddress() {
    contextRunner.run(
        context -> {
          MockMvc mvc = mockMvc(context);
          mvc.perform(get("/hello").with(httpBasic("alice", "secret")).with(from("203.0.113.5")))
              .andExpect(status().isOk());
          mvc.perform(get("/hello").with(httpBasic("alice", "guess")).with(from("198.51.100.9")))
              .andExpect(status().isUnauthorized());
          // The auditevents endpoint's view: both events, without the web details (session id).
          assertThat(context.getBean(CadfAuditEventRepository.class).find("alice", null, null))
              .hasSize(2)
              .allSatisfy(e -> assertThat(e.getData()).doesNotContainKey("details"));
        });

    assertThat(recorded).hasSize(2);
    CadfEvent success = recorded.get(0);
    assertThat(success.action()).isEqualTo("authenticate/login");
    assertThat(success.outcome()).isEqualTo(Outcome.SUCCESS);
    assertThat(success.initiator().id()).isEqualTo("alice");
    assertThat(success.initiator().host().address()).isEqualTo("203.0.113.5");
    assertThat(success.initiator().host().agent()).isEqualTo("curl/8.5");
    assertThat(success.requestPath()).isEqualTo("/hello");
    CadfEvent failure = recorded.get(1);
    assertThat(failure.outcome()).isEqualTo(Outcome.FAILURE);
    assertThat(failure.reason().reasonType()).isEqualTo("authentication");
    assertThat(failure.reason().reasonCode()).isEqualTo("BadCredentialsException");
    assertThat(failure.initiator().id()).isEqualTo("alice");
    assertThat(failure.initiator().host().address()).isEqualTo("198.51.100.9");
  }

  @Test
  void aDeniedRequestIsRecordedAsAFailureWithReason403() {
    contextRunner.run(
        context ->
            mockMvc(context)
                .perform(
                    get("/admin/report")
                        .with(httpBasic("alice", "secret"))
                        .with(from("203.0.113.5")))
                .andExpect(status().isForbidden()));

    CadfEvent denied =
        recorded.stream().filter(e -> e.outcome() == Outcome.FAILURE).findFirst().orElseThrow();
    assertThat(denied.action()).isEqualTo("read");
    assertThat(denied.reason().reasonType()).isEqualTo("HTTP");
    assertThat(denied.reason().reasonCode()).isEqualTo("403");
    assertThat(denied.target().id()).isEqualTo("/admin/report");
    assertThat(denied.initiator().id()).isEqualTo("alice");
    assertThat(denied.initiator().host().address()).isEqualTo("203.0.113.5");
  }

  @Test
  void aLogoutIsRecorded() {
    contextRunner.run(
        context ->
            mockMvc(context)
                .perform(post("/logout").with(user("alice")))
                .andExpect(status().isNoContent()));

    assertThat(recorded)
        .singleElement()
        .satisfies(
            logout -> {
              assertThat(logout.action()).isEqualTo("authenticate/logout");
              assertThat(logout.outcome()).isEqualTo(Outcome.SUCCESS);
              assertThat(logout.initiator().id()).isEqualTo("alice");
            });
  }

  @Configuration(proxyBeanMethods = false)
  @EnableWebMvc
  @EnableWebSecurity
  static class SecuredApplication {

    @Bean
    SecurityFilterChain securityFilterChain(HttpSecurity http) throws Exception {
      return http.authorizeHttpRequests(
              requests ->
                  requests
                      .requestMatchers("/admin/**")
                      .hasRole("ADMIN")
                      .anyRequest()
                      .authenticated())
          .httpBasic(Customizer.withDefaults())
          .logout(Customizer.withDefaults())
          .csrf(csrf -> csrf.disable())
          .build();
    }

    @Bean
    UserDetailsService users() {
      return new InMemoryUserDetailsManager(
          User.withUsername("alice").password("{noop}secret").roles("USER").build());
    }

    @Bean
    Endpoints endpoints() {
      return new Endpoints();
    }
  }

  @RestController
  static class Endpoints {

    @GetMapping("/hello")
    String hello() {
      return "hello";
    }

    @GetMapping("/admin/report")
    String report() {
      return "report";
    }
  }

  /** Keeps what it is given, as it would have been recorded. */
  record Recording(List<CadfEvent> events) implements Auditor {

    @Override
    public AuditFuture record(CadfEvent event) {
      // What the Auditor does first: fill id, time and observer, and refuse an invalid event.
      CadfEvent complete =
          event.withDefaults(
              java.time.Clock.systemUTC(), io.auditrelay.cadf.Resource.reference("target"));
      CadfValidator.validate(complete);
      events.add(complete);
      return AuditFuture.durable(complete.id());
    }

    @Override
    public void close() {}
  }
}
