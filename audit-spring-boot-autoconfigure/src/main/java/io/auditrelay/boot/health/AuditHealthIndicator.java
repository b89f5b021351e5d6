package io.auditrelay.boot.health;

import io.auditrelay.core.Auditor;
import io.auditrelay.core.AuditorState;
import java.time.Clock;
import java.util.Optional;
import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;

/**
 * Health of the Auditor: UP while events can be made durable (the broker may be away: that is what
 * the store is for), DOWN when the store is full or failing, or the delivery thread does not
 * deliver (detail {@code deliveryProblem}). Details: mode, store type, backlog events and bytes,
 * oldest age in seconds, quarantined events, queued events, broker connected, and with integrity
 * the stream, epoch, key id, public key and the events found tampered with. Never shows a secret.
 */
public final class AuditHealthIndicator extends AbstractHealthIndicator {

  private final Auditor auditor;
  private final Clock clock;

  public AuditHealthIndicator(Auditor auditor, Clock clock) {
    super("Audit health check failed");
    this.auditor = auditor;
    this.clock = clock;
  }

  @Override
  protected void doHealthCheck(Health.Builder builder) {
    Optional<AuditorState> maybeState = auditor.state();
    if (maybeState.isEmpty()) {
      builder.up().withDetail("enabled", false);
      return;
    }
    AuditorState state = maybeState.get();
    if (state.storeFull() || state.storeFailing() || state.deliveryProblem() != null) {
      builder.down();
    } else {
      builder.up();
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
        .withDetail("oldestAgeSeconds", state.store().oldestAge(clock.instant()).toSeconds())
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
      builder.withDetail("integrity", integrity);
    }
  }
}
