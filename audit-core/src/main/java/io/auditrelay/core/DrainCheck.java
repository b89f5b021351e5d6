package io.auditrelay.core;

import io.auditrelay.cadf.CadfJson;
import io.auditrelay.integrity.IntegrityStamp;
import io.auditrelay.integrity.SigningKey;
import io.auditrelay.integrity.TrailMac;
import io.auditrelay.store.StoredEvent;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks every drained event before it is published: that its bytes carry a stamp whose MAC matches
 * (so nothing edited or forged in the store is published as genuine), that within a claim each
 * stream's sequences rise, and that no sequence already delivered comes back (a replayed record).
 * The store's own order and gaps are the store's to judge.
 *
 * <p>Stamps made without a signing key carry a MAC whose key lived in the process that made them:
 * this check proves those of the running process only; older ones are let through after a check
 * that they are readable events, with one warning.
 *
 * <p>Delivery thread only.
 */
final class DrainCheck {

  private static final Logger log = LoggerFactory.getLogger(DrainCheck.class);

  /** Delivered sequences kept per epoch at most, as spans, to recognise a replayed record. */
  static final int MAX_SPANS = 10_000;

  private final String ownEpoch;
  private final Map<String, TrailMac> macs = new HashMap<>();
  private final TrailMac ownMac;

  /** Per stream epoch, the delivered sequences: start → end of each span, inclusive. */
  private final Map<String, TreeMap<Long, Long>> delivered = new HashMap<>();

  /**
   * The stream epoch and sequence of each event admitted and not yet settled, by store sequence.
   */
  private final Map<Long, Position> inFlight = new HashMap<>();

  private boolean warnedUnprovable;

  private record Position(String epoch, long seq) {}

  /** An event found tampered with, and why. */
  record Tampered(StoredEvent event, String why) {}

  DrainCheck(Stamper stamper, List<SigningKey> previousKeys) {
    this.ownEpoch = stamper.epoch();
    this.ownMac = stamper.mac();
    if (!IntegrityStamp.NO_KEY.equals(stamper.keyId())) {
      macs.put(stamper.keyId(), stamper.mac());
    }
    for (SigningKey key : previousKeys) {
      macs.putIfAbsent(key.keyId(), TrailMac.of(key));
    }
  }

  /**
   * Splits a claim into the events that may be published, in order, and those tampered with.
   * Admitted events stay tracked until {@link #settled}.
   */
  List<Tampered> admit(List<StoredEvent> claimed, List<StoredEvent> admitted) {
    List<Tampered> tampered = new ArrayList<>();
    Map<String, Long> lastInClaim = new LinkedHashMap<>();
    for (StoredEvent event : claimed) {
      String why = judge(event, lastInClaim);
      if (why == null) {
        admitted.add(event);
      } else {
        tampered.add(new Tampered(event, why));
      }
    }
    return tampered;
  }

  private @Nullable String judge(StoredEvent event, Map<String, Long> lastInClaim) {
    byte[] payload = event.payload();
    Optional<IntegrityStamp.Located> located = IntegrityStamp.locate(payload);
    if (located.isEmpty()) {
      return "it carries no readable integrity stamp";
    }
    IntegrityStamp stamp = located.get().stamp();
    String epoch = stamp.stream() + "/" + stamp.epoch();
    @Nullable TrailMac mac =
        IntegrityStamp.NO_KEY.equals(stamp.key())
            ? stamp.epoch().equals(ownEpoch) ? ownMac : null
            : macs.get(stamp.key());
    if (mac == null && !IntegrityStamp.NO_KEY.equals(stamp.key())) {
      return "it was stamped under key "
          + stamp.key()
          + ", which this Auditor does not hold (add it to the previous integrity keys)";
    }
    if (mac == null) {
      try {
        CadfJson.read(payload);
      } catch (IllegalArgumentException e) {
        return "it is not a readable CADF event";
      }
      if (!warnedUnprovable) {
        warnedUnprovable = true;
        log.warn(
            "Draining audit events stamped without a signing key by an earlier run (stream {}):"
                + " their MAC cannot be checked; configure an integrity key to prove stored events",
            epoch);
      }
    } else if (!mac.matches(payload, located.get().macOffset())) {
      return "its MAC does not match its bytes: edited or forged in the store";
    }
    Long last = lastInClaim.get(epoch);
    if (last != null && stamp.seq() <= last) {
      return "its sequence "
          + stamp.seq()
          + " of "
          + epoch
          + " comes after "
          + last
          + ": reordered";
    }
    if (wasDelivered(epoch, stamp.seq())) {
      return "its sequence " + stamp.seq() + " of " + epoch + " was delivered before: replayed";
    }
    lastInClaim.put(epoch, stamp.seq());
    inFlight.put(event.sequence(), new Position(epoch, stamp.seq()));
    return null;
  }

  /** The claim's events are settled: those in {@code confirmed} (store sequences) delivered. */
  void settled(List<StoredEvent> claimed, List<Long> confirmed) {
    for (Long sequence : confirmed) {
      Position position = inFlight.get(sequence);
      if (position != null) {
        deliver(position);
      }
    }
    for (StoredEvent event : claimed) {
      inFlight.remove(event.sequence());
    }
  }

  private boolean wasDelivered(String epoch, long seq) {
    TreeMap<Long, Long> spans = delivered.get(epoch);
    if (spans == null) {
      return false;
    }
    Map.Entry<Long, Long> span = spans.floorEntry(seq);
    return span != null && seq <= span.getValue();
  }

  private void deliver(Position position) {
    TreeMap<Long, Long> spans = delivered.computeIfAbsent(position.epoch(), e -> new TreeMap<>());
    long seq = position.seq();
    Map.Entry<Long, Long> below = spans.floorEntry(seq);
    if (below != null && seq <= below.getValue()) {
      return;
    }
    long start = seq;
    long end = seq;
    if (below != null && below.getValue() == seq - 1) {
      start = below.getKey();
    }
    Long above = spans.get(seq + 1);
    if (above != null) {
      end = above;
      spans.remove(seq + 1);
    }
    spans.put(start, end);
    if (spans.size() > MAX_SPANS) {
      spans.pollFirstEntry(); // the oldest: a replay that old still shows as a duplicate downstream
    }
  }
}
