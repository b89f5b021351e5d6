package io.auditrelay.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import io.auditrelay.cadf.CadfEvent;
import io.auditrelay.cadf.CadfJson;
import io.auditrelay.integrity.Checkpoint;
import io.auditrelay.testsupport.QueueReader.Delivered;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What arrived on a queue, checked against the promise: every event accepted is delivered at least
 * once, every copy carries the bytes first serialized, each producer's events arrive in the order
 * it recorded them, and nothing arrives that was never recorded.
 *
 * @param firstDeliveries events by message id, in the order of their first delivery
 * @param messages messages read, duplicates included
 */
public record Deliveries(Map<String, CadfEvent> firstDeliveries, int messages) {

  /**
   * Reads {@code delivered}; asserts that the copies of one message id are byte-identical and that
   * the message id is the CADF id.
   */
  public static Deliveries of(List<Delivered> delivered) {
    Map<String, byte[]> bytes = new HashMap<>();
    Map<String, CadfEvent> first = new LinkedHashMap<>();
    for (Delivered d : delivered) {
      byte[] previous = bytes.putIfAbsent(d.messageId(), d.body());
      if (previous != null) {
        assertThat(d.body())
            .as("copy of %s has the first bytes", d.messageId())
            .isEqualTo(previous);
        continue;
      }
      CadfEvent event = CadfJson.read(d.body());
      if (event.attachments() != null
          && event.attachments().stream().anyMatch(a -> Checkpoint.TYPE_URI.equals(a.typeURI()))) {
        continue; // an integrity stream's start, checkpoint or end: no producer's event
      }
      assertThat(d.messageId()).as("message id is the CADF id").isEqualTo(event.id());
      first.put(d.messageId(), event);
    }
    return new Deliveries(first, delivered.size());
  }

  /** Asserts that each producer's events (of {@link TestEvents}) first arrived in its order. */
  public Deliveries inProducerOrder() {
    Map<String, Integer> last = new HashMap<>();
    for (CadfEvent event : firstDeliveries.values()) {
      String producer = TestEvents.producer(event);
      int n = TestEvents.n(event);
      Integer before = last.put(producer, n);
      assertThat(before == null || n > before)
          .as("producer %s: %d arrived after %d", producer, n, before)
          .isTrue();
    }
    return this;
  }

  /** The message ids in the order of their first delivery. */
  public List<String> ids() {
    return List.copyOf(firstDeliveries.keySet());
  }

  /** The keys ({@link TestEvents#key}) of the events delivered. */
  public Set<String> keys() {
    Set<String> keys = new HashSet<>();
    firstDeliveries.values().forEach(e -> keys.add(TestEvents.key(e)));
    return keys;
  }

  /** Second and later copies. */
  public int duplicates() {
    return messages - firstDeliveries.size();
  }

  /** Asserts that every key of {@code accepted} was delivered; {@code context} names the run. */
  public Deliveries containsAll(Collection<String> accepted, String context) {
    Set<String> missing = new HashSet<>(accepted);
    missing.removeAll(keys());
    assertThat(missing).as("accepted but never delivered (%s)", context).isEmpty();
    return this;
  }

  /** Asserts that nothing was delivered outside {@code recorded}: no foreign or undone event. */
  public Deliveries onlyFrom(Collection<String> recorded, String context) {
    Set<String> foreign = new HashSet<>(keys());
    foreign.removeAll(recorded);
    assertThat(foreign).as("delivered but never recorded or rolled back (%s)", context).isEmpty();
    return this;
  }
}
