package io.auditrelay.store.file;

import io.auditrelay.store.BackingStoreException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;

/**
 * Broker refusals per waiting record, kept in the {@code rejections} file ({@code <sequence>
 * <count>} lines), so that the attempts toward quarantine survive a restart. Refusals are rare: the
 * file is rewritten whole on each one (written to {@code rejections.tmp}, forced, renamed, the
 * directory forced), and entries of records no longer waiting are dropped then. Not thread-safe:
 * the store guards it with its lock.
 */
final class Rejections {

  private final Path directory;
  private final Disk disk;
  private final TreeMap<Long, Integer> counts = new TreeMap<>();

  private Rejections(Path directory, Disk disk) {
    this.directory = directory;
    this.disk = disk;
  }

  /** The counts kept in {@code directory}, without those of records through {@code watermark}. */
  static Rejections open(Path directory, Disk disk, long watermark) throws IOException {
    Rejections rejections = new Rejections(directory, disk);
    Path file = directory.resolve("rejections");
    if (Files.exists(file, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      for (String line : Files.readAllLines(file, StandardCharsets.US_ASCII)) {
        String[] parts = line.trim().split(" ");
        if (parts.length == 2
            && parts[0].matches("[0-9]{1,18}")
            && parts[1].matches("[0-9]{1,9}")) {
          long sequence = Long.parseLong(parts[0]);
          if (sequence > watermark) {
            rejections.counts.put(sequence, Integer.parseInt(parts[1]));
          }
        }
      }
    }
    return rejections;
  }

  /** The refusals counted for {@code sequence}. */
  int of(long sequence) {
    return counts.getOrDefault(sequence, 0);
  }

  /** Forgets a record that no longer waits; written with the next refusal. */
  void forget(long sequence) {
    counts.remove(sequence);
  }

  /** Counts one refusal of each of {@code sequences}, durably. */
  void count(Iterable<Long> sequences) {
    for (long sequence : sequences) {
      counts.merge(sequence, 1, Integer::sum);
    }
    StringBuilder text = new StringBuilder();
    for (Map.Entry<Long, Integer> entry : counts.entrySet()) {
      text.append(entry.getKey()).append(' ').append(entry.getValue()).append('\n');
    }
    try {
      disk.replace(
          directory, "rejections", text.toString().getBytes(StandardCharsets.US_ASCII), () -> {});
    } catch (IOException e) {
      throw new BackingStoreException(
          "file store cannot persist its rejection counts in " + directory + ": " + e, e);
    }
  }
}
