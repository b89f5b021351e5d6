package io.auditrelay.test;

import io.auditrelay.cadf.CadfEvent;
import java.util.ArrayList;
import java.util.List;
import org.assertj.core.api.AbstractAssert;
import org.assertj.core.api.Assertions;

/**
 * AssertJ assertions on a {@link RecordingAuditor}. Events are compared field by field while
 * ignoring {@code id} and {@code eventTime}, which differ on every run; an expected event without
 * an observer also ignores the observer.
 *
 * <pre>{@code
 * AuditAssertions.assertThat(auditor).recordedInOrder(
 *     CadfEvent.builder().action("create").outcome(Outcome.SUCCESS)...build());
 * }</pre>
 */
public final class AuditAssertions extends AbstractAssert<AuditAssertions, RecordingAuditor> {

  private AuditAssertions(RecordingAuditor actual) {
    super(actual, AuditAssertions.class);
  }

  /** Starts assertions on {@code auditor}. */
  public static AuditAssertions assertThat(RecordingAuditor auditor) {
    return new AuditAssertions(auditor);
  }

  /** Verifies that exactly {@code count} events were recorded. */
  public AuditAssertions hasRecorded(int count) {
    isNotNull();
    Assertions.assertThat(actual.events()).as("recorded audit events").hasSize(count);
    return this;
  }

  /** Verifies that nothing was recorded. */
  public AuditAssertions recordedNothing() {
    return hasRecorded(0);
  }

  /** Verifies that exactly these events were recorded, in this order (ignoring id and time). */
  public AuditAssertions recordedExactly(CadfEvent... expected) {
    isNotNull();
    Assertions.assertThat(normalized(actual.events(), expected))
        .as("recorded audit events, ignoring id and eventTime")
        .containsExactlyElementsOf(normalized(List.of(expected), expected));
    return this;
  }

  /** Verifies that these events were recorded in this order, others possibly between them. */
  public AuditAssertions recordedInOrder(CadfEvent... expected) {
    isNotNull();
    Assertions.assertThat(normalized(actual.events(), expected))
        .as("recorded audit events, ignoring id and eventTime")
        .containsSubsequence(normalized(List.of(expected), expected));
    return this;
  }

  private static List<CadfEvent> normalized(List<CadfEvent> events, CadfEvent[] expected) {
    boolean ignoreObserver = false;
    for (CadfEvent e : expected) {
      ignoreObserver |= !e.hasObserver();
    }
    List<CadfEvent> out = new ArrayList<>(events.size());
    for (CadfEvent event : events) {
      CadfEvent.Builder b = event.toBuilder().id(null).eventTime((java.time.Instant) null);
      if (ignoreObserver) {
        b.observer(null).observerId(null);
      }
      out.add(b.build());
    }
    return out;
  }
}
