package io.auditrelay.integrity;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Checks stored events in store order against the chain they carry, without a key: within each
 * stream epoch, an event that follows its predecessor must link to its hash, and sequences must
 * rise. Epochs may interleave (several replicas on one SQL table), so each is followed on its own.
 * Finds an edit of any event whose successor is still stored, a reorder and a replay; not an edit
 * of the newest event of an epoch, nor a forgery that rewrites everything after it (the drain's MAC
 * and a consumer with the public key find those). An event still sealed for transactional delivery
 * ({@link PendingStamp}) has no place in a chain yet and passes. Not thread-safe.
 */
public final class ChainLinks {

  /** Where one epoch's chain stands. */
  private record Link(long seq, String hash) {}

  private final Map<String, Link> last = new HashMap<>();

  /** What is wrong with the next stored event, or null when nothing is. */
  public @Nullable String next(byte[] stored) {
    byte[] payload = WireBodies.cadf(stored);
    Optional<IntegrityStamp.Located> located = IntegrityStamp.locate(payload);
    if (located.isEmpty()) {
      if (PendingStamp.locate(payload).isPresent()) {
        return null; // sealed, waiting for its stamp (transactional delivery): the drain checks it
      }
      return last.isEmpty() ? null : "it carries no readable integrity stamp";
    }
    IntegrityStamp stamp = located.get().stamp();
    String epoch = stamp.stream() + "/" + stamp.epoch();
    String hash = Digests.linkHex(payload, located.get().macOffset());
    @Nullable Link before = last.get(epoch);
    if (before != null && stamp.seq() <= before.seq()) {
      return "sequence "
          + stamp.seq()
          + " of "
          + epoch
          + " comes after "
          + before.seq()
          + ": reordered or replayed";
    }
    last.put(epoch, new Link(stamp.seq(), hash));
    if (before != null && stamp.seq() == before.seq() + 1 && !stamp.prev().equals(before.hash())) {
      return "the record before it (sequence "
          + before.seq()
          + " of "
          + epoch
          + ") does not hash to what this one records: it was altered";
    }
    return null;
  }
}
