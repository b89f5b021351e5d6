package io.auditrelay.core;

import io.auditrelay.store.StoreStats;

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
 */
public record AuditorState(
    DeliveryMode mode,
    String storeType,
    StoreStats store,
    int queued,
    boolean brokerConnected,
    boolean storeFull,
    boolean storeFailing) {}
