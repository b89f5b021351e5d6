package io.auditrelay.core;

import io.auditrelay.store.StoreStats;
import org.jspecify.annotations.Nullable;

/**
 * A snapshot of an Auditor, for health checks and operators.
 *
 * @param mode the delivery mode
 * @param storeType the backing store type
 * @param store what the store holds
 * @param queued events accepted by {@code record()} and not yet published or stored
 * @param brokerConnected whether the last contact with the broker succeeded
 * @param storeFull whether the last append failed because the store was full
 * @param storeFailing whether the last store operation failed for another reason
 * @param deliveryProblem why the delivery thread is not delivering (an error it caught, or that it
 *     is not running); null while it delivers
 * @param trail the verifiable trail of this run, when integrity is on; else null
 */
public record AuditorState(
    DeliveryMode mode,
    String storeType,
    StoreStats store,
    int queued,
    boolean brokerConnected,
    boolean storeFull,
    boolean storeFailing,
    @Nullable String deliveryProblem,
    @Nullable Trail trail) {

  /**
   * The verifiable trail of this run: what a consumer needs to verify it, and what the drain found.
   *
   * @param stream the stream name
   * @param epoch this run's epoch
   * @param keyId the signing key's id, or {@code none}
   * @param publicKeyPem the public key as PEM, for consumers; null without a key
   * @param tamperedEvents stored events the drain found tampered with and quarantined since start
   */
  public record Trail(
      String stream,
      String epoch,
      String keyId,
      @Nullable String publicKeyPem,
      long tamperedEvents) {}

  /** A state without integrity. */
  public AuditorState(
      DeliveryMode mode,
      String storeType,
      StoreStats store,
      int queued,
      boolean brokerConnected,
      boolean storeFull,
      boolean storeFailing,
      @Nullable String deliveryProblem) {
    this(
        mode,
        storeType,
        store,
        queued,
        brokerConnected,
        storeFull,
        storeFailing,
        deliveryProblem,
        null);
  }

  /** A state whose delivery thread delivers. */
  public AuditorState(
      DeliveryMode mode,
      String storeType,
      StoreStats store,
      int queued,
      boolean brokerConnected,
      boolean storeFull,
      boolean storeFailing) {
    this(mode, storeType, store, queued, brokerConnected, storeFull, storeFailing, null, null);
  }
}
