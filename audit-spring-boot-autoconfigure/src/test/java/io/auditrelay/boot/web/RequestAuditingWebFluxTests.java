package io.auditrelay.boot.web;

import io.auditrelay.boot.autoconfigure.AuditRequestsAutoConfiguration;
import io.auditrelay.boot.autoconfigure.AuditTestConfigurations;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.function.BiConsumer;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ReactiveWebApplicationContextRunner;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpMethod;
import org.springframework.http.server.reactive.ServerHttpRequestDecorator;
import org.springframework.security.config.annotation.web.reactive.EnableWebFluxSecurity;
import org.springframework.security.config.web.server.ServerHttpSecurity;
import org.springframework.security.core.userdetails.MapReactiveUserDetailsService;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.web.server.SecurityWebFilterChain;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.reactive.config.EnableWebFlux;
import org.springframework.web.server.WebFilter;

/** Request auditing in a WebFlux application, behind Spring Security's web filter chain. */
class RequestAuditingWebFluxTests extends RequestAuditingContract {

  /** The test client has no peer address: it comes in this header, set by the first filter. */
  private static final String PEER = "X-Test-Peer";

  @Override
  protected void withApplication(
      List<String> properties, BiConsumer<Client, ApplicationContext> scenario) {
    new ReactiveWebApplicationContextRunner()
        .withConfiguration(AuditTestConfigurations.ALL)
        .withConfiguration(AutoConfigurations.of(AuditRequestsAutoConfiguration.class))
        .withUserConfiguration(WebFluxApplication.class)
        .withBean(MeterRegistry.class, SimpleMeterRegistry::new)
        .withPropertyValues(properties.toArray(String[]::new))
        .run(
            context -> {
              WebTestClient client =
                  WebTestClient.bindToApplicationContext(context)
                      .configureClient()
                      .responseTimeout(Duration.ofSeconds(30))
                      .build();
              scenario.accept(request -> send(client, request), context);
            });
  }

  private static int send(WebTestClient client, Request request) {
    return client
        .method(HttpMethod.valueOf(request.method()))
        .uri(request.path())
        .headers(
            headers -> {
              headers.set("User-Agent", AGENT);
              headers.set(PEER, request.peer());
              if (request.forwardedFor() != null) {
                headers.set("X-Forwarded-For", request.forwardedFor());
              }
              if (request.user() != null) {
                headers.set("Authorization", RequestAuditingMvcTests.basic(request.user()));
              }
            })
        .exchange()
        .returnResult(byte[].class)
        .getStatus()
        .value();
  }

  @Configuration(proxyBeanMethods = false)
  @EnableWebFlux
  @EnableWebFluxSecurity
  @Import(AuditedApi.class)
  static class WebFluxApplication {

    @Bean
    SecurityWebFilterChain security(ServerHttpSecurity http) {
      return http.authorizeExchange(exchanges -> exchanges.anyExchange().permitAll())
          .httpBasic(basic -> {})
          .csrf(csrf -> csrf.disable())
          .build();
    }

    @Bean
    MapReactiveUserDetailsService users() {
      return new MapReactiveUserDetailsService(
          User.withUsername("alice").password("{noop}secret").roles("USER").build(),
          User.withUsername("bob").password("{noop}secret").roles("USER").build());
    }

    @Bean
    @Order(Ordered.HIGHEST_PRECEDENCE)
    WebFilter peerAddress() {
      return (exchange, chain) -> {
        String peer = exchange.getRequest().getHeaders().getFirst(PEER);
        if (peer == null) {
          return chain.filter(exchange);
        }
        ServerHttpRequestDecorator request =
            new ServerHttpRequestDecorator(exchange.getRequest()) {
              @Override
              public @Nullable InetSocketAddress getRemoteAddress() {
                return new InetSocketAddress(peer, 40000);
              }
            };
        return chain.filter(exchange.mutate().request(request).build());
      };
    }
  }
}
