package io.auditrelay.store.file;

import io.auditrelay.store.BackingStore;
import io.auditrelay.store.BackingStoreException;
import io.auditrelay.store.BackingStoreFullException;
import io.auditrelay.store.Claim;
import io.auditrelay.store.QuarantinedEvent;
import io.auditrelay.store.SerializedEvent;
import io.auditrelay.store.StoreObserver;
import io.auditrelay.store.StoreStats;
import io.auditrelay.store.StoredEvent;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
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
 * <p>A façade over parts with one concern each: {@link Recovery} (the starting state), {@link
 * SegmentWriter} (the end of the log, rotation, preallocation), {@link GroupCommit} (when to sync),
 * {@link SegmentScanner} (reading a segment, for recovery, drain and peek), {@link ReadCursor} (the
 * drain's position), {@link AcknowledgedPosition} (the watermark and its file) and {@link
 * Quarantine}.
 *
 * <p>Thread-safe. Every part but the group commit is guarded by this object's monitor, as are the
 * claim maps and {@code closed}; the group commit has a monitor of its own, always taken before
 * this one. The writer's durable sequence is volatile (written under this monitor, read by fsync
 * waiters). One store per directory: the directory is locked.
 */
public final class FileBackingStore implements BackingStore {

  private static final Logger log = LoggerFactory.getLogger(FileBackingStore.class);
  private static final String TYPE = "file";

  /** Bytes a record takes beyond its payload, for capacity: checksum, numbers, id, separators. */
  static final int RECORD_OVERHEAD = 100;

  /** A record claimed or released: the event, the cumulative bytes through it, when appended. */
  private record Entry(StoredEvent event, long cumulative, long appendedAt) {}

  private final StoreDirectory directory;
  private final FileStoreSettings settings;
  private final Clock clock;
  private final Disk disk;
  private final CrashPoints crashPoints;
  private final Segments segments;
  private final AcknowledgedPosition position;
  private final Quarantine quarantine;
  private final Rejections rejections;
  private final SegmentWriter writer;
  private final ReadCursor cursor;
  private final GroupCommit commit;

  // Guarded by this.
  private final TreeMap<Long, Entry> released = new TreeMap<>();
  private final TreeMap<Long, Entry> claimed = new TreeMap<>();
  private boolean closed;
  private long tailCut;

  /** Ranges voided after a failed write or rewrite, first to last: appends in them failed. */
  private final TreeMap<Long, Long> writerVoids = new TreeMap<>();

  private volatile StoreObserver observer = StoreObserver.NONE;

  /**
   * Opens (creating if needed) the store that {@code settings} describe. {@code disk} and {@code
   * crashPoints} are seams: the factory gives {@link Disk#REAL} and {@link CrashPoints#NONE}; tests
   * give a disk that fails or loses power, and points that halt the JVM.
   */
  FileBackingStore(FileStoreSettings settings, Clock clock, Disk disk, CrashPoints crashPoints) {
    this.directory = StoreDirectory.open(settings.directory());
    this.settings = settings;
    this.clock = clock;
    this.disk = settings.fsync() == FsyncPolicy.NEVER ? disk.withoutSync() : disk;
    this.crashPoints = crashPoints;
    int maxRecord =
        (int) Math.min(Integer.MAX_VALUE - 16, Math.max(settings.maxFileSize(), 1 << 20));
    try {
      Recovery.Recovered recovered =
          Recovery.open(directory, this.disk, crashPoints, maxRecord, settings.maxFileSize());
      segments = recovered.segments();
      position = recovered.position();
      quarantine = Quarantine.open(directory.quarantine(), this.disk, settings.maxTotalSize());
      rejections = Rejections.open(directory.path(), this.disk, position.watermark());
      writer =
          new SegmentWriter(
              segments,
              this.disk,
              crashPoints,
              settings.maxFileSize(),
              settings.preallocate(),
              recovered.lastSequence(),
              recovered.cumulative());
      tailCut = recovered.tailCut();
      cursor =
          new ReadCursor(
              segments,
              writer,
              position,
              quarantine,
              new Findings(),
              maxRecord,
              directory.path().toString());
      writer.voidedBefore(recovered.voidFrom());
      writer.open(writer.nextSequence());
    } catch (IOException | RuntimeException e) {
      directory.close();
      throw e instanceof BackingStoreException b
          ? b
          : new BackingStoreException(
              "cannot open file store " + settings.directory() + ": " + e, e);
    }
    commit = new GroupCommit(settings.fsync(), settings.fsyncIntervalMillis(), new Synced());
  }

  @Override
  public String type() {
    return TYPE;
  }

  @Override
  public void observe(StoreObserver observer) {
    this.observer = observer;
    synchronized (this) {
      if (tailCut > 0 && observer != StoreObserver.NONE) {
        observer.tailCut(tailCut); // found when the store opened, before anyone observed it
        tailCut = 0;
      }
    }
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

  /** A record takes its payload and its framing out of {@code max_total_size}. */
  @Override
  public Optional<EventLimit> largestEvent() {
    return Optional.of(
        new EventLimit(Math.max(0, settings.maxTotalSize() - RECORD_OVERHEAD), "max_total_size"));
  }

  // ---------------------------------------------------------------- writing

  @Override
  public void append(List<SerializedEvent> batch) {
    long total = framedSize(batch);
    long first;
    long last;
    synchronized (this) {
      checkOpen();
      // Capacity counts what waits (records and their framing), so acknowledging frees room at
      // once; acknowledged records still on disk wait for their segment's deletion (one at most).
      long waiting =
          position.waitingBytes(writer.cumulative())
              + RECORD_OVERHEAD * position.waitingEvents(writer.writtenSequence());
      if (waiting + total > settings.maxTotalSize()) {
        throw new BackingStoreFullException(
            "file store "
                + directory.path()
                + " is full: "
                + waiting
                + " of max_total_size="
                + settings.maxTotalSize()
                + " bytes wait for delivery, "
                + total
                + " more do not fit");
      }
      first = writer.nextSequence();
      long cumulativeBefore = writer.cumulative();
      try {
        writer.write(batch, clock.millis());
      } catch (IOException e) {
        // Never leave the next record glued to a half-written one: void the batch, move on. The
        // appends before it that are not durable yet are in this segment: force it for them, or
        // they fail too.
        long voidFrom = first;
        long voidBefore = cumulativeBefore;
        if (writer.firstUnsynced() < first) {
          try {
            FileChannel channel = writer.channel();
            if (channel == null) {
              throw new IOException("no segment open");
            }
            disk.force(writer.path(), channel);
          } catch (IOException | RuntimeException again) {
            voidFrom = writer.firstUnsynced();
            voidBefore = writer.cumulativeBeforeUnsynced();
          }
        }
        voidFailed(voidFrom, writer.nextSequence() - 1, voidBefore);
        abandonSegment("write failed: " + e, voidFrom);
        throw new BackingStoreException(
            "file store write failed in " + directory.path() + ": " + e, e);
      }
      last = writer.writtenSequence();
      if (commit.durableOnWrite()) {
        writer.markDurable(last);
        return;
      }
    }
    crashPoints.reached(CrashPoints.Point.AFTER_WRITE_BEFORE_FSYNC);
    commit.awaitDurable(last);
    synchronized (this) {
      if (voidedByWriter(first, last)) {
        throw new BackingStoreException(
            "file store "
                + directory.path()
                + ": the records were not made durable (a write, or an fsync and the rewrite after"
                + " it, failed); the append failed");
      }
    }
    crashPoints.reached(CrashPoints.Point.AFTER_FSYNC_BEFORE_RETURN);
  }

  /**
   * Voids {@code [from, to]} after a failed write or rewrite: their appends fail, also those that
   * wait for the group commit (they wake, since nothing is left to wait for, and find their records
   * here).
   */
  private void voidFailed(long from, long to, long cumulativeBefore) {
    if (from > to) {
      return;
    }
    voidRange(from, to, cumulativeBefore);
    writerVoids.put(from, to);
    writer.dropUnsynced();
    writer.markDurable(to);
  }

  /** Whether the writer voided any of {@code [from, to]}. */
  private boolean voidedByWriter(long from, long to) {
    Map.Entry<Long, Long> range = writerVoids.floorEntry(to);
    return range != null && range.getValue() >= from;
  }

  /** The bytes {@code batch} takes, framing included; refuses a payload with a line break. */
  private static long framedSize(List<SerializedEvent> batch) {
    long total = 0;
    for (SerializedEvent event : batch) {
      if (LineBreaks.in(event.payload())) {
        throw new IllegalArgumentException(
            "file store payloads must be one line: event " + event.id() + " contains a line break");
      }
      total += RECORD_OVERHEAD + event.payload().length;
    }
    return total;
  }

  /** What the group commit forces: the writer's segment, outside this monitor. */
  private final class Synced implements GroupCommit.Log {

    @Override
    public long durableSequence() {
      return writer.durableSequence();
    }

    @Override
    public long writtenSequence() {
      synchronized (FileBackingStore.this) {
        return writer.writtenSequence();
      }
    }

    @Override
    public long syncOnce() {
      while (true) {
        FileChannel channel;
        long target;
        Path path;
        synchronized (FileBackingStore.this) {
          channel = writer.channel();
          target = writer.writtenSequence();
          path = writer.path();
        }
        if (channel == null || path == null) {
          throw new BackingStoreException(
              "file store " + directory.path() + " has no usable segment");
        }
        try {
          disk.force(path, channel);
          // On Linux a deleted directory keeps its open files writable: the data would vanish
          // with them.
          if (!Files.exists(path)) {
            throw new IOException("segment file is gone (store directory deleted?)");
          }
          synchronized (FileBackingStore.this) {
            writer.markDurable(target);
          }
          return target;
        } catch (java.nio.channels.ClosedChannelException e) {
          synchronized (FileBackingStore.this) {
            if (writer.channel() != channel && writer.channel() != null) {
              continue; // a rotation closed it, after forcing it: force the new segment
            }
            long attempted = writer.writtenSequence();
            rewriteAfterFailedSync(e);
            return attempted;
          }
        } catch (IOException e) {
          synchronized (FileBackingStore.this) {
            long attempted = writer.writtenSequence();
            rewriteAfterFailedSync(e);
            return attempted;
          }
        }
      }
    }

    @Override
    public String name() {
      return directory.path().toString();
    }
  }

  /**
   * The segment cannot be trusted: rewrite what was not durable into a fresh one, and sync that.
   */
  private void rewriteAfterFailedSync(IOException cause) {
    log.error(
        "fsync failed in audit file store {}; abandoning segment {} and rewriting {} records",
        directory.path(),
        writer.path(),
        writer.unsyncedCount(),
        cause);
    long first = writer.firstUnsynced();
    long before = writer.cumulativeBeforeUnsynced();
    try {
      writer.rewriteUnsynced();
    } catch (IOException again) {
      log.error(
          "rewriting after a failed fsync failed too in {}; the records are not durable",
          directory.path(),
          again);
      voidFailed(first, writer.writtenSequence(), before);
      abandonSegment("rewrite failed: " + again, first);
    }
  }

  /** What the drain's cursor finds, recorded in the position and counted by the observer. */
  private final class Findings implements ReadCursor.Findings {

    @Override
    public void voidRange(long from, long to, long cumulativeBefore) {
      FileBackingStore.this.voidRange(from, to, cumulativeBefore);
    }

    @Override
    public void quarantined(long events) {
      observer.quarantined("corrupt", events);
    }

    @Override
    public void missing(long from, long to, long events) {
      observer.lost(events);
    }
  }

  /** Records in [from, to] will never be delivered from this run: the caller appends them again. */
  private void voidRange(long from, long to, long cumulativeBefore) {
    position.markVoid(from, to, cumulativeBefore);
    try {
      advanceWatermark();
    } catch (BackingStoreException e) {
      log.warn(
          "Audit file store {}: position not persisted yet: {}", directory.path(), e.getMessage());
    }
  }

  private void abandonSegment(String why, long voidFrom) {
    try {
      writer.abandon(why, voidFrom);
    } catch (IOException e) {
      throw new BackingStoreException(
          "file store " + directory.path() + " cannot open a new segment: " + e, e);
    }
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
      List<RecordCodec.Decoded> read = new ArrayList<>(Math.min(max - events.size(), 1024));
      try {
        cursor.readInto(read, max - events.size());
      } catch (IOException e) {
        throw new BackingStoreException(
            "file store read failed in " + directory.path() + ": " + e, e);
      } finally {
        for (RecordCodec.Decoded record : read) {
          StoredEvent event =
              new StoredEvent(
                  record.sequence(),
                  new SerializedEvent(record.id(), record.payload()),
                  rejections.of(record.sequence()));
          claimed.put(
              record.sequence(),
              new Entry(event, record.cumulativeBytes(), record.appendedAtMillis()));
          events.add(event);
        }
      }
    }
    return events.isEmpty() ? Claim.empty() : new Claim(events);
  }

  @Override
  public synchronized void acknowledge(Claim claim) {
    crashPoints.reached(CrashPoints.Point.BEFORE_ACKNOWLEDGE);
    boolean any = false;
    for (StoredEvent event : claim.events()) {
      Entry entry = claimed.remove(event.sequence());
      if (entry == null) {
        entry = released.remove(event.sequence());
      }
      if (entry != null) {
        position.markDone(event.sequence(), entry.cumulative(), event.payload().length);
        rejections.forget(event.sequence());
        any = true;
      }
    }
    if (any) {
      advanceWatermark();
    } else if (position.dirty()) {
      // A previous persist failed: the acknowledge is retried until the position is on disk.
      deleteAcknowledgedSegments();
      position.persist();
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

  /** Counts the refusal in the {@code rejections} file before the events return to the head. */
  @Override
  public synchronized void reject(Claim claim, String reason) {
    List<Long> counted = new ArrayList<>();
    for (StoredEvent event : claim.events()) {
      if (claimed.containsKey(event.sequence())) {
        counted.add(event.sequence());
      }
    }
    rejections.count(counted);
    for (long sequence : counted) {
      Entry entry = claimed.remove(sequence);
      StoredEvent event = entry.event();
      released.put(
          sequence,
          new Entry(
              new StoredEvent(sequence, event.event(), rejections.of(sequence)),
              entry.cumulative(),
              entry.appendedAt()));
    }
  }

  @Override
  public synchronized List<QuarantinedEvent> quarantined(long after, int limit) {
    if (limit < 1) {
      throw new IllegalArgumentException("limit must be positive, not " + limit);
    }
    return quarantine.list(after, limit);
  }

  /**
   * Appends the event again (a new sequence, behind what waits), then deletes its quarantine file:
   * a crash in between leaves it in both, to be delivered twice at worst, never lost.
   */
  @Override
  public boolean requeue(long key) {
    QuarantinedEvent entry;
    synchronized (this) {
      checkOpen();
      entry = quarantine.read(key);
    }
    if (entry == null) {
      return false;
    }
    if (!entry.requeueable()) {
      throw new BackingStoreException(
          "quarantine entry "
              + key
              + " of file store "
              + directory.path()
              + " is not a whole event ("
              + entry.reason()
              + "); it can only be dumped or deleted");
    }
    append(List.of(new SerializedEvent(entry.id(), entry.payload())));
    synchronized (this) {
      quarantine.remove(key); // false only when another caller requeued it meanwhile
    }
    return true;
  }

  @Override
  public synchronized boolean deleteQuarantined(long key, String reason) {
    QuarantinedEvent entry = quarantine.read(key);
    if (entry == null || !quarantine.remove(key)) {
      return false;
    }
    log.warn(
        "Deleted quarantine entry {} (event {}) of audit file store {}: {}",
        key,
        entry.id(),
        directory.path(),
        reason);
    return true;
  }

  @Override
  public synchronized void quarantine(Claim claim, String reason) {
    for (StoredEvent event : claim.events()) {
      if (claimed.containsKey(event.sequence())) {
        quarantine.add(
            "event " + event.id() + " sequence " + event.sequence() + ": " + reason,
            event.payload(),
            event.payload().length);
      }
    }
    acknowledge(claim);
  }

  private void advanceWatermark() {
    if (position.advance()) {
      try {
        position.persist();
      } catch (BackingStoreException e) {
        // A full disk cannot take the position file: free the segments whose records are all
        // delivered first (safe before the position is on disk: recovery skips what is gone).
        deleteAcknowledgedSegments();
        position.persist();
      }
      deleteAcknowledgedSegments();
    }
  }

  private void deleteAcknowledgedSegments() {
    try {
      segments.deleteAcknowledged(position.watermark(), writer.path(), cursor.segment());
    } catch (IOException e) {
      throw new BackingStoreException(
          "file store cannot delete an acknowledged segment in " + directory.path() + ": " + e, e);
    }
  }

  // ---------------------------------------------------------------- stats and lifecycle

  /** Without I/O: the counters only (stats() may read one line for the oldest age). */
  @Override
  public synchronized boolean isEmpty() {
    return position.waitingEvents(writer.writtenSequence()) <= 0;
  }

  @Override
  public synchronized StoreStats stats() {
    long events = position.waitingEvents(writer.writtenSequence());
    long bytes = position.waitingBytes(writer.cumulative());
    Instant oldest = null;
    Entry lowest = lowest();
    if (lowest != null) {
      oldest = Instant.ofEpochMilli(lowest.appendedAt());
    } else if (events > 0) {
      oldest = cursor.peekAppendedAt();
    }
    return new StoreStats(
        Math.max(0, events),
        Math.max(0, bytes),
        events > 0 ? oldest : null,
        quarantine.events(),
        quarantine.bytes());
  }

  private @Nullable Entry lowest() {
    Map.Entry<Long, Entry> a = claimed.firstEntry();
    Map.Entry<Long, Entry> b = released.firstEntry();
    if (a == null) {
      return b == null ? null : b.getValue();
    }
    return b == null || a.getKey() < b.getKey() ? a.getValue() : b.getValue();
  }

  @Override
  public void close() {
    synchronized (this) {
      if (closed) {
        return;
      }
    }
    commit.close();
    synchronized (this) {
      closed = true;
      writer.close();
      directory.close();
    }
  }

  private void checkOpen() {
    if (closed) {
      throw new BackingStoreException("file store " + directory.path() + " is closed");
    }
    // The last segment could not be opened (disk full, directory gone): try again now, so the
    // store recovers by itself once space or the directory is back.
    try {
      writer.ensureOpen();
    } catch (IOException e) {
      throw new BackingStoreException(
          "file store " + directory.path() + " cannot open a new segment: " + e, e);
    }
  }

  @Override
  public String toString() {
    return "FileBackingStore["
        + directory.path()
        + ", fsync="
        + settings.fsync().name().toLowerCase(Locale.ROOT)
        + "]";
  }
}
