package io.auditrelay.core;

import io.auditrelay.cadf.Actions;
import io.auditrelay.cadf.CadfEvent;
import io.auditrelay.cadf.CadfJson;
import io.auditrelay.cadf.CadfTime;
import io.auditrelay.cadf.Outcome;
import io.auditrelay.cadf.Resource;
import io.auditrelay.integrity.Checkpoint;
import io.auditrelay.integrity.Digests;
import io.auditrelay.integrity.Integrity;
import io.auditrelay.integrity.IntegrityStamp;
import io.auditrelay.integrity.PendingStamp;
import io.auditrelay.integrity.SigningKey;
import io.auditrelay.integrity.TrailMac;
import io.auditrelay.integrity.WireBodies;
import io.auditrelay.store.SerializedEvent;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * Stamps the events of one stream epoch: sequence, chain and MAC, in the order the delivery thread
 * first sends or appends them, and makes the epoch's checkpoints.
 *
 * <p>In {@code record()} the caller's thread serializes the event with a placeholder stamp of fixed
 * size and knows where it lies in the bytes ({@link #place}); the delivery thread fills it in place
 * ({@link #stamp}), so stamping costs no second serialization, and one SHA-256 pass over the bytes
 * gives both the chain's link and the MAC. The placeholders are random letters drawn at start,
 * which no event can know. A stamp is undone ({@link #reset}) only when the store refused the batch
 * as full: nothing of it was written.
 *
 * <p>The stamp is written into the CADF bytes; in the oslo formats the envelope is made again
 * around them ({@link WireBodies#withCadf}). In transactional delivery an event is sealed instead
 * ({@link #withPending}, {@link #seal}) and stamped when the drain claims it ({@link
 * #stampPending}), by whichever Auditor drains it.
 *
 * <p>Everything but the two caller-side methods runs on the delivery thread.
 */
final class Stamper {

  private static final byte[] PREV_FIELD = "\",\"prev\":\"".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] KEY_FIELD = "\",\"key\":\"".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] MAC_FIELD = "\",\"mac\":\"".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] END = "\"}}".getBytes(StandardCharsets.US_ASCII);

  private final String stream;
  private final String epoch;
  private final @Nullable SigningKey key;
  private final String keyId;
  private final TrailMac mac;
  private final int checkpointEvents;
  private final long checkpointNanos;
  private final Resource observer;
  private final Clock clock;
  private final String seqToken;
  private final String prevToken;
  private final String macToken;
  private final byte[] seqTokenBytes;
  private final int prevOffset;
  private final int macOffset;

  /** This stamper's placeholder stamp attachment as bytes, for events stamped in the store. */
  private final byte[] placeholder;

  /** Where the sequence lies in {@link #placeholder}. */
  private final int placeholderSlot;

  /** The MAC of pending seals, made on the callers' threads ({@link #seal}); guarded by itself. */
  private final TrailMac sealMac;

  /** The message format: checkpoints are sent in it too. */
  private final WireFormat wire;

  private long next;
  private byte[] head = Digests.ZERO.getBytes(StandardCharsets.US_ASCII);
  private long sinceCheckpoint;
  private long lastCheckpointNanos = System.nanoTime();
  private boolean ended;

  Stamper(Integrity integrity, Resource observer, Clock clock, WireFormat wire) {
    this.wire = wire;
    SecureRandom random = new SecureRandom();
    this.stream = integrity.stream();
    this.epoch = HexFormat.of().formatHex(bytes(random));
    this.key = integrity.signingKey();
    this.keyId = key == null ? IntegrityStamp.NO_KEY : key.keyId();
    this.mac = key == null ? TrailMac.random() : TrailMac.of(key);
    this.checkpointEvents = integrity.checkpointEvents();
    this.checkpointNanos = integrity.checkpointInterval().toNanos();
    this.observer = observer;
    this.clock = clock;
    this.seqToken = letters(random, IntegrityStamp.SEQ_DIGITS);
    this.prevToken = letters(random, Digests.HEX_LENGTH);
    this.macToken = letters(random, Digests.HEX_LENGTH);
    this.seqTokenBytes = seqToken.getBytes(StandardCharsets.US_ASCII);
    this.prevOffset = IntegrityStamp.SEQ_DIGITS + PREV_FIELD.length;
    this.macOffset =
        prevOffset + Digests.HEX_LENGTH + KEY_FIELD.length + keyId.length() + MAC_FIELD.length;
    this.sealMac = mac.copy();
    byte[] sample =
        CadfJson.write(
            withPlaceholder(
                CadfEvent.builder()
                    .id(UUID.randomUUID().toString())
                    .eventTime(Instant.EPOCH)
                    .action(Actions.MONITOR)
                    .outcome(Outcome.SUCCESS)
                    .initiator(observer)
                    .target(observer)
                    .observer(observer)
                    .build()));
    int from = IntegrityStamp.lastStampAt(sample);
    int seqAt = slot(sample);
    this.placeholder =
        java.util.Arrays.copyOfRange(
            sample, from, seqAt + macOffset + Digests.HEX_LENGTH + END.length);
    this.placeholderSlot = seqAt - from;
  }

  private static byte[] bytes(SecureRandom random) {
    byte[] epoch = new byte[8];
    random.nextBytes(epoch);
    return epoch;
  }

  private static String letters(SecureRandom random, int length) {
    StringBuilder s = new StringBuilder(length);
    for (int i = 0; i < length; i++) {
      s.append((char) ('a' + random.nextInt(26)));
    }
    return s.toString();
  }

  String stream() {
    return stream;
  }

  String epoch() {
    return epoch;
  }

  String keyId() {
    return keyId;
  }

  /** The public key as PEM, or null without a signing key. */
  @Nullable String publicKeyPem() {
    return key == null ? null : key.publicKeyPem();
  }

  TrailMac mac() {
    return mac;
  }

  /**
   * An event's bytes with a placeholder stamp as its last attachment, and where its sequence lies.
   */
  record Placed(byte[] cadf, int slot) {}

  private static final byte[] NO_BYTES = {};
  private static final byte[] COMMA = {','};
  private static final byte[] OPEN_ATTACHMENTS =
      ",\"attachments\":[".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] CLOSE_ATTACHMENTS = {']'};

  /**
   * Serializes {@code event} with a placeholder stamp as its last attachment (the bytes of {@code
   * CadfJson.write(withPlaceholder(event))}) and finds its slot. When attachments are the event's
   * last field, the placeholder's bytes are spliced in before its end, with no second object to
   * build nor stamp to search for. Any thread.
   */
  Placed place(CadfEvent event) {
    if (event.reporterchain() == null && event.requestPath() == null) {
      byte[] plain = CadfJson.write(event);
      boolean none = event.attachments() == null;
      boolean empty = !none && event.attachments().isEmpty();
      String end = none ? "}" : "]}";
      int cut = plain.length - end.length();
      if (regionIs(plain, cut, end)) {
        byte[] before = none ? OPEN_ATTACHMENTS : empty ? NO_BYTES : COMMA;
        byte[] after = none ? CLOSE_ATTACHMENTS : NO_BYTES;
        byte[] cadf = new byte[plain.length + before.length + placeholder.length + after.length];
        int at = 0;
        System.arraycopy(plain, 0, cadf, at, cut);
        System.arraycopy(before, 0, cadf, at += cut, before.length);
        System.arraycopy(placeholder, 0, cadf, at += before.length, placeholder.length);
        int slot = at + placeholderSlot;
        System.arraycopy(after, 0, cadf, at += placeholder.length, after.length);
        System.arraycopy(plain, cut, cadf, at + after.length, end.length());
        return new Placed(cadf, slot);
      }
    }
    byte[] cadf = CadfJson.write(withPlaceholder(event));
    return new Placed(cadf, slot(cadf));
  }

  /** The event with a placeholder stamp as its last attachment. Any thread. */
  CadfEvent withPlaceholder(CadfEvent event) {
    return event.toBuilder()
        .attachment(IntegrityStamp.attachment(stream, epoch, seqToken, prevToken, keyId, macToken))
        .build();
  }

  /**
   * Where the placeholder of {@link #withPlaceholder} lies in {@code payload}: the offset of its
   * sequence. Any thread.
   */
  int slot(byte[] payload) {
    int at = IntegrityStamp.lastIndexOf(payload, seqTokenBytes);
    if (at < 0
        || !regionIs(payload, at + prevOffset, prevToken)
        || !regionIs(payload, at + macOffset, macToken)) {
      throw new IllegalStateException("The integrity stamp is not where it was written");
    }
    return at;
  }

  /**
   * The event with a pending seal as its last attachment, for an event whose place in the stream is
   * given when it is drained (transactional delivery); {@link #seal} fills in its MAC. Any thread.
   */
  CadfEvent withPending(CadfEvent event) {
    return event.toBuilder()
        .attachment(PendingStamp.attachment(stream, epoch, keyId, macToken))
        .build();
  }

  /** Fills in the MAC of the seal of {@link #withPending} in {@code payload}. Any thread. */
  void seal(byte[] payload) {
    int at = IntegrityStamp.lastIndexOf(payload, macToken.getBytes(StandardCharsets.US_ASCII));
    if (at < 0 || !regionIs(payload, at + Digests.HEX_LENGTH, "\"}}")) {
      throw new IllegalStateException("The pending seal is not where it was written");
    }
    byte[] code;
    synchronized (sealMac) {
      code = sealMac.compute(payload, at).getBytes(StandardCharsets.US_ASCII);
    }
    System.arraycopy(code, 0, payload, at, code.length);
  }

  /**
   * The stored event {@code payload} with its pending seal ({@code seal}) replaced by this stream's
   * next stamp, filled in: new bytes. The caller has checked the seal's MAC.
   */
  byte[] stampPending(byte[] payload, PendingStamp.Located seal) {
    byte[] stamped = new byte[payload.length - (seal.to() - seal.from()) + placeholder.length];
    System.arraycopy(payload, 0, stamped, 0, seal.from());
    System.arraycopy(placeholder, 0, stamped, seal.from(), placeholder.length);
    System.arraycopy(
        payload, seal.to(), stamped, seal.from() + placeholder.length, payload.length - seal.to());
    stampAt(stamped, seal.from() + placeholderSlot);
    return stamped;
  }

  /**
   * Fills in the stamp of {@code pending}: the next sequence, the chain head, the MAC; an oslo
   * envelope is then made again around the stamped event.
   */
  void stamp(Pending pending) {
    stampAt(pending.cadf(), pending.slot());
    SerializedEvent event = pending.event();
    if (pending.cadf() != event.payload()) {
      pending.event(
          new SerializedEvent(event.id(), WireBodies.withCadf(event.payload(), pending.cadf())));
    }
    pending.stamped(true);
  }

  private void stampAt(byte[] payload, int at) {
    long seq = next;
    for (int i = at + IntegrityStamp.SEQ_DIGITS - 1; i >= at; i--) { // seqText's digits
      payload[i] = (byte) ('0' + seq % 10);
      seq /= 10;
    }
    System.arraycopy(head, 0, payload, at + prevOffset, head.length);
    byte[] link = Digests.link(payload, at + macOffset); // the one pass over the bytes
    byte[] code = mac.overBytes(link);
    System.arraycopy(code, 0, payload, at + macOffset, code.length);
    head = Digests.hexBytes(link); // a new array: a Mark may hold the one before
    next++;
    sinceCheckpoint++;
  }

  /** Where the stamping stands, to {@link #reset} to. */
  record Mark(long next, byte[] head, long sinceCheckpoint) {}

  Mark mark() {
    return new Mark(next, head, sinceCheckpoint);
  }

  /** Undoes the stamps made since {@code mark}: the store wrote nothing of them. */
  void reset(Mark mark) {
    next = mark.next();
    head = mark.head();
    sinceCheckpoint = mark.sinceCheckpoint();
  }

  /** Whether a checkpoint (or the epoch's start) is due. */
  boolean checkpointDue(long nanos) {
    if (ended) {
      return false;
    }
    return next == 0
        || sinceCheckpoint >= checkpointEvents
        || sinceCheckpoint > 0 && nanos - lastCheckpointNanos >= checkpointNanos;
  }

  /** How many events may be stamped before the next checkpoint is due by count; at least 1. */
  int eventsBeforeCheckpoint() {
    return (int) Math.max(1, checkpointEvents - sinceCheckpoint);
  }

  /** Whether the epoch's end was made. */
  boolean ended() {
    return ended;
  }

  /**
   * Makes and stamps the next checkpoint: the start when nothing was stamped yet, else {@code end}
   * or a periodic one. Call it only when every event stamped before is durable.
   */
  Pending checkpoint(boolean end) {
    Checkpoint.Kind kind =
        next == 0 ? Checkpoint.Kind.START : end ? Checkpoint.Kind.END : Checkpoint.Kind.CHECKPOINT;
    Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS); // the wire's precision
    Checkpoint checkpoint =
        Checkpoint.signed(
            kind,
            stream,
            epoch,
            next,
            new String(head, StandardCharsets.US_ASCII),
            CadfTime.format(now),
            key);
    CadfEvent event =
        CadfEvent.builder()
            .id(UUID.randomUUID().toString())
            .eventTime(now)
            .action(
                switch (kind) {
                  case START -> Actions.START;
                  case END -> Actions.STOP;
                  case CHECKPOINT -> Actions.MONITOR;
                })
            .outcome(Outcome.SUCCESS)
            .initiator(observer)
            .target(Resource.of("auditrelay:" + stream, "data/audit/trail"))
            .observer(observer)
            .name("audit trail " + kind.wire())
            .attachment(checkpoint.attachment())
            .build();
    Placed placed = place(event);
    Pending pending =
        new Pending(
            new SerializedEvent(event.id(), wire.encode(event, placed.cadf())),
            new DeliveryFuture(event.id(), f -> {}),
            placed.cadf(),
            placed.slot());
    stamp(pending);
    sinceCheckpoint = 0;
    lastCheckpointNanos = System.nanoTime();
    if (kind == Checkpoint.Kind.END) {
      ended = true;
    }
    return pending;
  }

  /** Nanoseconds until a checkpoint is due by time, if events wait for one; else a long time. */
  long nanosToCheckpoint(long nanos) {
    if (ended || sinceCheckpoint == 0 && next > 0) {
      return TimeUnit.DAYS.toNanos(1);
    }
    return Math.max(0, lastCheckpointNanos + checkpointNanos - nanos);
  }

  private static boolean regionIs(byte[] bytes, int from, String expected) {
    if (from < 0 || from + expected.length() > bytes.length) {
      return false;
    }
    for (int i = 0; i < expected.length(); i++) {
      if (bytes[from + i] != expected.charAt(i)) {
        return false;
      }
    }
    return true;
  }
}
