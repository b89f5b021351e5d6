package io.auditrelay.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import io.auditrelay.core.AuditOverflowException;
import io.auditrelay.core.AuditWithdrawnException;
import io.auditrelay.core.Auditor;
import io.auditrelay.core.Durability;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;

/**
 * Many threads following the compliance pattern at once: each records with {@code recordDurably}
 * and a short timeout, and notes whether its event was kept (durable, or in flight) or withdrawn.
 * The test then checks that every kept event is delivered and no withdrawn one ever is.
 */
public final class WithdrawingFlood {

  /** What the callers were told: the keys kept, the keys withdrawn, the calls refused. */
  public record Outcome(Set<String> kept, Set<String> withdrawn, int refused) {}

  private WithdrawingFlood() {}

  /**
   * 64 threads record while the broker is down (through {@code proxy}), then after it is back.
   * Asserts: with a store too small for the load some events are withdrawn and some kept; delivery
   * is not wedged (the Auditor reports the broker up and the store not full soon after the broker
   * returns); every kept event is delivered; no withdrawn event ever is.
   */
  public static void brokerDownThenUp(Auditor auditor, TcpProxy proxy, QueueReader reader)
      throws InterruptedException {
    proxy.cut();
    Outcome down = run(auditor, "down", 64, 10, Duration.ofMillis(300));
    proxy.restore();
    Awaitility.await("delivery resumes: broker up, store not full, nothing wedged")
        .atMost(Duration.ofSeconds(20))
        .until(
            () -> {
              var state = auditor.state().orElseThrow();
              return state.brokerConnected()
                  && !state.storeFull()
                  && state.deliveryProblem() == null;
            });
    Outcome up = run(auditor, "up", 64, 10, Duration.ofSeconds(20));

    assertThat(down.withdrawn()).as("the store was too small: callers gave up").isNotEmpty();
    assertThat(down.kept()).as("the store took what it could").isNotEmpty();
    assertThat(up.withdrawn()).as("nothing withdrawn once the broker is back").isEmpty();
    Set<String> kept = new HashSet<>(down.kept());
    kept.addAll(up.kept());
    Set<String> withdrawn = new HashSet<>(down.withdrawn());
    Awaitility.await("every kept event delivered")
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(100))
        .until(() -> Deliveries.of(reader.poll()).keys().containsAll(kept));
    Set<String> delivered = Deliveries.of(reader.poll()).keys();
    delivered.retainAll(withdrawn);
    assertThat(delivered).as("withdrawn events that were delivered anyway").isEmpty();
    System.out.printf(
        "[audit-it] withdrawing flood: %d kept, %d withdrawn, %d refused while down; %d kept after%n",
        down.kept().size(), down.withdrawn().size(), down.refused(), up.kept().size());
  }

  /**
   * {@code threads} threads record {@code perThread} events each, as producers {@code
   * <phase>-<thread>}, waiting at most {@code timeout} for each.
   */
  public static Outcome run(
      Auditor auditor, String phase, int threads, int perThread, Duration timeout)
      throws InterruptedException {
    Set<String> kept = ConcurrentHashMap.newKeySet();
    Set<String> withdrawn = ConcurrentHashMap.newKeySet();
    AtomicInteger refused = new AtomicInteger();
    List<Throwable> failures = new ArrayList<>();
    CountDownLatch done = new CountDownLatch(threads);
    for (int t = 0; t < threads; t++) {
      String producer = phase + "-" + t;
      Thread thread =
          new Thread(
              () -> {
                try {
                  for (int n = 0; n < perThread; n++) {
                    String key = TestEvents.key(producer, n);
                    try {
                      Durability durability =
                          auditor.recordDurably(TestEvents.event(producer, n), timeout);
                      if (durability == Durability.IN_TRANSACTION) {
                        throw new AssertionError("no transaction here");
                      }
                      kept.add(key);
                    } catch (AuditWithdrawnException e) {
                      withdrawn.add(key);
                    } catch (AuditOverflowException e) {
                      refused.incrementAndGet();
                    }
                  }
                } catch (Throwable e) {
                  synchronized (failures) {
                    failures.add(e);
                  }
                } finally {
                  done.countDown();
                }
              },
              "flood-" + producer);
      thread.start();
    }
    done.await();
    if (!failures.isEmpty()) {
      AssertionError error = new AssertionError("a flood thread failed");
      failures.forEach(error::addSuppressed);
      throw error;
    }
    return new Outcome(Set.copyOf(kept), Set.copyOf(withdrawn), refused.get());
  }
}
