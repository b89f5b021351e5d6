package io.auditrelay.boot.health;

import io.auditrelay.core.Auditor;
import io.auditrelay.core.AuditorState;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;

/**
 * Health of the Auditor: UP while events can be made durable (the broker may be away: that is what
 * the store is for), DOWN when the store is full or failing, or the delivery thread does not
 * deliver (detail {@code deliveryProblem}). With {@link Thresholds}, a backlog older or larger than
 * they allow reports their status (DOWN or OUT_OF_SERVICE) with the detail {@code
 * thresholdExceeded}. Details: mode, store type, backlog events and bytes, oldest age in seconds,
 * quarantined events, queued events, broker connected, and with integrity the stream, epoch, key
 * id, public key and the events found tampered with (and those of them no operator acknowledged
 * yet). Never shows a secret.
 */
public final class AuditHealthIndicator extends AbstractHealthIndicator {

  private final Auditor auditor;
  private final Clock clock;
  private final Thresholds thresholds;
  private final TamperedAcknowledgements tampered;

  /** An indicator without backlog thresholds. */
  public AuditHealthIndicator(Auditor auditor, Clock clock) {
    this(auditor, clock, Thresholds.NONE);
  }

  public AuditHealthIndicator(Auditor auditor, Clock clock, Thresholds thresholds) {
    this(auditor, clock, thresholds, new TamperedAcknowledgements());
  }

  /**
   * An indicator that shows the tampered events found since start that nobody acknowledged through
   * {@code tampered} (the {@code auditrelay} endpoint's {@code acknowledge-tampered}).
   */
  public AuditHealthIndicator(
      Auditor auditor, Clock clock, Thresholds thresholds, TamperedAcknowledgements tampered) {
    super("Audit health check failed");
    this.auditor = auditor;
    this.clock = clock;
    this.thresholds = thresholds;
    this.tampered = tampered;
  }

  /**
   * Limits of the backlog beyond which the component is not healthy although events are still made
   * durable: the age of the oldest buffered event and the number of buffered events (either may be
   * absent), and the status to report then.
   */
  public record Thresholds(
      @Nullable Duration maxOldestAge, @Nullable Long maxBacklogEvents, Status status) {

    /** No thresholds: the backlog alone never changes the status. */
    public static final Thresholds NONE = new Thresholds(null, null, Status.DOWN);

    public Thresholds {
      if (!Status.DOWN.equals(status) && !Status.OUT_OF_SERVICE.equals(status)) {
        throw new IllegalArgumentException(
            "threshold status must be DOWN or OUT_OF_SERVICE, not " + status.getCode());
      }
    }

    /** Why the backlog exceeds a threshold, or null when it does not. */
    @Nullable String exceeded(long events, Duration oldestAge) {
      if (maxOldestAge != null && oldestAge.compareTo(maxOldestAge) > 0) {
        return "oldest buffered event is "
            + oldestAge.toSeconds()
            + " s old, more than "
            + maxOldestAge.toSeconds()
            + " s";
      }
      if (maxBacklogEvents != null && events > maxBacklogEvents) {
        return events + " events buffered, more than " + maxBacklogEvents;
      }
      return null;
    }
  }

  @Override
  protected void doHealthCheck(Health.Builder builder) {
    Optional<AuditorState> maybeState = auditor.state();
    if (maybeState.isEmpty()) {
      builder.up().withDetail("enabled", false);
      return;
    }
    AuditorState state = maybeState.get();
    Duration oldestAge = state.store().oldestAge(clock.instant());
    String exceeded = thresholds.exceeded(state.store().events(), oldestAge);
    if (state.storeFull() || state.storeFailing() || state.deliveryProblem() != null) {
      builder.down();
    } else if (exceeded != null) {
      builder.status(thresholds.status());
    } else {
      builder.up();
    }
    if (exceeded != null) {
      builder.withDetail("thresholdExceeded", exceeded);
    }
    if (state.deliveryProblem() != null) {
      builder.withDetail("deliveryProblem", state.deliveryProblem());
    }
    builder
        .withDetail(
            "mode", state.mode().name().toLowerCase(java.util.Locale.ROOT).replace('_', '-'))
        .withDetail("store", state.storeType())
        .withDetail("backlogEvents", state.store().events())
        .withDetail("backlogBytes", state.store().bytes())
        .withDetail("oldestAgeSeconds", oldestAge.toSeconds())
        .withDetail("quarantinedEvents", state.store().quarantinedEvents())
        .withDetail("queuedEvents", state.queued())
        .withDetail("brokerConnected", state.brokerConnected())
        .withDetail("storeFull", state.storeFull())
        .withDetail("storeFailing", state.storeFailing());
    AuditorState.Trail trail = state.trail();
    if (trail != null) {
      java.util.Map<String, Object> integrity = new java.util.LinkedHashMap<>();
      integrity.put("stream", trail.stream());
      integrity.put("epoch", trail.epoch());
      integrity.put("keyId", trail.keyId());
      if (trail.publicKeyPem() != null) {
        integrity.put("publicKey", trail.publicKeyPem());
      }
      integrity.put("tamperedEvents", trail.tamperedEvents());
      integrity.put("tamperedUnacknowledged", tampered.unacknowledged(trail.tamperedEvents()));
      builder.withDetail("integrity", integrity);
    }
  }
}
