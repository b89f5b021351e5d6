package io.auditrelay.store.file;

import io.auditrelay.store.BackingStoreException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.EnumSet;
import java.util.stream.Stream;

/**
 * The store's {@code quarantine/} directory: one file per record set aside, its reason on the first
 * line and the record's bytes after it, kept while the quarantine holds less than {@code max(1 MiB,
 * max_total_size / 10)}. Not thread-safe: the store guards it with its lock.
 */
final class Quarantine {

  private final Path directory;
  private final Disk disk;
  private final long byteLimit;
  private long events;
  private long bytes;
  private long counter;

  private Quarantine(Path directory, Disk disk, long byteLimit) {
    this.directory = directory;
    this.disk = disk;
    this.byteLimit = byteLimit;
  }

  /** The quarantine in {@code directory}, counting what it already holds. */
  static Quarantine open(Path directory, Disk disk, long maxTotalSize) throws IOException {
    Quarantine quarantine = new Quarantine(directory, disk, Math.max(1 << 20, maxTotalSize / 10));
    try (Stream<Path> files = Files.list(directory)) {
      for (Path file : files.toList()) {
        quarantine.events++;
        quarantine.bytes += payloadLength(file);
        quarantine.counter++;
      }
    }
    return quarantine;
  }

  /** Payload bytes of a quarantine file: everything after its first (reason) line. */
  private static long payloadLength(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file, StoreDirectory.NOFOLLOW)) {
      long reasonLength = 0;
      int b;
      while ((b = in.read()) >= 0) {
        reasonLength++;
        if (b == '\n') {
          break;
        }
      }
      return Files.size(file) - reasonLength;
    }
  }

  long events() {
    return events;
  }

  long bytes() {
    return bytes;
  }

  /** Sets {@code bytes[0, length)} aside, durably, with {@code reason}. */
  void add(String reason, byte[] record, int length) {
    Path file = directory.resolve(String.format("%012d.rec", ++counter));
    int kept = bytes + length > byteLimit ? 0 : length;
    try (FileChannel channel =
        disk.create(file, EnumSet.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE))) {
      ByteBuffer head =
          ByteBuffer.wrap(
              (reason.replace('\n', ' ')
                      + (kept < length ? " (bytes not kept: quarantine full)" : "")
                      + "\n")
                  .getBytes(StandardCharsets.UTF_8));
      while (head.hasRemaining()) {
        channel.write(head);
      }
      ByteBuffer body = ByteBuffer.wrap(record, 0, kept);
      while (body.hasRemaining()) {
        channel.write(body);
      }
      disk.force(file, channel);
    } catch (IOException e) {
      throw new BackingStoreException("file store cannot write quarantine " + file + ": " + e, e);
    }
    events++;
    bytes += kept;
    try {
      disk.syncDirectory(directory);
    } catch (IOException e) {
      throw new BackingStoreException("file store cannot sync quarantine " + file + ": " + e, e);
    }
  }
}
