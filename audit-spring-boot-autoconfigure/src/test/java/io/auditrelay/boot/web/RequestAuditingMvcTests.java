package io.auditrelay.boot.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.auditrelay.boot.autoconfigure.AuditRequestsAutoConfiguration;
import io.auditrelay.boot.autoconfigure.AuditTestConfigurations;
import io.auditrelay.cadf.CadfJson;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import jakarta.servlet.Filter;
import jakarta.servlet.ServletException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.BiConsumer;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.http.HttpMethod;
import org.springframework.http.ResponseEntity;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configuration.EnableWebSecurity;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.request.MockHttpServletRequestBuilder;
import org.springframework.test.web.servlet.request.MockMvcRequestBuilders;
import org.springframework.test.web.servlet.setup.MockMvcBuilders;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.context.WebApplicationContext;
import org.springframework.web.filter.RequestContextFilter;
import org.springframework.web.servlet.config.annotation.EnableWebMvc;

/** Request auditing in a Spring MVC application, behind Spring Security's filter chain. */
class RequestAuditingMvcTests extends RequestAuditingContract {

  @Override
  protected void withApplication(
      List<String> properties, BiConsumer<Client, ApplicationContext> scenario) {
    new WebApplicationContextRunner()
        .withConfiguration(AuditTestConfigurations.ALL)
        .withConfiguration(AutoConfigurations.of(AuditRequestsAutoConfiguration.class))
        .withUserConfiguration(MvcApplication.class)
        .withBean(MeterRegistry.class, SimpleMeterRegistry::new)
        .withPropertyValues(properties.toArray(String[]::new))
        .run(
            context -> {
              MockMvc mvc = mockMvc(context);
              scenario.accept(request -> send(mvc, request), context);
            });
  }

  /** The filters in Spring Boot's order: request context, security (-100), then auditing. */
  private static MockMvc mockMvc(WebApplicationContext context) {
    return MockMvcBuilders.webAppContextSetup(context)
        .addFilters(
            new RequestContextFilter(),
            context.getBean("springSecurityFilterChain", Filter.class),
            context.getBean(AuditRequestFilter.class))
        .build();
  }

  private static int send(MockMvc mvc, Request request) {
    MockHttpServletRequestBuilder builder =
        MockMvcRequestBuilders.request(HttpMethod.valueOf(request.method()), request.path())
            .header("User-Agent", AGENT)
            .with(
                r -> {
                  r.setRemoteAddr(request.peer());
                  return r;
                });
    if (request.forwardedFor() != null) {
      builder.header("X-Forwarded-For", request.forwardedFor());
    }
    if (request.user() != null) {
      builder.header("Authorization", basic(request.user()));
    }
    try {
      return mvc.perform(builder).andReturn().getResponse().getStatus();
    } catch (ServletException e) {
      return 500; // what the container answers for an exception out of the handler
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  static String basic(String user) {
    return "Basic "
        + Base64.getEncoder().encodeToString((user + ":secret").getBytes(StandardCharsets.UTF_8));
  }

  /** An asynchronous handler is recorded once, when it completes, with its final status. */
  @Test
  void anAsynchronousRequestIsRecordedOnceWhenItCompletes() {
    withApplication(
        List.of(
            "audit.web.requests.enabled=true",
            "audit.rabbitmq.url=" + broker.uri(),
            "audit.rabbitmq.queue-name=" + queue,
            "audit.security.events=false"),
        (client, context) -> {
          MockMvc mvc = mockMvc((WebApplicationContext) context);
          try {
            var started =
                mvc.perform(MockMvcRequestBuilders.put("/later/5").header("User-Agent", AGENT))
                    .andReturn();
            assertThat(started.getRequest().isAsyncStarted()).isTrue();
            int status =
                mvc.perform(MockMvcRequestBuilders.asyncDispatch(started))
                    .andReturn()
                    .getResponse()
                    .getStatus();
            assertThat(status).isEqualTo(202);
          } catch (Exception e) {
            throw new AssertionError(e);
          }
        });
    var events = reader.awaitAtLeast(1, Duration.ofSeconds(30));
    assertThat(events).hasSize(1);
    var event = CadfJson.read(events.get(0).body());
    assertThat(event.reason().reasonCode()).isEqualTo("202");
    assertThat(event.requestPath()).isEqualTo("/later/5");
  }

  /** Answers later, on another thread. */
  @RestController
  static class LaterApi {
    @PutMapping("/later/{id}")
    Callable<ResponseEntity<String>> later() {
      return () -> ResponseEntity.accepted().body("queued");
    }
  }

  @Configuration(proxyBeanMethods = false)
  @EnableWebMvc
  @EnableWebSecurity
  @Import({AuditedApi.class, LaterApi.class})
  static class MvcApplication {

    @Bean
    SecurityFilterChain security(HttpSecurity http) throws Exception {
      return http.authorizeHttpRequests(requests -> requests.anyRequest().permitAll())
          .httpBasic(Customizer.withDefaults())
          .csrf(csrf -> csrf.disable())
          .build();
    }

    @Bean
    UserDetailsService users() {
      return new InMemoryUserDetailsManager(
          User.withUsername("alice").password("{noop}secret").roles("USER").build(),
          User.withUsername("bob").password("{noop}secret").roles("USER").build());
    }
  }
}
