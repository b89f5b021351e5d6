package io.auditrelay.core;

import io.auditrelay.cadf.CadfJson;
import io.auditrelay.integrity.Checkpoint;
import io.auditrelay.integrity.IntegrityStamp;
import io.auditrelay.integrity.PendingStamp;
import io.auditrelay.integrity.SigningKey;
import io.auditrelay.integrity.TrailMac;
import io.auditrelay.integrity.WireBodies;
import io.auditrelay.store.StoredEvent;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks every drained event before it is published: that its bytes carry a stamp whose MAC matches
 * (so nothing edited or forged in the store is published as genuine), that within a claim each
 * stream's sequences rise, and that no sequence already delivered comes back (a replayed record).
 * The store's own order and gaps are the store's to judge. In transactional delivery a stored event
 * may instead carry a pending seal ({@link PendingStamp}): its MAC is checked the same way, and a
 * seal whose event id this drain stamped before is a replay.
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

  /** CADF ids of sealed events stamped here, kept at most, to recognise a replayed seal. */
  static final int MAX_STAMPED_IDS = 100_000;

  private final String ownEpoch;
  private final String ownStream;

  /**
   * Whether sealed events ({@link PendingStamp}) may be drained: on a store that can rewrite them
   * with their stamps (the store of transactional delivery).
   */
  private final boolean sealsAllowed;

  /**
   * Whether the store's order is each stream's order, so that sequences must rise within a claim:
   * not in transactional delivery, where rows keep the order of their inserts while the drain
   * stamps them in the order it claims them, after commits that come in any order.
   */
  private final boolean storeOrderIsStreamOrder;

  /** The CADF ids of the sealed events this drain stamped, oldest first. */
  private final Set<String> stampedIds = new LinkedHashSet<>();

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

  DrainCheck(
      Stamper stamper,
      List<SigningKey> previousKeys,
      boolean sealsAllowed,
      boolean storeOrderIsStreamOrder) {
    this.storeOrderIsStreamOrder = storeOrderIsStreamOrder;
    this.ownEpoch = stamper.epoch();
    this.ownStream = stamper.stream();
    this.sealsAllowed = sealsAllowed;
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
    Set<String> sealedInClaim = new HashSet<>();
    for (StoredEvent event : claimed) {
      String why = judge(event, lastInClaim, sealedInClaim);
      if (why == null) {
        admitted.add(event);
      } else {
        tampered.add(new Tampered(event, why));
      }
    }
    return tampered;
  }

  private @Nullable String judge(
      StoredEvent event, Map<String, Long> lastInClaim, Set<String> sealedInClaim) {
    byte[] payload = WireBodies.cadf(event.payload());
    Optional<IntegrityStamp.Located> located = IntegrityStamp.locate(payload);
    if (located.isEmpty()) {
      Optional<PendingStamp.Located> sealed =
          sealsAllowed ? PendingStamp.locate(payload) : Optional.empty();
      if (sealed.isEmpty()) {
        return "it carries no readable integrity stamp";
      }
      PendingStamp seal = sealed.get().seal();
      String why =
          checkMac(payload, seal.key(), seal.epoch(), sealed.get().macOffset(), seal.stream());
      if (why != null) {
        return why;
      }
      // The id inside the sealed bytes, not the store's column, which a copy may change.
      String id = WireBodies.eventId(payload);
      if (id == null || stampedIds.contains(id) || !sealedInClaim.add(id)) {
        return "its id " + id + " was stamped before: replayed";
      }
      return null;
    }
    IntegrityStamp stamp = located.get().stamp();
    String epoch = stamp.stream() + "/" + stamp.epoch();
    String why = checkMac(payload, stamp.key(), stamp.epoch(), located.get().macOffset(), epoch);
    if (why != null) {
      return why;
    }
    Long last = lastInClaim.get(epoch);
    boolean ordered = storeOrderIsStreamOrder && !(sealsAllowed && isCheckpoint(payload));
    if (ordered && last != null && stamp.seq() <= last) {
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
    if (ordered) {
      lastInClaim.put(epoch, stamp.seq());
    }
    inFlight.put(event.sequence(), new Position(epoch, stamp.seq()));
    return null;
  }

  /**
   * Whether the event is a checkpoint. Where sealed events are drained, a checkpoint is stamped
   * when it is made but stored behind sealed events that are stamped later, when they are drained:
   * its place in the store says nothing of its place in the stream, so it is not held to rise.
   */
  private static boolean isCheckpoint(byte[] payload) {
    return IntegrityStamp.lastIndexOf(payload, CHECKPOINT_TYPE) >= 0;
  }

  private static final byte[] CHECKPOINT_TYPE =
      ("\"typeURI\":\"" + Checkpoint.TYPE_URI + "\"").getBytes(StandardCharsets.US_ASCII);

  /**
   * Why the MAC of {@code payload}, keyed by {@code key} (or, without a key, by the process that
   * ran {@code epoch}), does not prove it; null when it does, or when it cannot be checked (an
   * earlier run without a key: then the event must at least be readable, with one warning).
   */
  private @Nullable String checkMac(
      byte[] payload, String key, String epoch, int macOffset, String stream) {
    @Nullable TrailMac mac =
        IntegrityStamp.NO_KEY.equals(key) ? epoch.equals(ownEpoch) ? ownMac : null : macs.get(key);
    if (mac == null && !IntegrityStamp.NO_KEY.equals(key)) {
      return "it was stamped under key "
          + key
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
            stream);
      }
      return null;
    }
    return mac.matches(payload, macOffset)
        ? null
        : "its MAC does not match its bytes: edited or forged in the store";
  }

  /**
   * A sealed event of a claim, admitted, was stamped here at {@code seq} of this stream's epoch
   * (store sequence {@code sequence}): tracked like any admitted event until {@link #settled}.
   */
  void stamped(long sequence, byte[] cadf, long seq) {
    String id = WireBodies.eventId(cadf);
    inFlight.put(sequence, new Position(ownStream + "/" + ownEpoch, seq));
    if (id != null) {
      stampedIds.add(id);
    }
    if (stampedIds.size() > MAX_STAMPED_IDS) {
      Iterator<String> oldest = stampedIds.iterator();
      oldest.next();
      oldest.remove();
    }
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
