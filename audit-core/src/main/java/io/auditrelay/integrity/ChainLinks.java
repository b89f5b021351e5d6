package io.auditrelay.integrity;

import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Checks stored events in store order against the chain they carry, without a key: an event that
 * follows its predecessor in the same epoch must link to its hash, and sequences must rise. Finds
 * an edit of any event that has a successor in the store, a reorder and a replay; not an edit of
 * the newest event, nor a forgery that rewrites everything after it (the drain's MAC and a consumer
 * with the public key find those). Not thread-safe.
 */
public final class ChainLinks {

  private @Nullable String lastEpoch;
  private long lastSeq = -1;
  private @Nullable String lastHash;

  /** What is wrong with the next stored event, or null when nothing is. */
  public @Nullable String next(byte[] payload) {
    Optional<IntegrityStamp.Located> located = IntegrityStamp.locate(payload);
    if (located.isEmpty()) {
      return lastEpoch == null ? null : "it carries no readable integrity stamp";
    }
    IntegrityStamp stamp = located.get().stamp();
    String epoch = stamp.stream() + "/" + stamp.epoch();
    String hash = Digests.sha256(payload);
    if (epoch.equals(lastEpoch)) {
      if (stamp.seq() <= lastSeq) {
        return "sequence "
            + stamp.seq()
            + " of "
            + epoch
            + " comes after "
            + lastSeq
            + ": reordered or replayed";
      }
      if (stamp.seq() == lastSeq + 1 && !stamp.prev().equals(lastHash)) {
        lastSeq = stamp.seq();
        lastHash = hash;
        return "the record before it (sequence "
            + (stamp.seq() - 1)
            + " of "
            + epoch
            + ") does not hash to what this one records: it was altered";
      }
    }
    lastEpoch = epoch;
    lastSeq = stamp.seq();
    lastHash = hash;
    return null;
  }
}
