package io.auditrelay.store.file;

import io.auditrelay.store.BackingStoreException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The acknowledgement watermark: the highest sequence below which every record is done
 * (acknowledged, quarantined or void), the cumulative payload bytes through it, and the records
 * done above it. Both are persisted in the {@code position} file (so a record done out of order,
 * such as one quarantined while an earlier one still waits, is not read again after a restart):
 * written to {@code position.tmp}, forced, renamed over {@code position}, and the directory forced.
 * Not thread-safe: the store guards it with its lock.
 */
final class AcknowledgedPosition {

  private final Path directory;
  private final Disk disk;
  private final CrashPoints crashPoints;
  private long watermark;
  private long cumulativeAtWatermark;

  /**
   * A run of sequences done above the watermark: {@code [from, to]}, the cumulative bytes through
   * {@code to}, and the payload bytes of the run. A void range of any length is one span, so a
   * sequence gap of any size costs one entry.
   */
  private record Span(long to, long cumulative, long bytes) {}

  /** Done above the watermark, by first sequence; spans never overlap. */
  private final TreeMap<Long, Span> done = new TreeMap<>();

  private long doneCount;
  private long doneBytes;
  private boolean dirty;

  private AcknowledgedPosition(Path directory, Disk disk, CrashPoints crashPoints) {
    this.directory = directory;
    this.disk = disk;
    this.crashPoints = crashPoints;
  }

  /** The position persisted in {@code directory}, or 0 when there is none yet. */
  static AcknowledgedPosition read(Path directory, Disk disk, CrashPoints crashPoints)
      throws IOException {
    AcknowledgedPosition position = new AcknowledgedPosition(directory, disk, crashPoints);
    Path file = directory.resolve("position");
    if (Files.exists(file)) {
      List<String> lines = Files.readAllLines(file, StandardCharsets.US_ASCII);
      try {
        String[] parts = lines.isEmpty() ? new String[0] : lines.get(0).trim().split(" ");
        if (parts.length != 2) {
          throw new NumberFormatException();
        }
        position.watermark = Long.parseLong(parts[0]);
        position.cumulativeAtWatermark = Long.parseLong(parts[1]);
        for (String line : lines.subList(1, lines.size())) {
          if (!line.isBlank()) {
            position.restore(line.trim().split(" "));
          }
        }
      } catch (NumberFormatException e) {
        throw new BackingStoreException(
            "file store position file "
                + file
                + " is corrupt: expected '<sequence> <bytes>' and lines '<from> <to> <bytes>"
                + " <payload bytes>' of records done above it");
      }
    }
    return position;
  }

  /** A span done above the watermark, as {@link #persist} wrote it. */
  private void restore(String[] parts) {
    if (parts.length != 4) {
      throw new NumberFormatException();
    }
    long from = Long.parseLong(parts[0]);
    long to = Long.parseLong(parts[1]);
    Map.Entry<Long, Span> below = done.lastEntry();
    if (from <= watermark || to < from || (below != null && below.getValue().to() >= from)) {
      throw new NumberFormatException();
    }
    Span span = new Span(to, Long.parseLong(parts[2]), Long.parseLong(parts[3]));
    done.put(from, span);
    doneCount += to - from + 1;
    doneBytes += span.bytes();
  }

  /** The watermark: every record at or below it is done. */
  long watermark() {
    return watermark;
  }

  /** Cumulative payload bytes through the watermark. */
  long cumulative() {
    return cumulativeAtWatermark;
  }

  boolean isDone(long sequence) {
    if (sequence <= watermark) {
      return true;
    }
    Map.Entry<Long, Span> span = done.floorEntry(sequence);
    return span != null && span.getValue().to() >= sequence;
  }

  /** How many sequences of {@code [from, to]} are not done. */
  long notDone(long from, long to) {
    long start = Math.max(from, watermark + 1);
    if (start > to) {
      return 0;
    }
    long count = to - start + 1;
    Map.Entry<Long, Span> first = done.floorEntry(start);
    Long key =
        first != null && first.getValue().to() >= start ? first.getKey() : done.ceilingKey(start);
    for (; key != null && key <= to; key = done.higherKey(key)) {
      Span span = done.get(key);
      count -= Math.min(to, span.to()) - Math.max(start, key) + 1;
    }
    return count;
  }

  /** Records done at or below {@code written}, of the records written. */
  long waitingEvents(long written) {
    return written - watermark - doneCount;
  }

  /** Payload bytes waiting, when {@code cumulative} bytes were written. */
  long waitingBytes(long cumulative) {
    return cumulative - cumulativeAtWatermark - doneBytes;
  }

  /** Whether the watermark moved since it was last persisted. */
  boolean dirty() {
    return dirty;
  }

  /** Marks one record done, with the cumulative bytes through it and its payload size. */
  void markDone(long sequence, long cumulative, int size) {
    if (isDone(sequence)) {
      return;
    }
    done.put(sequence, new Span(sequence, cumulative, size));
    doneCount++;
    doneBytes += size;
    dirty = true; // kept across a restart: a record done out of order is not done again
  }

  /**
   * Marks {@code [from, to]} done without payload; {@code cumulativeBefore} is the bytes before.
   * What is done already stays as it is; the rest takes one span per hole, whatever its length.
   */
  void markVoid(long from, long to, long cumulativeBefore) {
    long next = Math.max(from, watermark + 1);
    long cumulative = cumulativeBefore;
    while (next <= to) {
      Map.Entry<Long, Span> covering = done.floorEntry(next);
      if (covering != null && covering.getValue().to() >= next) {
        next = covering.getValue().to() + 1;
        cumulative = Math.max(cumulative, covering.getValue().cumulative());
        continue;
      }
      Long following = done.higherKey(next);
      long end = following == null ? to : Math.min(to, following - 1);
      done.put(next, new Span(end, cumulative, 0));
      doneCount += end - next + 1;
      next = end + 1;
      dirty = true;
    }
  }

  /**
   * Moves the watermark over the records done right above it; returns whether the position changed
   * since it was persisted (and must be persisted).
   */
  boolean advance() {
    long before = watermark;
    while (!done.isEmpty() && done.firstKey() == watermark + 1) {
      Span first = done.pollFirstEntry().getValue();
      doneCount -= first.to() - watermark;
      watermark = first.to();
      cumulativeAtWatermark = first.cumulative();
      doneBytes -= first.bytes();
    }
    if (watermark != before) {
      dirty = true;
    }
    return dirty;
  }

  /** Writes the watermark and the records done above it to the {@code position} file, durably. */
  void persist() {
    StringBuilder text =
        new StringBuilder()
            .append(watermark)
            .append(' ')
            .append(cumulativeAtWatermark)
            .append('\n');
    done.forEach(
        (from, span) ->
            text.append(from)
                .append(' ')
                .append(span.to())
                .append(' ')
                .append(span.cumulative())
                .append(' ')
                .append(span.bytes())
                .append('\n'));
    try {
      disk.replace(
          directory,
          "position",
          text.toString().getBytes(StandardCharsets.US_ASCII),
          () -> crashPoints.reached(CrashPoints.Point.BEFORE_POSITION_RENAME));
      dirty = false;
    } catch (IOException e) {
      throw new BackingStoreException(
          "file store cannot persist its position in " + directory + ": " + e, e);
    }
  }
}
