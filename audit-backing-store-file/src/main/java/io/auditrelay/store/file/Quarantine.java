package io.auditrelay.store.file;

import io.auditrelay.store.BackingStoreException;
import io.auditrelay.store.QuarantinedEvent;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

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
        String name = file.getFileName().toString();
        // Keys only grow, also after deletions: the next entry is above the highest one.
        if (name.matches("[0-9]{12}\\.rec")) {
          quarantine.counter = Math.max(quarantine.counter, Long.parseLong(name.substring(0, 12)));
        }
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

  /** The reason line's prefix of a whole event set aside by the drain. */
  private static final Pattern EVENT = Pattern.compile("^event (\\S+) sequence [0-9]+: ");

  /** The entries with a key above {@code after}, oldest first, at most {@code limit}. */
  List<QuarantinedEvent> list(long after, int limit) {
    List<QuarantinedEvent> page = new ArrayList<>();
    for (long key : keys()) {
      if (key > after && page.size() < limit) {
        QuarantinedEvent entry = read(key);
        if (entry != null) {
          page.add(entry);
        }
      }
    }
    return page;
  }

  /** The entry {@code key}, or null when there is none. */
  @Nullable QuarantinedEvent read(long key) {
    Path file = file(key);
    byte[] content;
    Instant at;
    try {
      content = Files.readAllBytes(file);
      at = Files.getLastModifiedTime(file, LinkOption.NOFOLLOW_LINKS).toInstant();
    } catch (NoSuchFileException e) {
      return null;
    } catch (IOException e) {
      throw new BackingStoreException("file store cannot read quarantine " + file + ": " + e, e);
    }
    int newline = 0;
    while (newline < content.length && content[newline] != '\n') {
      newline++;
    }
    String reason = new String(content, 0, newline, StandardCharsets.UTF_8);
    byte[] payload =
        Arrays.copyOfRange(content, Math.min(newline + 1, content.length), content.length);
    Matcher event = EVENT.matcher(reason);
    return new QuarantinedEvent(key, event.find() ? event.group(1) : null, reason, at, payload);
  }

  /** Deletes the entry {@code key}, durably; false when there is none. */
  boolean remove(long key) {
    QuarantinedEvent entry = read(key);
    if (entry == null) {
      return false;
    }
    Path file = file(key);
    try {
      disk.delete(file);
      disk.syncDirectory(directory);
    } catch (IOException e) {
      throw new BackingStoreException("file store cannot delete quarantine " + file + ": " + e, e);
    }
    events--;
    bytes -= entry.payload().length;
    return true;
  }

  private Path file(long key) {
    return directory.resolve(String.format("%012d.rec", key));
  }

  /** The keys of the entries, in order. */
  private List<Long> keys() {
    try (Stream<Path> files = Files.list(directory)) {
      return files
          .map(f -> f.getFileName().toString())
          .filter(n -> n.matches("[0-9]{12}\\.rec"))
          .map(n -> Long.parseLong(n.substring(0, 12)))
          .sorted()
          .toList();
    } catch (IOException e) {
      throw new BackingStoreException(
          "file store cannot list quarantine " + directory + ": " + e, e);
    }
  }

  /** Sets {@code bytes[0, length)} aside, durably, with {@code reason}. */
  void add(String reason, byte[] record, int length) {
    Path file = file(++counter);
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
