package io.auditrelay.verify;

import io.auditrelay.integrity.Checkpoint;
import io.auditrelay.integrity.Digests;
import io.auditrelay.integrity.IntegrityStamp;
import io.auditrelay.integrity.VerificationKeys;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * Verifies a trail from the message bodies alone, fed in any order: per stream epoch, the hash
 * chain over the exact bytes (nothing altered, inserted or reordered without a broken link), the
 * checkpoints' signatures (with keys: nothing forged), the holes below the last checkpoint (lost or
 * deleted), the cut after it in an epoch without a clean end (a crash), duplicates (dropped) and
 * arrivals out of order.
 *
 * <p>A body is the CADF event exactly as the broker delivered it; a pipeline that keeps the body as
 * text keeps what is needed. Not thread-safe: feed it from one thread.
 */
public final class TrailVerifier {

  private static final HexFormat HEX = HexFormat.of();
  private static final byte[] ZERO = HEX.parseHex(Digests.ZERO);

  private final VerificationKeys keys;
  private final Map<String, Stream> streams = new TreeMap<>();
  private long messages;
  private long unreadable;
  private long unstamped;

  /** A verifier that checks signatures with {@code keys} ({@link VerificationKeys#none()}: not). */
  public TrailVerifier(VerificationKeys keys) {
    this.keys = keys;
  }

  /** One event received: the body of one message. */
  public void accept(byte[] body) {
    messages++;
    TrailMessage message = TrailMessage.readForChain(body);
    switch (message.kind()) {
      case UNREADABLE -> unreadable++;
      case UNSTAMPED -> unstamped++;
      case STAMPED -> {
        IntegrityStamp stamp = java.util.Objects.requireNonNull(message.stamp());
        streams
            .computeIfAbsent(stamp.stream() + "\u0000" + stamp.epoch(), k -> new Stream(stamp))
            .accept(message);
      }
    }
  }

  /** What was proved of everything accepted so far. */
  public TrailReport report() {
    List<StreamReport> reports = new ArrayList<>();
    streams.values().forEach(s -> reports.add(s.report()));
    return new TrailReport(reports, messages, unreadable, unstamped);
  }

  /** One event of a stream: its hash and the hash it links to. */
  private record Link(byte[] hash, byte[] prev) {}

  /** A checkpoint received, and whether it proved itself. */
  private record Mark(Checkpoint.Kind kind, boolean valid) {}

  /** The events of one stream epoch. */
  private final class Stream {
    private final String stream;
    private final String epoch;
    private final TreeMap<Long, Link> links = new TreeMap<>();
    private final TreeMap<Long, Mark> marks = new TreeMap<>();
    private final List<String> problems = new ArrayList<>();
    private long duplicates;
    private long reordered;
    private long highest = -1;

    Stream(IntegrityStamp first) {
      this.stream = first.stream();
      this.epoch = first.epoch();
    }

    void accept(TrailMessage message) {
      IntegrityStamp stamp = java.util.Objects.requireNonNull(message.stamp());
      @Nullable Checkpoint checkpoint = message.checkpoint();
      long seq = stamp.seq();
      Link link = new Link(HEX.parseHex(message.hash()), HEX.parseHex(stamp.prev()));
      Link known = links.get(seq);
      if (known != null) {
        if (Arrays.equals(known.hash(), link.hash())) {
          duplicates++;
        } else {
          problems.add("seq " + seq + ": two different events claim it (one is forged or altered)");
        }
        return;
      }
      if (seq < highest) {
        reordered++;
      }
      highest = Math.max(highest, seq);
      links.put(seq, link);
      if (checkpoint != null) {
        @Nullable String problem = message.checkpointProblem(keys);
        if (problem != null) {
          problems.add(problem);
        }
        marks.put(seq, new Mark(checkpoint.kind(), problem == null));
      }
    }

    StreamReport report() {
      List<String> found = new ArrayList<>(problems);
      // The chain: each event's prev is the hash of the one before it.
      Map.Entry<Long, Link> before = null;
      for (Map.Entry<Long, Link> entry : links.entrySet()) {
        long seq = entry.getKey();
        if (seq == 0 && !Arrays.equals(entry.getValue().prev(), ZERO)) {
          found.add("seq 0: the epoch's first event does not start the chain");
        }
        if (before != null
            && before.getKey() == seq - 1
            && !Arrays.equals(before.getValue().hash(), entry.getValue().prev())) {
          found.add(
              "seq "
                  + (seq - 1)
                  + ": its bytes do not hash to what seq "
                  + seq
                  + " records (altered, or replaced by a forged event)");
        }
        before = entry;
      }
      Mark start = marks.get(0L);
      if (links.containsKey(0L) && (start == null || start.kind() != Checkpoint.Kind.START)) {
        found.add("seq 0: not the epoch's start checkpoint (forged)");
      }
      long durable = -1;
      long end = -1;
      long signed = -1;
      for (Map.Entry<Long, Mark> mark : marks.entrySet()) {
        if (!mark.getValue().valid()) {
          continue;
        }
        signed = mark.getKey();
        if (mark.getValue().kind() != Checkpoint.Kind.START) {
          durable = mark.getKey();
        } else if (mark.getKey() != 0) {
          found.add("seq " + mark.getKey() + ": a start checkpoint inside the epoch (forged)");
        }
        if (mark.getValue().kind() == Checkpoint.Kind.END) {
          end = end < 0 ? mark.getKey() : end;
        }
      }
      if (!keys.isEmpty() && (start == null || !start.valid()) && !links.isEmpty()) {
        found.add("the epoch has no signed start: not proven to come from a holder of the keys");
      }
      if (end >= 0 && links.lastKey() > end) {
        found.add(
            "seq " + links.higherKey(end) + ": an event after the epoch's clean end (injected)");
      }
      long bound = end >= 0 ? end : durable;
      List<SeqRange> holes = missing(0, bound - 1);
      List<SeqRange> cut =
          end >= 0 || links.isEmpty() ? List.of() : missing(bound + 1, links.lastKey());
      long cutSize = cut.stream().mapToLong(SeqRange::size).sum();
      long unsignedTail = keys.isEmpty() ? 0 : links.tailMap(signed, false).size();
      StreamReport.Verdict verdict =
          !found.isEmpty()
              ? StreamReport.Verdict.TAMPERED
              : holes.isEmpty() ? StreamReport.Verdict.VERIFIED : StreamReport.Verdict.INCOMPLETE;
      return new StreamReport(
          stream,
          epoch,
          verdict,
          links.size(),
          bound,
          holes,
          cut,
          cutSize,
          end >= 0,
          found,
          duplicates,
          reordered,
          !keys.isEmpty(),
          unsignedTail);
    }

    /** The ranges of sequences in {@code from … to} that were not received. */
    private List<SeqRange> missing(long from, long to) {
      List<SeqRange> ranges = new ArrayList<>();
      long next = Math.max(0, from);
      for (long seq : links.subMap(next, true, Math.max(next, to), true).keySet()) {
        if (seq > next) {
          ranges.add(new SeqRange(next, seq - 1));
        }
        next = seq + 1;
      }
      if (next <= to) {
        ranges.add(new SeqRange(next, to));
      }
      return ranges;
    }
  }
}
