package io.auditrelay.boot.web;

import io.auditrelay.cadf.CadfEvent;
import io.auditrelay.core.Auditor;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.core.Ordered;
import org.springframework.web.filter.OncePerRequestFilter;
import org.springframework.web.servlet.HandlerMapping;
import org.springframework.web.util.ContentCachingResponseWrapper;
import org.springframework.web.util.WebUtils;

/**
 * Spring MVC request auditing: one CADF event per audited request, decided by a {@link
 * RequestAuditMap} once the response status is known, with no code in the controllers.
 *
 * <p>Runs just after Spring Security's filter chain ({@link #ORDER}), so the principal is known;
 * requests that Spring Security refuses never reach it and are recorded by the security events
 * instead. An exception out of the handler is recorded as a 500. Asynchronous requests are recorded
 * when they complete.
 *
 * <p>Strict mode holds the body of a response to an audited method until its event is durable
 * ({@link Auditor#recordDurably}); when it is not durable in time the event is withdrawn and the
 * answer becomes 503, so no client sees a success whose audit record could be lost. The handler's
 * own effects are not undone: a change that must roll back with its audit record belongs in a
 * transaction with the {@code TRANSACTIONAL} delivery mode.
 */
public final class AuditRequestFilter extends OncePerRequestFilter implements Ordered {

  /** Just after Spring Security's filter chain (order -100). */
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
  public AuditRequestFilter(
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
  protected boolean shouldNotFilterAsyncDispatch() {
    return false; // an asynchronous request is recorded on the dispatch that completes it
  }

  @Override
  protected void doFilterInternal(
      HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    HeldResponse held = WebUtils.getNativeResponse(response, HeldResponse.class);
    HttpServletResponse out = response;
    if (held == null && !isAsyncDispatch(request) && recorder.holds(request.getMethod())) {
      held = new HeldResponse(response);
      out = held;
    }
    try {
      chain.doFilter(request, out);
    } catch (IOException | ServletException | RuntimeException | Error e) {
      // Not audited by this filter? Then nothing to record; else a failure, never held.
      CadfEvent event = event(request, HttpServletResponse.SC_INTERNAL_SERVER_ERROR, null);
      if (event != null) {
        recorder.record(event);
      }
      throw e;
    }
    if (isAsyncStarted(request)) {
      return;
    }
    HttpServletResponse answered = held != null ? held : response;
    CadfEvent event = event(request, answered.getStatus(), answered.getHeader("Location"));
    if (event == null) {
      release(held);
    } else if (held != null && recorder.mustBeDurable(event)) {
      if (recorder.recordDurably(event)) {
        release(held);
      } else {
        held.reset();
        held.sendError(
            HttpServletResponse.SC_SERVICE_UNAVAILABLE,
            "The audit record of this request could not be made durable; nothing was confirmed");
      }
    } else {
      recorder.record(event);
      release(held);
    }
  }

  private @Nullable CadfEvent event(
      HttpServletRequest request, int status, @Nullable String location) {
    Object handler = request.getAttribute(HandlerMapping.BEST_MATCHING_HANDLER_ATTRIBUTE);
    @SuppressWarnings("unchecked")
    Map<String, String> variables =
        (Map<String, String>) request.getAttribute(HandlerMapping.URI_TEMPLATE_VARIABLES_ATTRIBUTE);
    String path = request.getRequestURI().substring(request.getContextPath().length());
    return recorder.event(
        AuditRequestEvents.exchange(request, status),
        path,
        location,
        RequestRecorder.annotation(handler),
        variables == null ? Map.of() : variables);
  }

  private static void release(@Nullable HeldResponse held) throws IOException {
    if (held != null) {
      held.copyBodyToResponse();
    }
  }

  /** The body of a strict response, held until its event is durable. */
  private static final class HeldResponse extends ContentCachingResponseWrapper {
    HeldResponse(HttpServletResponse response) {
      super(response);
    }
  }
}
