package io.auditrelay.store.file;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where the drain reads next: a segment, an offset in it (0 before its header), and the sequence it
 * expects. Reads only what is durable, skips what is done, quarantines what is unreadable and voids
 * the sequences that unreadable records leave out. Not thread-safe: the store guards it with its
 * lock.
 */
final class ReadCursor {

  private static final Logger log = LoggerFactory.getLogger(FileBackingStore.class);

  /** Marks a range of sequences void (done, never delivered). */
  @FunctionalInterface
  interface VoidRange {
    void apply(long from, long to, long cumulativeBefore);
  }

  private final Segments segments;
  private final SegmentWriter writer;
  private final AcknowledgedPosition position;
  private final Quarantine quarantine;
  private final VoidRange voidRange;
  private final int maxRecord;
  private long segment;
  private long offset;
  private long expectedSequence;

  ReadCursor(
      Segments segments,
      SegmentWriter writer,
      AcknowledgedPosition position,
      Quarantine quarantine,
      VoidRange voidRange,
      int maxRecord) {
    this.segments = segments;
    this.writer = writer;
    this.position = position;
    this.quarantine = quarantine;
    this.voidRange = voidRange;
    this.maxRecord = maxRecord;
    this.expectedSequence = position.watermark() + 1;
    Long start = segments.holding(expectedSequence);
    this.segment =
        start != null ? start : (segments.isEmpty() ? writer.nextSequence() : segments.first());
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
        SegmentScanner.Item item;
        while (!leave && out.size() < max && (item = scanner.next()) != null) {
          switch (item.kind()) {
            case INCOMPLETE -> {
              if (open || nextSegment == null) {
                return; // being written
              }
              leave = true; // the end of an abandoned segment: a record whose write failed
            }
            case HEADER, BAD_HEADER -> offset = item.end();
            case UNREADABLE -> {
              quarantineRaw(file, item);
              offset = item.end();
            }
            case RECORD -> {
              RecordCodec.Decoded record = item.record();
              if (record.sequence() > writer.durableSequence()) {
                return; // not durable yet
              }
              if (nextSegment != null && record.sequence() >= nextSegment) {
                leave = true; // superseded by the next segment (a rewrite after a failed fsync)
              } else {
                offset = item.end();
                accept(record, out);
              }
            }
          }
        }
      }
      if (out.size() >= max || nextSegment == null) {
        return;
      }
      moveTo(nextSegment);
    }
  }

  private void accept(RecordCodec.Decoded record, List<RecordCodec.Decoded> out) {
    if (record.sequence() < expectedSequence || position.isDone(record.sequence())) {
      return;
    }
    if (record.sequence() > expectedSequence) {
      // Records between were unreadable and are quarantined: they are done.
      voidRange.apply(
          expectedSequence,
          record.sequence() - 1,
          record.cumulativeBytes() - record.payload().length);
    }
    expectedSequence = record.sequence() + 1;
    out.add(record);
  }

  private void quarantineRaw(Path file, SegmentScanner.Item item) {
    LineReader.Line line = item.line();
    String where = file.getFileName() + " offset " + line.offset();
    String reason = item.unreadableReason(maxRecord);
    log.warn("Quarantining an unreadable audit record at {}: {}", where, reason);
    byte[] bytes = line.bytes() == null ? new byte[0] : line.bytes();
    quarantine.add(where + ": " + reason, bytes, line.bytes() == null ? 0 : line.length());
  }

  private void moveTo(long next) {
    segment = next;
    offset = 0;
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
