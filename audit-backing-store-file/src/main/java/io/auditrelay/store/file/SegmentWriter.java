package io.auditrelay.store.file;

import io.auditrelay.store.SerializedEvent;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The end of the log: the segment being written, rotation to a new one when a record would not fit,
 * preallocation, and the records written but not yet durable (kept so that a failed fsync can write
 * them again). Not thread-safe: the store guards it with its lock, except {@link
 * #durableSequence()}, which is volatile (written under the lock, read by fsync waiters without it;
 * it only grows).
 */
final class SegmentWriter {

  private static final Logger log = LoggerFactory.getLogger(FileBackingStore.class);

  private final Segments segments;
  private final Disk disk;
  private final CrashPoints crashPoints;
  private final long maxFileSize;
  private final boolean preallocate;

  private @Nullable FileChannel channel;
  private @Nullable Path path;
  private long size;
  private long headerSize;
  private long nextSequence;

  /** The first voided sequence that the next segment's header must name, or -1. */
  private long pendingVoidFrom = -1;

  private long cumulative;
  private long writtenSequence;
  private volatile long durableSequence;
  private final TreeMap<Long, byte[]> unsynced = new TreeMap<>();

  /**
   * A writer that continues the log after {@code lastSequence}, whose records hold {@code
   * cumulative} payload bytes; call {@link #open} before writing.
   */
  SegmentWriter(
      Segments segments,
      Disk disk,
      CrashPoints crashPoints,
      long maxFileSize,
      boolean preallocate,
      long lastSequence,
      long cumulative) {
    this.segments = segments;
    this.disk = disk;
    this.crashPoints = crashPoints;
    this.maxFileSize = maxFileSize;
    this.preallocate = preallocate;
    this.nextSequence = lastSequence + 1;
    this.cumulative = cumulative;
    this.writtenSequence = lastSequence;
    this.durableSequence = lastSequence;
  }

  /**
   * The next segment's header names {@code voidFrom} as the first of the sequences before it that
   * were voided (-1: none): recovery carries the range of an empty segment it removed.
   */
  void voidedBefore(long voidFrom) {
    pendingVoidFrom = voidFrom;
  }

  /** The sequence the next record gets. */
  long nextSequence() {
    return nextSequence;
  }

  /** Cumulative payload bytes of every record numbered so far. */
  long cumulative() {
    return cumulative;
  }

  /** The last sequence written to a segment. */
  long writtenSequence() {
    return writtenSequence;
  }

  /** The last sequence known durable (volatile: safe to read without the store's lock). */
  long durableSequence() {
    return durableSequence;
  }

  /** The segment being written, or null when none could be opened. */
  @Nullable Path path() {
    return path;
  }

  /** Bytes written to the segment being written (where its data ends). */
  long size() {
    return size;
  }

  @Nullable FileChannel channel() {
    return channel;
  }

  /**
   * Numbers and writes {@code batch} with one gathering write per segment, rotating when a record
   * would not fit. On an {@link IOException} the records numbered are not written: the caller voids
   * them and {@linkplain #abandon abandons} the segment.
   */
  void write(List<SerializedEvent> batch, long now) throws IOException {
    List<ByteBuffer> chunk = new ArrayList<>(batch.size());
    long chunkBytes = 0;
    for (SerializedEvent event : batch) {
      byte[] line =
          RecordCodec.encode(
              nextSequence, cumulative + event.payload().length, now, event.id(), event.payload());
      long end = size + chunkBytes;
      if (end + line.length > maxFileSize && end > headerSize) {
        writeFully(chunk, chunkBytes);
        chunk.clear();
        chunkBytes = 0;
        rotate();
      }
      chunk.add(ByteBuffer.wrap(line));
      chunkBytes += line.length;
      cumulative += event.payload().length;
      unsynced.put(nextSequence, line);
      nextSequence++;
    }
    writeFully(chunk, chunkBytes);
    writtenSequence = nextSequence - 1;
  }

  /** Records everything through {@code target} as durable. */
  void markDurable(long target) {
    if (durableSequence < target) {
      durableSequence = target;
    }
    unsynced.headMap(target, true).clear();
  }

  /**
   * After a failed fsync the segment cannot be trusted: writes what was not durable into a fresh
   * segment and forces it. On an {@link IOException} nothing of it is durable.
   */
  void rewriteUnsynced() throws IOException {
    List<byte[]> pending = new ArrayList<>(unsynced.values());
    long first = firstUnsynced();
    endQuietly();
    // Segments begun after the first record not durable hold nothing durable: the rewrite
    // supersedes them whole. Left in place, one would sort after the new segment and cut its
    // reading short once the new segment grows past its name.
    for (Long later; (later = segments.after(first)) != null; ) {
      segments.delete(later);
    }
    open(first);
    for (byte[] line : pending) {
      writeFully(line);
    }
    disk.force(path, channel);
    markDurable(writtenSequence);
  }

  /** The first sequence written but not durable (the next one when there is none). */
  long firstUnsynced() {
    return unsynced.isEmpty() ? nextSequence : unsynced.firstKey();
  }

  /** Cumulative payload bytes before the first record not durable. */
  long cumulativeBeforeUnsynced() {
    if (unsynced.isEmpty()) {
      return cumulative;
    }
    byte[] line = unsynced.firstEntry().getValue();
    RecordCodec.Decoded decoded = RecordCodec.decode(line, line.length - 1);
    return decoded.cumulativeBytes() - decoded.payload().length;
  }

  /** Records written but not durable, which a failed rewrite leaves void. */
  int unsyncedCount() {
    return unsynced.size();
  }

  /** Forgets the records not durable: they are void. */
  void dropUnsynced() {
    unsynced.clear();
  }

  /**
   * Gives up the current segment and opens a new one at the next sequence. {@code voidFrom}: the
   * first of the sequences before it that the store voided (never reported stored), or -1. The new
   * segment's header says so, so that a reader after a restart knows that range is void, not
   * missing.
   */
  void abandon(String why, long voidFrom) throws IOException {
    log.warn("Abandoning audit segment {}: {}", path, why);
    if (voidFrom >= 0 && (pendingVoidFrom < 0 || voidFrom < pendingVoidFrom)) {
      pendingVoidFrom = voidFrom;
    }
    endQuietly();
    channel = null;
    ensureOpen();
  }

  /** Opens a segment at the next sequence when none is open (the last open failed). */
  void ensureOpen() throws IOException {
    if (channel == null) {
      try {
        open(nextSequence);
      } catch (IOException e) {
        channel = null;
        throw e;
      }
    }
  }

  /** Opens a new segment whose first record will be {@code firstSequence}. */
  void open(long firstSequence) throws IOException {
    Path file = segments.pathOf(firstSequence);
    if (Files.exists(file)) {
      // A segment of this name holds nothing durable from firstSequence on: an abandoned one that
      // a rewrite supersedes, or one whose creation failed. Never append to it: a file whose fsync
      // failed is never trusted.
      disk.delete(file);
      segments.forget(firstSequence);
    }
    channel =
        disk.create(file, EnumSet.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE));
    path = file;
    size = 0;
    String voided =
        pendingVoidFrom >= 0 && pendingVoidFrom < firstSequence
            ? " " + SegmentScanner.VOID_FROM + pendingVoidFrom
            : "";
    byte[] header =
        (SegmentScanner.HEADER_PREFIX + firstSequence + voided + "\n")
            .getBytes(StandardCharsets.US_ASCII);
    headerSize = header.length;
    segments.add(firstSequence, file);
    writeFully(header);
    if (preallocate) {
      fillWithZeros(channel, size, maxFileSize);
    }
    disk.force(file, channel);
    disk.syncDirectory(file.getParent());
    pendingVoidFrom = -1;
  }

  /** Closes the segment being written. */
  void close() {
    closeQuietly(channel);
  }

  private void rotate() throws IOException {
    if (preallocate) {
      channel.truncate(size); // a closed segment ends with its last record
    }
    disk.force(path, channel);
    // What the batch being written numbered so far is forced too, but counts as durable only when
    // the whole batch is: a later failed fsync rewrites it (readers skip the superseded copy).
    markDurable(writtenSequence);
    channel.close();
    open(nextSequence);
  }

  /**
   * Closes an abandoned segment, cutting off a partly written record and preallocated space (best
   * effort: readers also stop at an unterminated line of a segment that is no longer written).
   */
  private void endQuietly() {
    if (channel == null) {
      return;
    }
    try {
      channel.truncate(size);
    } catch (IOException e) {
      // the segment is abandoned anyway
    }
    closeQuietly(channel);
  }

  private void writeFully(byte[] bytes) throws IOException {
    ByteBuffer buffer = ByteBuffer.wrap(bytes);
    while (buffer.hasRemaining()) {
      channel.write(buffer);
    }
    size += bytes.length;
  }

  /** One gathering write for the records of one segment (one system call, not one per record). */
  private void writeFully(List<ByteBuffer> records, long bytes) throws IOException {
    if (records.isEmpty()) {
      return;
    }
    crashPoints.writing(channel, records.get(0));
    ByteBuffer[] buffers = records.toArray(ByteBuffer[]::new);
    long remaining = bytes;
    while (remaining > 0) {
      remaining -= channel.write(buffers);
    }
    size += bytes;
  }

  /** Writes zeros into {@code [from, to)} of {@code channel}; its position stays where it was. */
  private static void fillWithZeros(FileChannel channel, long from, long to) throws IOException {
    ByteBuffer zeros = ByteBuffer.allocate(64 * 1024);
    for (long at = from; at < to; ) {
      zeros.clear().limit((int) Math.min(zeros.capacity(), to - at));
      while (zeros.hasRemaining()) {
        at += channel.write(zeros, at);
      }
    }
  }

  private static void closeQuietly(@Nullable FileChannel channel) {
    if (channel == null) {
      return;
    }
    try {
      channel.close();
    } catch (IOException e) {
      // abandoned anyway
    }
  }
}
