package io.auditrelay.store.file;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where the drain reads next: a segment, an offset in it (0 before its header), the sequence the
 * line there should carry (its slot, see {@link Slots}), and the lowest sequence not seen yet.
 * Reads only what is durable, skips what is done, quarantines what is unreadable or out of place,
 * and reports every range of the sequence that is missing (a segment deleted or truncated, lines
 * removed) as lost: never a silent gap. Not thread-safe: the store guards it with its lock.
 */
final class ReadCursor {

  private static final Logger log = LoggerFactory.getLogger(FileBackingStore.class);

  /** What the cursor finds, for the store to record and count. */
  interface Findings {
    /** Marks a range of sequences void (done, never delivered). */
    void voidRange(long from, long to, long cumulativeBefore);

    /** Lines set aside in the quarantine: damaged, or out of their place. */
    void quarantined(long events);

    /** Sequences {@code [from, to]} are gone from the log; {@code events} of them were waiting. */
    void missing(long from, long to, long events);
  }

  private final Segments segments;
  private final SegmentWriter writer;
  private final AcknowledgedPosition position;
  private final Quarantine quarantine;
  private final Findings findings;
  private final int maxRecord;
  private final String store;
  private long segment;
  private long offset;
  private long slot;
  private long expectedSequence;
  private long lastCumulative;

  /** Lines set aside since the last good record: each stands for one sequence before the next. */
  private long setAsideSinceGood;

  ReadCursor(
      Segments segments,
      SegmentWriter writer,
      AcknowledgedPosition position,
      Quarantine quarantine,
      Findings findings,
      int maxRecord,
      String store) {
    this.segments = segments;
    this.writer = writer;
    this.position = position;
    this.quarantine = quarantine;
    this.findings = findings;
    this.maxRecord = maxRecord;
    this.store = store;
    this.expectedSequence = position.watermark() + 1;
    this.lastCumulative = position.cumulative();
    Long start = segments.holding(expectedSequence);
    moveTo(start != null ? start : (segments.isEmpty() ? writer.nextSequence() : segments.first()));
  }

  /** The first sequence of the segment the cursor reads. */
  long segment() {
    return segment;
  }

  /** Reads up to {@code max} durable records after the cursor into {@code out}. */
  void readInto(List<RecordCodec.Decoded> out, int max) throws IOException {
    while (out.size() < max) {
      Path file = segments.get(segment);
      if (file == null) {
        Long next = segments.after(segment);
        if (next == null) {
          return;
        }
        moveTo(next);
        continue;
      }
      Long nextSegment = segments.after(segment);
      boolean open = file.equals(writer.path());
      try (SegmentScanner scanner =
          SegmentScanner.open(file, offset, maxRecord, open ? writer.size() : Long.MAX_VALUE)) {
        boolean leave = false; // the rest of this segment is not to be read: go to the next one
        SegmentScanner.Item item = null;
        while (!leave && out.size() < max && (item = scanner.next()) != null) {
          switch (item.kind()) {
            case INCOMPLETE -> {
              if (open || nextSegment == null) {
                return; // being written
              }
              leave = true; // the end of an abandoned (or truncated) segment
            }
            case HEADER -> {
              offset = item.end();
              long voidFrom = item.voidFrom();
              if (voidFrom >= 0 && voidFrom < segment) {
                // The writer voided these after a failed write: never stored, not missing.
                findings.voidRange(voidFrom, segment - 1, lastCumulative);
              }
            }
            case BAD_HEADER -> offset = item.end();
            case UNREADABLE -> {
              setAside(file, item, item.unreadableReason(maxRecord));
              offset = item.end();
            }
            case RECORD -> {
              RecordCodec.Decoded record = item.record();
              long sequence = record.sequence();
              switch (Slots.judge(sequence, slot, nextSegment, writer.nextSequence())) {
                case SUPERSEDED -> leave = true; // a rewrite after a failed fsync
                case OUT_OF_PLACE -> {
                  setAside(
                      file,
                      item,
                      "record out of place: sequence " + sequence + " where the next is " + slot);
                  offset = item.end();
                }
                case IN_PLACE, AHEAD -> {
                  if (sequence > writer.durableSequence()) {
                    return; // not durable yet
                  }
                  offset = item.end();
                  slot = sequence + 1;
                  accept(record, out);
                }
              }
            }
          }
        }
        if (open && item == null && out.size() < max) {
          // The end of the log: what is durable and was not seen is gone.
          reach(writer.durableSequence() + 1, lastCumulative);
        }
      }
      if (out.size() >= max || nextSegment == null) {
        return;
      }
      moveTo(nextSegment);
    }
  }

  private void accept(RecordCodec.Decoded record, List<RecordCodec.Decoded> out) {
    long sequence = record.sequence();
    if (sequence < expectedSequence) {
      lastCumulative = Math.max(lastCumulative, record.cumulativeBytes());
      return;
    }
    reach(sequence, record.cumulativeBytes() - record.payload().length);
    expectedSequence = sequence + 1;
    lastCumulative = record.cumulativeBytes();
    if (!position.isDone(sequence)) {
      out.add(record);
    }
  }

  /**
   * Every sequence below {@code sequence} not seen yet was quarantined (the lines set aside since
   * the last good record stand for as many) or is gone from the log: what is gone is reported and
   * counted (what was waiting of it), and the range is voided in one step, whatever its length.
   */
  private void reach(long sequence, long cumulativeBefore) {
    long setAside = setAsideSinceGood;
    setAsideSinceGood = 0;
    if (sequence <= expectedSequence) {
      return;
    }
    long from = expectedSequence;
    long to = sequence - 1;
    long missing = position.notDone(from, to) - setAside;
    if (missing > 0) {
      log.error(
          "Audit events LOST in file store {}: {} event(s) of sequences {} to {} are missing from"
              + " the log: a segment was deleted or truncated, or records were removed or"
              + " renumbered",
          store,
          missing,
          from,
          to);
      findings.missing(from, to, missing);
    }
    findings.voidRange(from, to, cumulativeBefore);
    expectedSequence = sequence;
  }

  /**
   * Sets a line aside in the quarantine: unreadable, or a record out of its place. It stands for
   * one of the sequences before the next good record. A line among records delivered before (one
   * damaged after its delivery) is left alone.
   */
  private void setAside(Path file, SegmentScanner.Item item, String reason) {
    if (slot < expectedSequence) {
      return;
    }
    LineReader.Line line = item.line();
    String where = file.getFileName() + " offset " + line.offset();
    log.error("Quarantining an audit record of file store {} at {}: {}", store, where, reason);
    byte[] bytes = line.bytes() == null ? new byte[0] : line.bytes();
    quarantine.add(where + ": " + reason, bytes, line.bytes() == null ? 0 : line.length());
    findings.quarantined(1);
    setAsideSinceGood++;
  }

  private void moveTo(long next) {
    segment = next;
    offset = 0;
    slot = next;
  }

  /** The append time of the next unread record, read without moving the cursor. */
  @Nullable Instant peekAppendedAt() {
    Path file = segments.get(segment);
    if (file == null) {
      return null;
    }
    long limit = file.equals(writer.path()) ? writer.size() : Long.MAX_VALUE;
    try (SegmentScanner scanner = SegmentScanner.open(file, offset, maxRecord, limit)) {
      SegmentScanner.Item item;
      while ((item = scanner.next()) != null && item.kind() != SegmentScanner.Kind.INCOMPLETE) {
        if (item.kind() == SegmentScanner.Kind.RECORD
            && item.record().sequence() >= expectedSequence) {
          return Instant.ofEpochMilli(item.record().appendedAtMillis());
        }
      }
    } catch (IOException e) {
      return null;
    }
    return null;
  }
}
