package io.auditrelay.store.file;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * The segment files of a store, by the sequence of their first record: listed at open, added by the
 * writer, navigated by the read cursor, deleted once every record in them is acknowledged. Not
 * thread-safe: the store guards it with its lock.
 */
final class Segments {

  private final Path directory;
  private final Disk disk;
  private final TreeMap<Long, Path> files = new TreeMap<>();

  private Segments(Path directory, Disk disk) {
    this.directory = directory;
    this.disk = disk;
  }

  /** The segments found in {@code directory} (files named {@code <20 digits>.log}). */
  static Segments list(Path directory, Disk disk) throws IOException {
    Segments segments = new Segments(directory, disk);
    try (Stream<Path> files = Files.list(directory)) {
      for (Path file : files.toList()) {
        String name = file.getFileName().toString();
        if (name.matches("\\d{20}\\.log")) {
          segments.files.put(Long.parseLong(name.substring(0, 20)), file);
        }
      }
    }
    return segments;
  }

  /** The path a segment starting at {@code firstSequence} has. */
  Path pathOf(long firstSequence) {
    return directory.resolve(String.format("%020d.log", firstSequence));
  }

  void add(long firstSequence, Path path) {
    files.put(firstSequence, path);
  }

  void forget(long firstSequence) {
    files.remove(firstSequence);
  }

  @Nullable Path get(long firstSequence) {
    return files.get(firstSequence);
  }

  /** The first sequence of the segment after the one starting at {@code firstSequence}. */
  @Nullable Long after(long firstSequence) {
    return files.higherKey(firstSequence);
  }

  /** The first sequence of the segment that holds {@code sequence}, or null. */
  @Nullable Long holding(long sequence) {
    return files.floorKey(sequence);
  }

  boolean isEmpty() {
    return files.isEmpty();
  }

  int size() {
    return files.size();
  }

  long first() {
    return files.firstKey();
  }

  Map.Entry<Long, Path> last() {
    return files.lastEntry();
  }

  /** Deletes the segment starting at {@code firstSequence}, durably. */
  void delete(long firstSequence) throws IOException {
    Path path = files.remove(firstSequence);
    disk.delete(path);
    disk.syncDirectory(directory);
  }

  /**
   * Deletes the oldest segments whose records are all at or below {@code watermark}, never the one
   * being written ({@code writing}) nor the one the cursor reads ({@code reading}).
   */
  void deleteAcknowledged(long watermark, @Nullable Path writing, long reading) throws IOException {
    while (files.size() > 1) {
      long first = files.firstKey();
      Long second = files.higherKey(first);
      if (second == null
          || second - 1 > watermark
          || files.get(first).equals(writing)
          || reading == first) {
        return;
      }
      delete(first);
    }
  }
}
