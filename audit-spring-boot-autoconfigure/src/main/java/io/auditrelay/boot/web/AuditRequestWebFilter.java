package io.auditrelay.boot.web;

import io.auditrelay.cadf.CadfEvent;
import io.auditrelay.core.Auditor;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;
import org.reactivestreams.Publisher;
import org.springframework.core.Ordered;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.http.server.reactive.ServerHttpResponseDecorator;
import org.springframework.web.reactive.HandlerMapping;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Spring WebFlux request auditing: one CADF event per audited request, decided by a {@link
 * RequestAuditMap} when the response commits, with no code in the handlers.
 *
 * <p>Runs just after Spring Security's web filter chain ({@link #ORDER}), so the principal is
 * known; requests that Spring Security refuses never reach it. An error answered by the error
 * handlers is recorded with the status they chose. {@link Auditor#record} is called on the
 * committing thread and does not wait, unless the overflow policy is {@code BLOCK} and the hand-off
 * queue is full.
 *
 * <p>Strict mode holds the body of a response to an audited method until its event is durable: the
 * wait runs on Reactor's bounded elastic scheduler, never on an event loop; when the event is not
 * durable in time it is withdrawn and the answer becomes 503 with no body.
 */
public final class AuditRequestWebFilter implements WebFilter, Ordered {

  /** Just after Spring Security's web filter chain (order -100). */
  public static final int ORDER = -90;

  private final RequestRecorder recorder;

  /**
   * Creates the filter.
   *
   * @param auditor records the events
   * @param map what is audited, with which target and action
   * @param trustedProxies addresses and CIDR ranges whose X-Forwarded-For is believed
   * @param strictTimeout how long a strict response waits for durability; null: not strict
   */
  public AuditRequestWebFilter(
      Auditor auditor,
      RequestAuditMap map,
      List<String> trustedProxies,
      @Nullable Duration strictTimeout) {
    this.recorder =
        new RequestRecorder(auditor, map, new HttpEvents(trustedProxies), strictTimeout);
  }

  @Override
  public int getOrder() {
    return ORDER;
  }

  @Override
  public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
    return exchange
        .getPrincipal()
        .map(Optional::of)
        .defaultIfEmpty(Optional.empty())
        .flatMap(principal -> filter(exchange, chain, HttpEvents.name(principal.orElse(null))));
  }

  private Mono<Void> filter(
      ServerWebExchange exchange, WebFilterChain chain, @Nullable String principal) {
    AtomicBoolean recorded = new AtomicBoolean();
    // Whatever answers, the handler or an error handler outside this filter, the event is made
    // when the response commits and its status is final.
    exchange
        .getResponse()
        .beforeCommit(
            () -> {
              if (recorded.compareAndSet(false, true)) {
                CadfEvent event = event(exchange, principal, exchange.getResponse());
                if (event != null) {
                  recorder.record(event);
                }
              }
              return Mono.empty();
            });
    if (!recorder.holds(exchange.getRequest().getMethod().name())) {
      return chain.filter(exchange);
    }
    HeldResponse held = new HeldResponse(exchange, principal, recorded);
    // A handler that writes nothing leaves the completion to the server, on the original response.
    return chain
        .filter(exchange.mutate().response(held).build())
        .then(Mono.defer(held::setComplete));
  }

  private @Nullable CadfEvent event(
      ServerWebExchange exchange, @Nullable String principal, ServerHttpResponse response) {
    ServerHttpRequest request = exchange.getRequest();
    HttpStatusCode code = response.getStatusCode();
    int status = code == null ? HttpStatus.OK.value() : code.value();
    HttpEvents.Exchange facts =
        new HttpEvents.Exchange(
            request.getMethod().name(),
            request.getPath().value(),
            status,
            principal,
            address(request.getRemoteAddress()),
            request.getHeaders().getFirst("X-Forwarded-For"),
            request.getHeaders().getFirst(HttpHeaders.USER_AGENT));
    Map<String, String> variables =
        exchange.getAttributeOrDefault(HandlerMapping.URI_TEMPLATE_VARIABLES_ATTRIBUTE, Map.of());
    return recorder.event(
        facts,
        request.getPath().pathWithinApplication().value(),
        response.getHeaders().getFirst(HttpHeaders.LOCATION),
        RequestRecorder.annotation(
            exchange.getAttribute(HandlerMapping.BEST_MATCHING_HANDLER_ATTRIBUTE)),
        variables);
  }

  private static @Nullable String address(@Nullable InetSocketAddress address) {
    if (address == null) {
      return null;
    }
    return address.getAddress() != null
        ? address.getAddress().getHostAddress()
        : address.getHostString();
  }

  /** A strict response: its body waits until the event is durable, or becomes a 503. */
  private final class HeldResponse extends ServerHttpResponseDecorator {

    private final ServerWebExchange exchange;
    private final @Nullable String principal;
    private final AtomicBoolean recorded;

    HeldResponse(ServerWebExchange exchange, @Nullable String principal, AtomicBoolean recorded) {
      super(exchange.getResponse());
      this.exchange = exchange;
      this.principal = principal;
      this.recorded = recorded;
    }

    @Override
    public Mono<Void> writeWith(Publisher<? extends DataBuffer> body) {
      return DataBufferUtils.join(body)
          .map(Optional::of)
          .defaultIfEmpty(Optional.empty())
          .flatMap(
              buffer ->
                  confirm()
                      .flatMap(
                          durable -> {
                            if (durable) {
                              return getDelegate().writeWith(Mono.justOrEmpty(buffer));
                            }
                            buffer.ifPresent(DataBufferUtils::release);
                            return refuse();
                          }));
    }

    @Override
    public Mono<Void> writeAndFlushWith(Publisher<? extends Publisher<? extends DataBuffer>> body) {
      return writeWith(Flux.from(body).concatMap(part -> part));
    }

    @Override
    public Mono<Void> setComplete() {
      return confirm().flatMap(durable -> durable ? getDelegate().setComplete() : refuse());
    }

    /** True when the response may go as it is: not audited, not a success, or durable. */
    private Mono<Boolean> confirm() {
      if (!recorded.compareAndSet(false, true)) {
        return Mono.just(true);
      }
      CadfEvent event = event(exchange, principal, this);
      if (event == null) {
        return Mono.just(true);
      }
      if (!recorder.mustBeDurable(event)) {
        recorder.record(event);
        return Mono.just(true);
      }
      return Mono.fromCallable(() -> recorder.recordDurably(event))
          .subscribeOn(Schedulers.boundedElastic());
    }

    private Mono<Void> refuse() {
      ServerHttpResponse response = getDelegate();
      response.setStatusCode(HttpStatus.SERVICE_UNAVAILABLE);
      response.getHeaders().remove(HttpHeaders.CONTENT_LENGTH);
      response.getHeaders().remove(HttpHeaders.CONTENT_TYPE);
      response.getHeaders().remove(HttpHeaders.LOCATION);
      return response.setComplete();
    }
  }
}
