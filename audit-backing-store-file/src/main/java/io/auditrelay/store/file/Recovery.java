package io.auditrelay.store.file;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opening a store: reads the acknowledged position and the tail segment only (O(1) in the backlog),
 * deletes segments left wholly below the position by an interrupted delete, and cuts a torn tail
 * back to its last good record. Corrupt records further back are left to the drain, which
 * quarantines them when it reaches them.
 */
final class Recovery {

  private static final Logger log = LoggerFactory.getLogger(FileBackingStore.class);

  /**
   * The state a store starts from.
   *
   * @param lastSequence the last sequence in the log (the watermark when it holds none above it)
   * @param cumulative payload bytes through {@code lastSequence}
   */
  record Recovered(
      Segments segments, AcknowledgedPosition position, long lastSequence, long cumulative) {}

  private Recovery() {}

  /** Recovers the store in {@code directory}. */
  static Recovered open(StoreDirectory directory, Disk disk, CrashPoints crashPoints, int maxRecord)
      throws IOException {
    AcknowledgedPosition position = AcknowledgedPosition.read(directory.path(), disk, crashPoints);
    Segments segments = Segments.list(directory.segments(), disk);
    long watermark = position.watermark();
    while (segments.size() > 1 && segments.after(segments.first()) <= watermark + 1) {
      segments.delete(segments.first());
    }
    long nextSequence = watermark + 1;
    long cumulative = position.cumulative();
    while (!segments.isEmpty()) {
      Map.Entry<Long, Path> tail = segments.last();
      RecordCodec.Decoded last = cutBackTail(tail.getValue(), disk, maxRecord);
      if (last != null) {
        nextSequence = Math.max(nextSequence, last.sequence() + 1);
        cumulative = Math.max(cumulative, last.cumulativeBytes());
        break;
      }
      // A tail without one good record holds nothing durable: the records it should have held were
      // never acknowledged to a caller as stored (or they are below the position).
      if (tail.getKey() <= watermark + 1 || segments.size() == 1) {
        nextSequence = Math.max(nextSequence, tail.getKey());
      }
      segments.delete(tail.getKey());
    }
    return new Recovered(segments, position, nextSequence - 1, cumulative);
  }

  /**
   * Cuts the tail segment back to its last good record, zero-filled space after it included;
   * returns that record, or null.
   */
  private static RecordCodec.@Nullable Decoded cutBackTail(Path segment, Disk disk, int maxRecord)
      throws IOException {
    RecordCodec.Decoded last = null;
    long goodEnd = 0;
    long dataEnd = LineReader.endOfData(segment);
    try (SegmentScanner scanner = SegmentScanner.open(segment, 0, maxRecord, dataEnd)) {
      SegmentScanner.Item item;
      scan:
      while ((item = scanner.next()) != null) {
        switch (item.kind()) {
          case INCOMPLETE, BAD_HEADER -> {
            break scan;
          }
          case HEADER -> goodEnd = item.end();
          case RECORD -> {
            last = item.record();
            goodEnd = item.end();
          }
          case UNREADABLE -> {}
        }
      }
    }
    long size = Files.size(segment);
    if (goodEnd < size) {
      if (goodEnd < dataEnd) {
        log.warn(
            "Cutting back the torn tail of audit segment {}: {} bytes after the last good record",
            segment,
            dataEnd - goodEnd);
      } else {
        log.debug(
            "Releasing {} zero-filled bytes after the last record of audit segment {}",
            size - goodEnd,
            segment);
      }
      try (FileChannel channel = FileChannel.open(segment, StandardOpenOption.WRITE)) {
        channel.truncate(goodEnd);
        disk.force(segment, channel);
      }
    }
    return last;
  }
}
