package io.auditrelay.store;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Events taken from a store by {@link BackingStore#claim(int)}, in sequence order. While claimed,
 * they are not returned by another claim; they leave the store only through {@link
 * BackingStore#acknowledge} or {@link BackingStore#quarantine}, and go back to the head through
 * {@link BackingStore#release}.
 *
 * <p>A claim may be split with {@link #subset} to acknowledge the delivered part and release the
 * rest. Immutable.
 */
public final class Claim {

  private static final Claim EMPTY = new Claim(List.of());

  private final List<StoredEvent> events;

  /** Creates a claim; for store implementations. */
  public Claim(List<StoredEvent> events) {
    this.events = List.copyOf(events);
  }

  /** The claim of nothing. */
  public static Claim empty() {
    return EMPTY;
  }

  /** The claimed events, oldest first. */
  public List<StoredEvent> events() {
    return events;
  }

  public boolean isEmpty() {
    return events.isEmpty();
  }

  public int size() {
    return events.size();
  }

  /** The part of this claim whose sequences are in {@code sequences}, in order. */
  public Claim subset(Collection<Long> sequences) {
    Set<Long> wanted = new HashSet<>(sequences);
    List<StoredEvent> part = new ArrayList<>();
    for (StoredEvent event : events) {
      if (wanted.contains(event.sequence())) {
        part.add(event);
      }
    }
    return part.isEmpty() ? EMPTY : new Claim(part);
  }

  /** Whether the event of store sequence {@code sequence} is part of this claim. */
  public boolean contains(long sequence) {
    for (StoredEvent event : events) {
      if (event.sequence() == sequence) {
        return true;
      }
    }
    return false;
  }

  /**
   * This claim with its events replaced by those of {@code replacements} that have the same
   * sequence (new payloads of the same events), in order.
   */
  public Claim with(Collection<StoredEvent> replacements) {
    java.util.Map<Long, StoredEvent> bySequence = new java.util.HashMap<>();
    replacements.forEach(e -> bySequence.put(e.sequence(), e));
    List<StoredEvent> replaced = new ArrayList<>(events.size());
    for (StoredEvent event : events) {
      replaced.add(bySequence.getOrDefault(event.sequence(), event));
    }
    return new Claim(replaced);
  }

  @Override
  public String toString() {
    return "Claim[" + events.size() + " events]";
  }
}
