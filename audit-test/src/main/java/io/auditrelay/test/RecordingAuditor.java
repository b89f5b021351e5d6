package io.auditrelay.test;

import io.auditrelay.cadf.CadfEvent;
import io.auditrelay.cadf.CadfJson;
import io.auditrelay.cadf.CadfValidator;
import io.auditrelay.cadf.Resource;
import io.auditrelay.core.AuditFuture;
import io.auditrelay.core.Auditor;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * An {@link Auditor} for tests: keeps every event instead of sending it. It applies the rules of
 * the real one (fills id, time and observer; validates; serializes and reads back), so an event
 * that would be refused in production is refused here too. Futures complete at once. Thread-safe.
 *
 * <p>In a {@code @SpringBootTest}, declare it as a bean; the auto-configured Auditor backs off:
 *
 * <pre>{@code
 * @TestConfiguration
 * static class AuditConfig {
 *   @Bean RecordingAuditor auditor() { return new RecordingAuditor(); }
 * }
 * }</pre>
 */
public final class RecordingAuditor implements Auditor {

  private final Clock clock;
  private final Resource observer;
  private final List<CadfEvent> events = new CopyOnWriteArrayList<>();

  /** Records with the UTC system clock and the observer {@code {"id":"target"}}. */
  public RecordingAuditor() {
    this(Clock.systemUTC(), Resource.reference("target"));
  }

  /** Records with the given clock and default observer. */
  public RecordingAuditor(Clock clock, Resource observer) {
    this.clock = clock;
    this.observer = observer;
  }

  @Override
  public AuditFuture record(CadfEvent event) {
    CadfEvent recorded = event.withDefaults(clock, observer);
    CadfValidator.validate(recorded);
    events.add(CadfJson.read(CadfJson.write(recorded)));
    return AuditFuture.durable(recorded.id());
  }

  /** The recorded events, oldest first, as they would have been sent. */
  public List<CadfEvent> events() {
    return List.copyOf(events);
  }

  /** Forgets every recorded event. */
  public void clear() {
    events.clear();
  }

  @Override
  public void close() {}
}
