package io.auditrelay.boot.web;

import io.auditrelay.cadf.CadfEvent;
import io.auditrelay.cadf.Outcome;
import io.auditrelay.core.AuditWithdrawnException;
import io.auditrelay.core.Auditor;
import java.time.Duration;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.web.method.HandlerMethod;

/**
 * What both request filters share: the event of a finished request from the map, and its recording,
 * waiting for durability when strict mode holds the response. Thread-safe.
 */
final class RequestRecorder {

  private static final Logger log = LoggerFactory.getLogger(RequestRecorder.class);

  private final Auditor auditor;
  private final RequestAuditMap map;
  private final HttpEvents events;
  private final @Nullable Duration strictTimeout;

  RequestRecorder(
      Auditor auditor, RequestAuditMap map, HttpEvents events, @Nullable Duration strictTimeout) {
    this.auditor = auditor;
    this.map = map;
    this.events = events;
    this.strictTimeout = strictTimeout;
  }

  /** Whether a successful response to this method is held until its event is durable. */
  boolean holds(String method) {
    return strictTimeout != null && map.auditsMethod(method);
  }

  /**
   * The event of a finished request, or null when the request is not audited.
   *
   * @param path the path within the application
   * @param location the response's Location header
   * @param handler the handler's annotation
   * @param handlerVariables the URI variables of the handler's mapping
   */
  @Nullable CadfEvent event(
      HttpEvents.Exchange exchange,
      String path,
      @Nullable String location,
      @Nullable AuditedRequest handler,
      Map<String, String> handlerVariables) {
    RequestAuditMap.Plan plan =
        map.plan(exchange.method(), path, exchange.status(), location, handler, handlerVariables);
    if (plan == null) {
      return null;
    }
    return events.builder(exchange).action(plan.action()).target(plan.target()).build();
  }

  /**
   * The {@link AuditedRequest} of a handler method or of its class. Here, not in a filter: the
   * WebFlux filter must not load servlet classes.
   */
  static @Nullable AuditedRequest annotation(@Nullable Object handler) {
    if (!(handler instanceof HandlerMethod method)) {
      return null;
    }
    AuditedRequest onMethod = method.getMethodAnnotation(AuditedRequest.class);
    return onMethod != null
        ? onMethod
        : AnnotatedElementUtils.findMergedAnnotation(method.getBeanType(), AuditedRequest.class);
  }

  /** Whether the response holding this event waits for it: strict mode and a success. */
  boolean mustBeDurable(CadfEvent event) {
    return strictTimeout != null && event.outcome() == Outcome.SUCCESS;
  }

  /** Records without waiting. A refusal is logged, never thrown: the response is already made. */
  void record(CadfEvent event) {
    try {
      auditor.record(event);
    } catch (RuntimeException e) {
      log.error(
          "The audit event of {} was refused and not recorded: {}",
          describe(event),
          e.getMessage());
    }
  }

  /**
   * Records and waits until the event is durable: true when it is (or counts as durable), false
   * when it was withdrawn or refused, and the response must become a 503.
   */
  boolean recordDurably(CadfEvent event) {
    Duration timeout = strictTimeout == null ? Duration.ZERO : strictTimeout;
    try {
      auditor.recordDurably(event, timeout);
      return true;
    } catch (AuditWithdrawnException e) {
      log.warn(
          "The audit event of {} was not durable within {} and was withdrawn; answering 503",
          describe(event),
          timeout);
      return false;
    } catch (RuntimeException e) {
      log.error(
          "The audit event of {} was refused; answering 503: {}", describe(event), e.getMessage());
      return false;
    }
  }

  private static String describe(CadfEvent event) {
    return event.action() + " of " + event.requestPath();
  }
}
