package io.auditrelay.boot.security;

import io.auditrelay.boot.web.AuditRequestEvents;
import io.auditrelay.cadf.CadfEvent;
import io.auditrelay.core.Auditor;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.actuate.audit.AuditEvent;
import org.springframework.boot.actuate.audit.AuditEventRepository;
import org.springframework.boot.actuate.audit.InMemoryAuditEventRepository;

/**
 * Spring Boot's {@link AuditEventRepository} backed by the Auditor: every authentication and
 * authorization event that Boot's security listeners report (login success and failure, logout,
 * authorization denied) is recorded as a CADF event. Its presence is what switches those listeners
 * on. The most recent events are also kept in memory, so that the {@code auditevents} Actuator
 * endpoint still answers; they are kept without their {@code details} (Spring Security's web
 * details carry the session id, which no Actuator output shows).
 *
 * <p>Recording never fails the login or the request: an event the Auditor refuses (its queue full,
 * say) is logged at ERROR and counted in {@code audit.events.rejected}. Thread-safe.
 */
public final class CadfAuditEventRepository implements AuditEventRepository {

  private static final Logger log = LoggerFactory.getLogger(CadfAuditEventRepository.class);

  private final Auditor auditor;
  private final SecurityAuditEvents mapping;
  private final InMemoryAuditEventRepository recent;

  /**
   * A repository that records through {@code auditor}, reads the request with {@code
   * requestEvents}, and keeps the {@code capacity} most recent events for {@link #find}.
   */
  public CadfAuditEventRepository(Auditor auditor, AuditRequestEvents requestEvents, int capacity) {
    this.auditor = auditor;
    this.mapping = new SecurityAuditEvents(requestEvents);
    this.recent = new InMemoryAuditEventRepository(capacity);
  }

  @Override
  public void add(AuditEvent event) {
    Map<String, Object> data = new LinkedHashMap<>(event.getData());
    data.remove("details");
    recent.add(new AuditEvent(event.getTimestamp(), event.getPrincipal(), event.getType(), data));
    CadfEvent cadf = mapping.toCadf(event);
    if (cadf == null) {
      return;
    }
    try {
      auditor.record(cadf);
    } catch (RuntimeException e) {
      log.error("Could not record the {} audit event", event.getType(), e);
    }
  }

  @Override
  public List<AuditEvent> find(
      @Nullable String principal, @Nullable Instant after, @Nullable String type) {
    return recent.find(principal, after, type);
  }
}
