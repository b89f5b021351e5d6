package io.auditrelay.store.file;

import io.auditrelay.store.BackingStore;
import io.auditrelay.store.BackingStoreException;
import io.auditrelay.store.BackingStoreFullException;
import io.auditrelay.store.Claim;
import io.auditrelay.store.SerializedEvent;
import io.auditrelay.store.StoreStats;
import io.auditrelay.store.StoredEvent;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code file} store: append-only segments of checksummed records (see {@code
 * docs/file-format.md}), a persisted acknowledged position, and quarantine for what cannot be read.
 *
 * <p><strong>Durability:</strong> under {@link FsyncPolicy#ALWAYS} an append returns after an fsync
 * covering it; appends that arrive while an fsync runs share the next one. A failed fsync is never
 * retried and trusted: the segment is abandoned and the records not yet durable are written again,
 * from memory, to a new segment. Acknowledged positions are written to a temporary file, fsynced,
 * renamed, and the directory fsynced.
 *
 * <p><strong>Reopening</strong> reads the position and the tail segment only: O(1) in the backlog.
 * A torn tail is cut back to the last good record. Corrupt records further back are quarantined
 * when the drain reaches them and never block what follows.
 *
 * <p>Thread-safe. One store per directory: the directory is locked.
 */
public final class FileBackingStore implements BackingStore {

  private static final Logger log = LoggerFactory.getLogger(FileBackingStore.class);
  private static final String TYPE = "file";
  private static final String HEADER_PREFIX = "AUDITRELAY-SEGMENT 1 ";

  /** Bytes a record takes beyond its payload, for capacity: checksum, numbers, id, separators. */
  static final int RECORD_OVERHEAD = 100;

  /**
   * The file-system operations the store's durability rests on: forcing a file, creating, renaming
   * and deleting one, and forcing a directory. Every such operation of the store goes through it,
   * so tests can inject fsync failures and simulate a power loss that reverts what was not forced.
   */
  @FunctionalInterface
  interface Disk {
    /** Forces the data of {@code channel} to the device (fdatasync). */
    void force(FileChannel channel) throws IOException;

    /** Forces {@code channel}, open on {@code path}. */
    default void force(Path path, FileChannel channel) throws IOException {
      force(channel);
    }

    /** Creates (or, with {@code CREATE}, opens) {@code path} with mode 0600. */
    default FileChannel create(Path path, Set<StandardOpenOption> options) throws IOException {
      return FileChannel.open(path, options, StoreDirectory.FILE_MODE);
    }

    /** Renames {@code from} over {@code to} atomically. */
    default void rename(Path from, Path to) throws IOException {
      Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    /** Deletes {@code path} if it exists. */
    default void delete(Path path) throws IOException {
      Files.deleteIfExists(path);
    }

    /** Makes the creates, renames and deletes in {@code directory} durable. */
    default void syncDirectory(Path directory) throws IOException {
      StoreDirectory.syncDirectory(directory);
    }
  }

  private record Entry(StoredEvent event, long cumulative, long appendedAt) {}

  private final StoreDirectory directory;
  private final long maxFileSize;
  private final long maxTotalSize;
  private final FsyncPolicy policy;
  private final boolean preallocate;
  private final Clock clock;
  private final Disk disk;
  private final int maxRecord;
  private final Object syncMonitor = new Object();
  private final @Nullable Thread intervalSyncer;

  // Guarded by this.
  private final TreeMap<Long, Path> segments = new TreeMap<>();
  private FileChannel writer;
  private Path writerPath;
  private long writerSize;
  private long writerHeaderSize;
  private long nextSequence;
  private long cumulative;
  private final TreeMap<Long, byte[]> unsynced = new TreeMap<>();
  private long writtenSequence;
  private volatile long durableSequence;
  private boolean syncing;
  private long watermark;
  private long cumulativeAtWatermark;
  private final TreeMap<Long, Long> done =
      new TreeMap<>(); // sequence -> cumulative bytes through it
  private final Map<Long, Integer> doneSizes = new HashMap<>();
  private long doneBytes;
  private final TreeMap<Long, Entry> released = new TreeMap<>();
  private final TreeMap<Long, Entry> claimed = new TreeMap<>();
  private long cursorSegment;
  private long cursorOffset;
  private long expectedSequence;
  private long quarantinedEvents;
  private long quarantinedBytes;
  private long quarantineCounter;
  private boolean closed;
  private boolean positionDirty;

  /** A store without preallocation. */
  FileBackingStore(
      Path path,
      long maxFileSize,
      long maxTotalSize,
      FsyncPolicy policy,
      long intervalMillis,
      Clock clock,
      Disk disk) {
    this(path, maxFileSize, maxTotalSize, policy, false, intervalMillis, clock, disk);
  }

  /**
   * Opens (creating if needed) the store in {@code path}; with {@code preallocate}, every new
   * segment is filled with zeros to {@code maxFileSize} when it is created, so appends only
   * overwrite blocks already allocated (no file-size change to journal per fsync; a full disk shows
   * at segment creation instead of in the middle of a record).
   */
  FileBackingStore(
      Path path,
      long maxFileSize,
      long maxTotalSize,
      FsyncPolicy policy,
      boolean preallocate,
      long intervalMillis,
      Clock clock,
      Disk disk) {
    this.directory = StoreDirectory.open(path);
    this.maxFileSize = maxFileSize;
    this.maxTotalSize = maxTotalSize;
    this.policy = policy;
    this.preallocate = preallocate;
    this.clock = clock;
    this.disk = disk;
    this.maxRecord = (int) Math.min(Integer.MAX_VALUE - 16, Math.max(maxFileSize, 1 << 20));
    try {
      recover();
    } catch (IOException | RuntimeException e) {
      directory.close();
      throw e instanceof BackingStoreException b
          ? b
          : new BackingStoreException("cannot open file store " + path + ": " + e, e);
    }
    if (policy == FsyncPolicy.INTERVAL) {
      intervalSyncer = new Thread(() -> syncEvery(intervalMillis), "audit-file-store-fsync");
      intervalSyncer.setDaemon(true);
      intervalSyncer.start();
    } else {
      intervalSyncer = null;
    }
  }

  // ---------------------------------------------------------------- recovery

  private void recover() throws IOException {
    readPosition();
    try (Stream<Path> files = Files.list(directory.segments())) {
      for (Path file : files.toList()) {
        String name = file.getFileName().toString();
        if (name.matches("\\d{20}\\.log")) {
          segments.put(Long.parseLong(name.substring(0, 20)), file);
        }
      }
    }
    try (Stream<Path> files = Files.list(directory.quarantine())) {
      for (Path file : files.toList()) {
        quarantinedEvents++;
        quarantinedBytes += quarantinedPayload(file);
        quarantineCounter++;
      }
    }
    // Segments wholly below the acknowledged position are leftovers of an interrupted delete.
    while (segments.size() > 1 && segments.higherKey(segments.firstKey()) <= watermark + 1) {
      deleteSegment(segments.firstKey());
    }
    nextSequence = watermark + 1;
    cumulative = cumulativeAtWatermark;
    while (!segments.isEmpty()) {
      Map.Entry<Long, Path> tail = segments.lastEntry();
      RecordCodec.Decoded last = cutBackTail(tail.getValue());
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
      deleteSegment(tail.getKey());
    }
    writtenSequence = nextSequence - 1;
    durableSequence = writtenSequence;
    expectedSequence = watermark + 1;
    Long start = segments.floorKey(watermark + 1);
    cursorSegment =
        start != null ? start : (segments.isEmpty() ? nextSequence : segments.firstKey());
    cursorOffset = -1; // after the header
    openNewSegment(nextSequence);
  }

  /**
   * Cuts the tail segment back to its last good record, zero-filled space after it included;
   * returns that record, or null.
   */
  private RecordCodec.@Nullable Decoded cutBackTail(Path segment) throws IOException {
    RecordCodec.Decoded last = null;
    long goodEnd = 0;
    long dataEnd = LineReader.endOfData(segment);
    try (InputStream in = new BufferedInputStream(Files.newInputStream(segment), 1 << 16)) {
      LineReader reader = new LineReader(in, 0, maxRecord, dataEnd);
      LineReader.Line line;
      boolean header = true;
      while ((line = reader.next()) != null) {
        if (!line.complete()) {
          break;
        }
        if (header) {
          header = false;
          if (line.bytes() != null
              && new String(line.bytes(), 0, line.length(), StandardCharsets.US_ASCII)
                  .startsWith(HEADER_PREFIX)) {
            goodEnd = reader.position();
            continue;
          }
          break;
        }
        RecordCodec.Decoded decoded =
            line.bytes() == null ? null : RecordCodec.decode(line.bytes(), line.length());
        if (decoded != null) {
          last = decoded;
          goodEnd = reader.position();
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
        if (policy != FsyncPolicy.NEVER) {
          disk.force(segment, channel);
        }
      }
    }
    return last;
  }

  /** Payload bytes of a quarantine file: everything after its first (reason) line. */
  private static long quarantinedPayload(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
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

  private void readPosition() throws IOException {
    Path position = directory.path().resolve("position");
    if (!Files.exists(position)) {
      return;
    }
    String[] parts = Files.readString(position, StandardCharsets.US_ASCII).trim().split(" ");
    if (parts.length != 2) {
      throw new BackingStoreException(
          "file store position file " + position + " is corrupt: expected '<sequence> <bytes>'");
    }
    watermark = Long.parseLong(parts[0]);
    cumulativeAtWatermark = Long.parseLong(parts[1]);
  }

  // ---------------------------------------------------------------- writing

  @Override
  public String type() {
    return TYPE;
  }

  /** Claims are in-process state: they end only when acknowledged or released. */
  @Override
  public boolean claimsStayValid() {
    return true;
  }

  @Override
  public boolean durable() {
    return true;
  }

  @Override
  public void append(List<SerializedEvent> batch) {
    long last;
    long total = 0;
    for (SerializedEvent event : batch) {
      for (byte b : event.payload()) {
        if (b == '\n' || b == '\r') {
          throw new IllegalArgumentException(
              "file store payloads must be one line: event "
                  + event.id()
                  + " contains a line break");
        }
      }
      total += RECORD_OVERHEAD + event.payload().length;
    }
    synchronized (this) {
      checkOpen();
      // Capacity counts what waits (records and their framing), so acknowledging frees room at
      // once;
      // acknowledged records still on disk wait for their segment's deletion (one segment at most).
      long waiting =
          (cumulative - cumulativeAtWatermark - doneBytes)
              + RECORD_OVERHEAD * (writtenSequence - watermark - done.size());
      if (waiting + total > maxTotalSize) {
        throw new BackingStoreFullException(
            "file store "
                + directory.path()
                + " is full: "
                + waiting
                + " of max_total_size="
                + maxTotalSize
                + " bytes wait for delivery, "
                + total
                + " more do not fit");
      }
      long first = nextSequence;
      long cumulativeBefore = cumulative;
      try {
        long now = clock.millis();
        List<ByteBuffer> chunk = new ArrayList<>(batch.size());
        long chunkBytes = 0;
        for (SerializedEvent event : batch) {
          byte[] line =
              RecordCodec.encode(
                  nextSequence,
                  cumulative + event.payload().length,
                  now,
                  event.id(),
                  event.payload());
          long end = writerSize + chunkBytes;
          if (end + line.length > maxFileSize && end > writerHeaderSize) {
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
      } catch (IOException e) {
        // Never leave the next record glued to a half-written one: void the batch, move on.
        voidRange(first, nextSequence - 1, cumulativeBefore);
        abandonSegment("write failed: " + e);
        throw new BackingStoreException(
            "file store write failed in " + directory.path() + ": " + e, e);
      }
      writtenSequence = nextSequence - 1;
      last = writtenSequence;
      if (policy == FsyncPolicy.NEVER) {
        durableSequence = last;
        unsynced.clear();
        return;
      }
    }
    CrashPoints.reached(CrashPoints.AFTER_WRITE_BEFORE_FSYNC);
    if (policy == FsyncPolicy.ALWAYS) {
      syncThrough(last);
    } else {
      awaitInterval(last);
    }
    CrashPoints.reached(CrashPoints.AFTER_FSYNC_BEFORE_RETURN);
  }

  private void writeFully(byte[] bytes) throws IOException {
    ByteBuffer buffer = ByteBuffer.wrap(bytes);
    while (buffer.hasRemaining()) {
      writer.write(buffer);
    }
    writerSize += bytes.length;
  }

  /**
   * Writes the records of one segment with one gathering write (one system call for a batch, not
   * one per record).
   */
  private void writeFully(List<ByteBuffer> records, long bytes) throws IOException {
    if (records.isEmpty()) {
      return;
    }
    CrashPoints.reached(CrashPoints.BEFORE_WRITE);
    if (CrashPoints.due(CrashPoints.MID_WRITE)) {
      ByteBuffer first = records.get(0);
      writer.write(first.slice(0, first.remaining() / 2));
      CrashPoints.halt();
    }
    ByteBuffer[] buffers = records.toArray(ByteBuffer[]::new);
    long remaining = bytes;
    while (remaining > 0) {
      remaining -= writer.write(buffers);
    }
    writerSize += bytes;
  }

  /**
   * Group commit: one thread forces, the others wait for it and usually need no fsync of their own.
   */
  private void syncThrough(long sequence) {
    synchronized (syncMonitor) {
      while (durableSequence < sequence) {
        if (syncing) {
          waitOn(syncMonitor);
          continue;
        }
        syncing = true;
        try {
          syncOnce();
        } finally {
          syncing = false;
          syncMonitor.notifyAll();
        }
        if (durableSequence < sequence) {
          throw new BackingStoreException(
              "file store " + directory.path() + ": records were not made durable (fsync failed)");
        }
      }
    }
  }

  private void syncOnce() {
    FileChannel channel;
    long target;
    Path path;
    synchronized (this) {
      channel = writer;
      target = writtenSequence;
      path = writerPath;
    }
    if (channel == null) {
      throw new BackingStoreException("file store " + directory.path() + " has no usable segment");
    }
    try {
      disk.force(path, channel);
      // On Linux a deleted directory keeps its open files writable: the data would vanish with
      // them.
      if (!Files.exists(path)) {
        throw new IOException("segment file is gone (store directory deleted?)");
      }
      synchronized (this) {
        markDurable(target);
      }
    } catch (IOException e) {
      synchronized (this) {
        rewriteAfterFailedSync(e);
      }
    }
  }

  private void markDurable(long target) {
    if (durableSequence < target) {
      durableSequence = target;
    }
    unsynced.headMap(target, true).clear();
  }

  /**
   * The segment cannot be trusted: rewrite what was not durable into a fresh one, and sync that.
   */
  private void rewriteAfterFailedSync(IOException cause) {
    log.error(
        "fsync failed in audit file store {}; abandoning segment {} and rewriting {} records",
        directory.path(),
        writerPath,
        unsynced.size(),
        cause);
    List<byte[]> pending = new ArrayList<>(unsynced.values());
    long first = unsynced.isEmpty() ? nextSequence : unsynced.firstKey();
    try {
      endSegmentQuietly();
      openNewSegment(first);
      for (byte[] line : pending) {
        writeFully(line);
      }
      disk.force(writerPath, writer);
      markDurable(writtenSequence);
    } catch (IOException again) {
      log.error(
          "rewriting after a failed fsync failed too in {}; the records are not durable",
          directory.path(),
          again);
      long before = unsynced.isEmpty() ? cumulative : cumulativeBefore(unsynced.firstKey());
      voidRange(first, writtenSequence, before);
      unsynced.clear();
      abandonSegment("rewrite failed: " + again);
    }
  }

  private long cumulativeBefore(long sequence) {
    byte[] line = unsynced.get(sequence);
    RecordCodec.Decoded decoded = RecordCodec.decode(line, line.length - 1);
    return decoded.cumulativeBytes() - decoded.payload().length;
  }

  private void awaitInterval(long sequence) {
    synchronized (syncMonitor) {
      while (durableSequence < sequence && !closed) {
        waitOn(syncMonitor);
      }
    }
    if (durableSequence < sequence) {
      throw new BackingStoreException(
          "file store " + directory.path() + " closed before the records were durable");
    }
  }

  private void syncEvery(long intervalMillis) {
    while (!Thread.currentThread().isInterrupted()) {
      try {
        Thread.sleep(intervalMillis); // the fsync cadence itself, not a wait for a condition
      } catch (InterruptedException e) {
        return;
      }
      if (durableSequence < writtenSequence) {
        try {
          syncThrough(writtenSequence);
        } catch (BackingStoreException e) {
          // appenders waiting for this range get the failure through awaitInterval's check
          synchronized (syncMonitor) {
            syncMonitor.notifyAll();
          }
        }
      }
    }
  }

  private static void waitOn(Object monitor) {
    try {
      monitor.wait(100);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new BackingStoreException("interrupted while waiting for fsync");
    }
  }

  /** Records in [from, to] will never be delivered from this run: the caller appends them again. */
  private void voidRange(long from, long to, long cumulativeBefore) {
    for (long s = from; s <= to; s++) {
      done.put(s, cumulativeBefore);
      doneSizes.put(s, 0);
    }
    try {
      advanceWatermark();
    } catch (BackingStoreException e) {
      log.warn(
          "Audit file store {}: position not persisted yet: {}", directory.path(), e.getMessage());
    }
  }

  private void abandonSegment(String why) {
    log.warn("Abandoning audit segment {}: {}", writerPath, why);
    endSegmentQuietly();
    try {
      openNewSegment(nextSequence);
    } catch (IOException e) {
      writer = null;
      throw new BackingStoreException(
          "file store " + directory.path() + " cannot open a new segment: " + e, e);
    }
  }

  /**
   * Closes an abandoned writer, cutting off a partly written record and preallocated space (best
   * effort: readers also stop at an unterminated line of a segment that is no longer written).
   */
  private void endSegmentQuietly() {
    if (writer == null) {
      return;
    }
    try {
      writer.truncate(writerSize);
    } catch (IOException e) {
      // the segment is abandoned anyway
    }
    closeQuietly(writer);
  }

  private void rotate() throws IOException {
    if (preallocate) {
      writer.truncate(writerSize); // a closed segment ends with its last record
    }
    if (policy != FsyncPolicy.NEVER) {
      disk.force(writerPath, writer);
    }
    markDurable(writtenSequence);
    writer.close();
    openNewSegment(nextSequence);
  }

  private void openNewSegment(long firstSequence) throws IOException {
    Path path = directory.segments().resolve(String.format("%020d.log", firstSequence));
    if (Files.exists(path)) {
      // A segment of this name holds nothing durable from firstSequence on: an abandoned one that
      // a rewrite supersedes, or one whose creation failed. Never append to it: a file whose fsync
      // failed is never trusted.
      disk.delete(path);
      segments.remove(firstSequence);
    }
    writer = disk.create(path, EnumSet.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE));
    writerPath = path;
    writerSize = 0;
    writerHeaderSize = headerLength(path);
    segments.put(firstSequence, path);
    writeFully((HEADER_PREFIX + firstSequence + "\n").getBytes(StandardCharsets.US_ASCII));
    if (preallocate) {
      fillWithZeros(writer, writerSize, maxFileSize);
    }
    if (policy != FsyncPolicy.NEVER) {
      disk.force(path, writer);
      disk.syncDirectory(directory.segments());
    }
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

  private static long headerLength(Path segment) {
    String name = segment.getFileName().toString();
    return HEADER_PREFIX.length()
        + Long.toString(Long.parseLong(name.substring(0, 20))).length()
        + 1;
  }

  // ---------------------------------------------------------------- reading

  @Override
  public synchronized Claim claim(int max) {
    if (max < 1) {
      throw new IllegalArgumentException("max must be positive, not " + max);
    }
    if (closed) {
      throw new BackingStoreException("file store " + directory.path() + " is closed");
    }
    List<StoredEvent> events = new ArrayList<>(Math.min(max, 1024));
    while (events.size() < max && !released.isEmpty()) {
      Map.Entry<Long, Entry> head = released.pollFirstEntry();
      claimed.put(head.getKey(), head.getValue());
      events.add(head.getValue().event());
    }
    if (events.size() < max) {
      try {
        readInto(events, max);
      } catch (IOException e) {
        throw new BackingStoreException(
            "file store read failed in " + directory.path() + ": " + e, e);
      }
    }
    return events.isEmpty() ? Claim.empty() : new Claim(events);
  }

  /** Reads durable records after the cursor into {@code events}, quarantining what is corrupt. */
  private void readInto(List<StoredEvent> events, int max) throws IOException {
    while (events.size() < max) {
      Path segment = segments.get(cursorSegment);
      if (segment == null) {
        Long next = segments.higherKey(cursorSegment);
        if (next == null) {
          return;
        }
        cursorSegment = next;
        cursorOffset = -1;
        continue;
      }
      Long nextSegment = segments.higherKey(cursorSegment);
      boolean open = segment.equals(writerPath);
      try (InputStream raw = Files.newInputStream(segment)) {
        long start = cursorOffset < 0 ? 0 : cursorOffset;
        raw.skipNBytes(start);
        LineReader reader =
            new LineReader(
                new BufferedInputStream(raw, 1 << 16),
                start,
                maxRecord,
                open ? writerSize : Long.MAX_VALUE);
        LineReader.Line line;
        while (events.size() < max && (line = reader.next()) != null) {
          if (!line.complete()) {
            if (open || nextSegment == null) {
              return; // being written
            }
            break; // the end of an abandoned segment: a record whose write failed
          }
          if (cursorOffset < 0) {
            cursorOffset = reader.position(); // the header
            continue;
          }
          RecordCodec.Decoded decoded =
              line.bytes() == null ? null : RecordCodec.decode(line.bytes(), line.length());
          if (decoded == null) {
            quarantineRaw(
                segment,
                line,
                line.bytes() == null
                    ? "record longer than " + maxRecord + " bytes"
                    : "checksum mismatch");
            cursorOffset = reader.position();
            continue;
          }
          if (decoded.sequence() > durableSequence) {
            return; // not durable yet
          }
          if (nextSegment != null && decoded.sequence() >= nextSegment) {
            break; // superseded by the next segment (a rewrite after a failed fsync)
          }
          cursorOffset = reader.position();
          if (decoded.sequence() < expectedSequence
              || decoded.sequence() <= watermark
              || done.containsKey(decoded.sequence())) {
            continue;
          }
          if (decoded.sequence() > expectedSequence) {
            // Records between were unreadable and are quarantined: they are done.
            voidRange(
                expectedSequence,
                decoded.sequence() - 1,
                decoded.cumulativeBytes() - decoded.payload().length);
          }
          expectedSequence = decoded.sequence() + 1;
          StoredEvent event = new StoredEvent(decoded.sequence(), decoded.id(), decoded.payload());
          claimed.put(
              decoded.sequence(),
              new Entry(event, decoded.cumulativeBytes(), decoded.appendedAtMillis()));
          events.add(event);
        }
      }
      if (events.size() >= max) {
        return;
      }
      if (nextSegment == null) {
        return;
      }
      cursorSegment = nextSegment;
      cursorOffset = -1;
    }
  }

  @Override
  public synchronized void acknowledge(Claim claim) {
    CrashPoints.reached(CrashPoints.BEFORE_ACKNOWLEDGE);
    boolean any = false;
    for (StoredEvent event : claim.events()) {
      Entry entry = claimed.remove(event.sequence());
      if (entry == null) {
        entry = released.remove(event.sequence());
      }
      if (entry != null) {
        done.put(event.sequence(), entry.cumulative());
        doneSizes.put(event.sequence(), event.payload().length);
        doneBytes += event.payload().length;
        any = true;
      }
    }
    if (any) {
      advanceWatermark();
    } else if (positionDirty) {
      // A previous persist failed: the acknowledge is retried until the position is on disk.
      deleteAcknowledgedSegments();
      persistPosition();
    }
  }

  @Override
  public synchronized void release(Claim claim) {
    for (StoredEvent event : claim.events()) {
      Entry entry = claimed.remove(event.sequence());
      if (entry != null) {
        released.put(event.sequence(), entry);
      }
    }
  }

  @Override
  public synchronized void quarantine(Claim claim, String reason) {
    for (StoredEvent event : claim.events()) {
      if (claimed.containsKey(event.sequence())) {
        writeQuarantine(
            "event " + event.id() + " sequence " + event.sequence() + ": " + reason,
            event.payload(),
            event.payload().length);
      }
    }
    acknowledge(claim);
  }

  private void quarantineRaw(Path segment, LineReader.Line line, String reason) throws IOException {
    String where = segment.getFileName() + " offset " + line.offset();
    log.warn("Quarantining an unreadable audit record at {}: {}", where, reason);
    byte[] bytes = line.bytes() == null ? new byte[0] : line.bytes();
    writeQuarantine(where + ": " + reason, bytes, line.bytes() == null ? 0 : line.length());
  }

  private void writeQuarantine(String reason, byte[] bytes, int length) {
    Path file = directory.quarantine().resolve(String.format("%012d.rec", ++quarantineCounter));
    long limit = Math.max(1 << 20, maxTotalSize / 10);
    int kept = quarantinedBytes + length > limit ? 0 : length;
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
      ByteBuffer body = ByteBuffer.wrap(bytes, 0, kept);
      while (body.hasRemaining()) {
        channel.write(body);
      }
      if (policy != FsyncPolicy.NEVER) {
        disk.force(file, channel);
      }
    } catch (IOException e) {
      throw new BackingStoreException("file store cannot write quarantine " + file + ": " + e, e);
    }
    quarantinedEvents++;
    quarantinedBytes += kept;
    try {
      if (policy != FsyncPolicy.NEVER) {
        disk.syncDirectory(directory.quarantine());
      }
    } catch (IOException e) {
      throw new BackingStoreException("file store cannot sync quarantine " + file + ": " + e, e);
    }
  }

  private void advanceWatermark() {
    long before = watermark;
    while (!done.isEmpty() && done.firstKey() == watermark + 1) {
      Map.Entry<Long, Long> first = done.pollFirstEntry();
      watermark = first.getKey();
      cumulativeAtWatermark = first.getValue();
      Integer size = doneSizes.remove(watermark);
      doneBytes -= size == null ? 0 : size;
    }
    if (watermark != before) {
      positionDirty = true;
      try {
        persistPosition();
      } catch (BackingStoreException e) {
        // A full disk cannot take the position file: free the segments whose records are all
        // delivered first (safe before the position is on disk: recovery skips what is gone).
        deleteAcknowledgedSegments();
        persistPosition();
      }
      deleteAcknowledgedSegments();
    }
  }

  private void persistPosition() {
    Path position = directory.path().resolve("position");
    Path temporary = directory.path().resolve("position.tmp");
    try {
      try (FileChannel channel =
          disk.create(
              temporary,
              EnumSet.of(
                  StandardOpenOption.CREATE,
                  StandardOpenOption.WRITE,
                  StandardOpenOption.TRUNCATE_EXISTING))) {
        ByteBuffer buffer =
            ByteBuffer.wrap(
                (watermark + " " + cumulativeAtWatermark + "\n")
                    .getBytes(StandardCharsets.US_ASCII));
        while (buffer.hasRemaining()) {
          channel.write(buffer);
        }
        if (policy != FsyncPolicy.NEVER) {
          disk.force(temporary, channel);
        }
      }
      CrashPoints.reached(CrashPoints.BEFORE_POSITION_RENAME);
      disk.rename(temporary, position);
      if (policy != FsyncPolicy.NEVER) {
        disk.syncDirectory(directory.path());
      }
    } catch (IOException e) {
      throw new BackingStoreException(
          "file store cannot persist its position in " + directory.path() + ": " + e, e);
    }
  }

  private void deleteAcknowledgedSegments() {
    try {
      while (segments.size() > 1) {
        long first = segments.firstKey();
        Long second = segments.higherKey(first);
        if (second == null
            || second - 1 > watermark
            || segments.get(first).equals(writerPath)
            || cursorSegment == first) {
          return;
        }
        deleteSegment(first);
      }
    } catch (IOException e) {
      throw new BackingStoreException(
          "file store cannot delete an acknowledged segment in " + directory.path() + ": " + e, e);
    }
  }

  private void deleteSegment(long first) throws IOException {
    Path path = segments.remove(first);
    disk.delete(path);
    if (policy != FsyncPolicy.NEVER) {
      disk.syncDirectory(directory.segments());
    }
  }

  /** Without I/O: the counters only (stats() may read one line for the oldest age). */
  @Override
  public synchronized boolean isEmpty() {
    return writtenSequence - watermark - done.size() <= 0;
  }

  @Override
  public synchronized StoreStats stats() {
    long events = writtenSequence - watermark - done.size();
    long bytes = cumulative - cumulativeAtWatermark - doneBytes;
    Instant oldest = null;
    Map.Entry<Long, Entry> lowest = lowest();
    if (lowest != null) {
      oldest = Instant.ofEpochMilli(lowest.getValue().appendedAt());
    } else if (events > 0) {
      oldest = peekAppendedAt();
    }
    return new StoreStats(
        Math.max(0, events),
        Math.max(0, bytes),
        events > 0 ? oldest : null,
        quarantinedEvents,
        quarantinedBytes);
  }

  private Map.@Nullable Entry<Long, Entry> lowest() {
    Map.Entry<Long, Entry> a = claimed.firstEntry();
    Map.Entry<Long, Entry> b = released.firstEntry();
    if (a == null) {
      return b;
    }
    return b == null || a.getKey() < b.getKey() ? a : b;
  }

  /** The append time of the next unread record, read without moving the cursor. */
  private @Nullable Instant peekAppendedAt() {
    Path segment = segments.get(cursorSegment);
    if (segment == null) {
      return null;
    }
    try (InputStream raw = Files.newInputStream(segment)) {
      long start = cursorOffset < 0 ? 0 : cursorOffset;
      raw.skipNBytes(start);
      LineReader reader =
          new LineReader(
              new BufferedInputStream(raw, 1 << 16),
              start,
              maxRecord,
              segment.equals(writerPath) ? writerSize : Long.MAX_VALUE);
      LineReader.Line line;
      boolean header = cursorOffset < 0;
      while ((line = reader.next()) != null && line.complete()) {
        if (header) {
          header = false;
          continue;
        }
        RecordCodec.Decoded decoded =
            line.bytes() == null ? null : RecordCodec.decode(line.bytes(), line.length());
        if (decoded != null && decoded.sequence() >= expectedSequence) {
          return Instant.ofEpochMilli(decoded.appendedAtMillis());
        }
      }
    } catch (IOException e) {
      return null;
    }
    return null;
  }

  @Override
  public void close() {
    synchronized (this) {
      if (closed) {
        return;
      }
    }
    if (intervalSyncer != null) {
      intervalSyncer.interrupt();
    }
    if (policy != FsyncPolicy.NEVER && durableSequence < writtenSequence) {
      try {
        syncThrough(writtenSequence);
      } catch (BackingStoreException e) {
        log.error("Final fsync of audit file store {} failed", directory.path(), e);
      }
    }
    synchronized (this) {
      closed = true;
      closeQuietly(writer);
      directory.close();
    }
    synchronized (syncMonitor) {
      syncMonitor.notifyAll();
    }
  }

  private void checkOpen() {
    if (closed) {
      throw new BackingStoreException("file store " + directory.path() + " is closed");
    }
    if (writer == null) {
      // The last segment could not be opened (disk full, directory gone): try again now, so the
      // store recovers by itself once space or the directory is back.
      try {
        openNewSegment(nextSequence);
      } catch (IOException e) {
        writer = null;
        throw new BackingStoreException(
            "file store " + directory.path() + " cannot open a new segment: " + e, e);
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

  @Override
  public String toString() {
    return "FileBackingStore["
        + directory.path()
        + ", fsync="
        + policy.name().toLowerCase(java.util.Locale.ROOT)
        + "]";
  }
}
