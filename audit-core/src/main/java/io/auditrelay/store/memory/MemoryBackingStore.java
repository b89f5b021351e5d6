package io.auditrelay.store.memory;

import io.auditrelay.store.BackingStore;
import io.auditrelay.store.BackingStoreException;
import io.auditrelay.store.BackingStoreFullException;
import io.auditrelay.store.Claim;
import io.auditrelay.store.QuarantinedEvent;
import io.auditrelay.store.SerializedEvent;
import io.auditrelay.store.StoreStats;
import io.auditrelay.store.StoredEvent;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A bounded store in the heap. Not {@linkplain #durable() durable}: its content is lost when the
 * process ends, so the Auditor drains it at shutdown and counts what it could not deliver as lost.
 * Capacity covers waiting and quarantined events together, bounded both by count ({@code
 * maxEvents}) and by payload bytes ({@code maxBytes}), so a few large events cannot fill the heap.
 * Thread-safe (one lock).
 */
public final class MemoryBackingStore implements BackingStore {

  static final String TYPE = "memory";

  private record Entry(StoredEvent event, Instant appendedAt) {}

  private final int maxEvents;
  private final long maxBytes;
  private final Clock clock;
  private final TreeMap<Long, Entry> ready = new TreeMap<>();
  private final TreeMap<Long, Entry> claimed = new TreeMap<>();
  private final TreeMap<Long, QuarantinedEvent> quarantined = new TreeMap<>();
  private long nextSequence = 1;
  private long bytes;
  private long quarantinedBytes;
  private boolean closed;

  /**
   * Creates a store bounded by {@code maxEvents} and by {@link
   * MemoryBackingStoreFactory#DEFAULT_MAX_BYTES} payload bytes.
   *
   * @param maxEvents capacity, waiting and quarantined events together; positive
   * @param clock source of append times, used only for the oldest-age statistic
   */
  public MemoryBackingStore(int maxEvents, Clock clock) {
    this(maxEvents, MemoryBackingStoreFactory.DEFAULT_MAX_BYTES, clock);
  }

  /**
   * Creates a store.
   *
   * @param maxEvents capacity in events, waiting and quarantined together; positive
   * @param maxBytes capacity in payload bytes, waiting and quarantined together; positive
   * @param clock source of append times, used only for the oldest-age statistic
   */
  public MemoryBackingStore(int maxEvents, long maxBytes, Clock clock) {
    if (maxEvents < 1) {
      throw new IllegalArgumentException("max_events must be positive, not " + maxEvents);
    }
    if (maxBytes < 1) {
      throw new IllegalArgumentException("max_bytes must be positive, not " + maxBytes);
    }
    this.maxEvents = maxEvents;
    this.maxBytes = maxBytes;
    this.clock = clock;
  }

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
    return false;
  }

  @Override
  public synchronized void append(List<SerializedEvent> batch) {
    checkOpen();
    long held = (long) ready.size() + claimed.size() + quarantined.size();
    if (held + batch.size() > maxEvents) {
      throw new BackingStoreFullException(
          "memory store is full: "
              + held
              + " of max_events="
              + maxEvents
              + " held, "
              + batch.size()
              + " more do not fit");
    }
    long batchBytes = 0;
    for (SerializedEvent event : batch) {
      batchBytes += event.payload().length;
    }
    if (bytes + quarantinedBytes + batchBytes > maxBytes) {
      throw new BackingStoreFullException(
          "memory store is full: "
              + (bytes + quarantinedBytes)
              + " of max_bytes="
              + maxBytes
              + " bytes held, "
              + batchBytes
              + " more do not fit");
    }
    Instant now = clock.instant();
    for (SerializedEvent event : batch) {
      long sequence = nextSequence++;
      ready.put(sequence, new Entry(new StoredEvent(sequence, event), now));
      bytes += event.payload().length;
    }
  }

  @Override
  public synchronized Claim claim(int max) {
    if (max < 1) {
      throw new IllegalArgumentException("max must be positive, not " + max);
    }
    checkOpen();
    List<StoredEvent> events = new ArrayList<>(Math.min(max, ready.size()));
    while (events.size() < max && !ready.isEmpty()) {
      Map.Entry<Long, Entry> head = ready.pollFirstEntry();
      claimed.put(head.getKey(), head.getValue());
      events.add(head.getValue().event());
    }
    return events.isEmpty() ? Claim.empty() : new Claim(events);
  }

  @Override
  public synchronized void acknowledge(Claim claim) {
    for (StoredEvent event : claim.events()) {
      Entry removed = claimed.remove(event.sequence());
      if (removed == null) {
        removed = ready.remove(event.sequence());
      }
      if (removed != null) {
        bytes -= removed.event().payload().length;
      }
    }
  }

  @Override
  public synchronized void release(Claim claim) {
    for (StoredEvent event : claim.events()) {
      Entry entry = claimed.remove(event.sequence());
      if (entry != null) {
        ready.put(event.sequence(), entry);
      }
    }
  }

  /** Counts the refusal with the event, in memory like everything else here. */
  @Override
  public synchronized void reject(Claim claim, String reason) {
    for (StoredEvent event : claim.events()) {
      Entry entry = claimed.remove(event.sequence());
      if (entry != null) {
        StoredEvent counted =
            new StoredEvent(
                event.sequence(), entry.event().event(), entry.event().rejections() + 1);
        ready.put(event.sequence(), new Entry(counted, entry.appendedAt()));
      }
    }
  }

  @Override
  public synchronized void quarantine(Claim claim, String reason) {
    Instant now = clock.instant();
    for (StoredEvent event : claim.events()) {
      Entry entry = claimed.remove(event.sequence());
      if (entry != null) {
        bytes -= entry.event().payload().length;
        quarantined.put(
            event.sequence(),
            new QuarantinedEvent(event.sequence(), event.id(), reason, now, event.payload()));
        quarantinedBytes += entry.event().payload().length;
      }
    }
  }

  @Override
  public synchronized List<QuarantinedEvent> quarantined(long after, int limit) {
    if (limit < 1) {
      throw new IllegalArgumentException("limit must be positive, not " + limit);
    }
    return quarantined.tailMap(after, false).values().stream().limit(limit).toList();
  }

  /** Appends the event again under a new sequence: behind what waits now. */
  @Override
  public synchronized boolean requeue(long key) {
    checkOpen();
    QuarantinedEvent entry = quarantined.get(key);
    if (entry == null) {
      return false;
    }
    quarantined.remove(key);
    quarantinedBytes -= entry.payload().length;
    long sequence = nextSequence++;
    ready.put(
        sequence,
        new Entry(
            new StoredEvent(sequence, new SerializedEvent(entry.id(), entry.payload())),
            clock.instant()));
    bytes += entry.payload().length;
    return true;
  }

  @Override
  public synchronized boolean deleteQuarantined(long key, String reason) {
    QuarantinedEvent entry = quarantined.remove(key);
    if (entry == null) {
      return false;
    }
    quarantinedBytes -= entry.payload().length;
    return true;
  }

  @Override
  public Optional<EventLimit> largestEvent() {
    return Optional.of(new EventLimit(maxBytes, "max_bytes"));
  }

  @Override
  public synchronized StoreStats stats() {
    Instant oldest = null;
    Map.Entry<Long, Entry> firstReady = ready.firstEntry();
    Map.Entry<Long, Entry> firstClaimed = claimed.firstEntry();
    if (firstReady != null
        && (firstClaimed == null || firstReady.getKey() < firstClaimed.getKey())) {
      oldest = firstReady.getValue().appendedAt();
    } else if (firstClaimed != null) {
      oldest = firstClaimed.getValue().appendedAt();
    }
    return new StoreStats(
        (long) ready.size() + claimed.size(), bytes, oldest, quarantined.size(), quarantinedBytes);
  }

  @Override
  public synchronized void close() {
    closed = true;
  }

  private void checkOpen() {
    if (closed) {
      throw new BackingStoreException("memory store is closed");
    }
  }

  @Override
  public String toString() {
    return "MemoryBackingStore[max_events=" + maxEvents + ", max_bytes=" + maxBytes + "]";
  }
}
