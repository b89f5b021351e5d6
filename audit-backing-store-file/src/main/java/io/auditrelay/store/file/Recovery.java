package io.auditrelay.store.file;

import io.auditrelay.store.BackingStoreException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opening a store: reads the acknowledged position and the tail segment only (O(1) in the backlog),
 * refuses a position ahead of the log, deletes segments left wholly below the position by an
 * interrupted delete, and cuts a torn tail back to its last complete line. A complete line that is
 * damaged is kept: the drain quarantines it when it reaches it, as it does with corrupt records
 * further back. The last sequence comes from the tail's slots (see {@link Slots}), never from a
 * record that is out of place, so a renumbered record cannot move the log's end.
 */
final class Recovery {

  private static final Logger log = LoggerFactory.getLogger(FileBackingStore.class);

  /**
   * The state a store starts from.
   *
   * @param lastSequence the last sequence in the log (the watermark when it holds none above it)
   * @param cumulative payload bytes through {@code lastSequence}
   * @param tailCut bytes of a torn tail cut back, 0 when none
   * @param voidFrom the first sequence the writer had voided before the log's end (named by the
   *     header of an empty newest segment), which the next segment's header must name again; -1
   */
  record Recovered(
      Segments segments,
      AcknowledgedPosition position,
      long lastSequence,
      long cumulative,
      long tailCut,
      long voidFrom) {}

  /**
   * What the tail segment holds: its last slot, the bytes through its last record, whether it holds
   * any complete line, the bytes cut, and the voided range its header names.
   */
  private record Tail(
      long lastSlot, long cumulative, boolean holdsLines, long cut, long voidFrom) {}

  private Recovery() {}

  /** Recovers the store in {@code directory}. */
  static Recovered open(
      StoreDirectory directory, Disk disk, CrashPoints crashPoints, int maxRecord, long maxFileSize)
      throws IOException {
    AcknowledgedPosition position = AcknowledgedPosition.read(directory.path(), disk, crashPoints);
    Segments segments = Segments.list(directory.segments(), disk);
    long watermark = position.watermark();
    long nextSequence = watermark + 1;
    long cumulative = position.cumulative();
    long cut = 0;
    Long logEnd = null;
    long emptyTail = -1; // the first sequence of the newest segment, when it holds no line
    long voidFrom = -1;
    while (!segments.isEmpty()) {
      Map.Entry<Long, Path> last = segments.last();
      Tail tail = cutBackTail(last.getKey(), last.getValue(), disk, maxRecord, maxFileSize);
      cut += tail.cut();
      if (tail.holdsLines()) {
        logEnd = tail.lastSlot();
        nextSequence = Math.max(nextSequence, tail.lastSlot() + 1);
        cumulative = Math.max(cumulative, tail.cumulative());
        break;
      }
      // A segment without one complete line holds nothing durable; its name still says where the
      // log had reached, and its header which sequences before it the writer voided.
      if (emptyTail < 0) {
        emptyTail = last.getKey();
        voidFrom = tail.voidFrom();
      }
      segments.delete(last.getKey());
    }
    if (emptyTail >= 0) {
      logEnd = logEnd == null ? emptyTail - 1 : Math.max(logEnd, emptyTail - 1);
      nextSequence = Math.max(nextSequence, emptyTail);
    }
    if (logEnd != null && watermark > logEnd) {
      throw new BackingStoreException(
          "file store "
              + directory.path()
              + ": its position file says every record through "
              + watermark
              + " was delivered, but the log ends at "
              + logEnd
              + ", so the position file was edited or comes from another store. Restore it, or"
              + " delete it to deliver every record of the log again (consumers deduplicate by id)");
    }
    while (segments.size() > 1 && segments.after(segments.first()) <= watermark + 1) {
      segments.delete(segments.first());
    }
    return new Recovered(segments, position, nextSequence - 1, cumulative, cut, voidFrom);
  }

  /**
   * Cuts the tail segment back to its last complete line, zero-filled space after it included, and
   * reads its last slot.
   */
  private static Tail cutBackTail(
      long first, Path segment, Disk disk, int maxRecord, long maxFileSize) throws IOException {
    long slot = first;
    long cumulative = 0;
    boolean holdsLines = false;
    long voidFrom = -1;
    long goodEnd = 0;
    long dataEnd = LineReader.endOfData(segment);
    long bound = Slots.tailBound(first, Files.size(segment), maxFileSize);
    try (SegmentScanner scanner = SegmentScanner.open(segment, 0, maxRecord, dataEnd)) {
      SegmentScanner.Item item;
      while ((item = scanner.next()) != null && item.kind() != SegmentScanner.Kind.INCOMPLETE) {
        goodEnd = item.end();
        switch (item.kind()) {
          case HEADER -> voidFrom = item.voidFrom();
          case BAD_HEADER, INCOMPLETE -> {}
          case UNREADABLE -> holdsLines = true; // kept: the drain quarantines it
          case RECORD -> {
            holdsLines = true;
            RecordCodec.Decoded record = item.record();
            // A record out of its place is not believed (the drain quarantines it).
            if (Slots.judge(record.sequence(), slot, null, bound) != Slots.Verdict.OUT_OF_PLACE) {
              slot = record.sequence() + 1;
              cumulative = record.cumulativeBytes();
            }
          }
        }
      }
    }
    long size = Files.size(segment);
    long cut = 0;
    if (goodEnd < size) {
      if (goodEnd < dataEnd) {
        cut = dataEnd - goodEnd;
        log.warn(
            "Cutting back the torn tail of audit segment {}: {} bytes after the last complete line"
                + " (an append that never returned, or damage to the last record)",
            segment,
            cut);
      } else {
        log.debug(
            "Releasing {} zero-filled bytes after the last record of audit segment {}",
            size - goodEnd,
            segment);
      }
      try (FileChannel channel =
          FileChannel.open(segment, StandardOpenOption.WRITE, StoreDirectory.NOFOLLOW)) {
        channel.truncate(goodEnd);
        disk.force(segment, channel);
      }
    }
    return new Tail(slot - 1, cumulative, holdsLines, cut, voidFrom);
  }
}
