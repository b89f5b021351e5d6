package io.auditrelay.core;

import io.auditrelay.core.PublishResult.Status;
import io.auditrelay.store.BackingStore;
import io.auditrelay.store.BackingStoreFullException;
import io.auditrelay.store.Claim;
import io.auditrelay.store.SerializedEvent;
import io.auditrelay.store.StoredEvent;
import io.micrometer.core.instrument.Timer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one delivery thread of an Auditor. It takes accepted events from the hand-off queue and
 * publishes or stores them, and drains the store while the broker is reachable.
 *
 * <p>Invariants: an event leaves {@link #held} only when it is durable (confirmed or appended);
 * while the store holds a backlog, live events are appended behind it (buffer-on-failure) so none
 * overtakes a buffered one; the hand-off queue is not read while {@link #held} is not empty, so a
 * full or failing store turns into back-pressure on {@code record()}, never into a drop.
 *
 * <p>Live batches are pipelined: up to {@value #WINDOW_BATCHES} publish batches' worth of events
 * are in flight while more are sent, and batches are settled in the order they were sent. Before
 * anything is appended to the store or drained from it, every batch in flight is settled, so the
 * events of a failed batch reach the store ahead of everything recorded after them. The publisher
 * fails every later batch on the channel of a failed one (see {@link Publisher}).
 */
final class DeliveryLoop implements Runnable {

  private static final Logger log = LoggerFactory.getLogger(DeliveryLoop.class);
  private static final long IDLE_WAIT_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

  /** The confirm window: at most this many publish batches of events in flight, live or drained. */
  static final int WINDOW_BATCHES = 10;

  /**
   * Drained claims in flight at most, for stores whose claims stay valid ({@link
   * BackingStore#claimsStayValid()}): the next is sent while the older one's confirms arrive, so
   * the broker does not idle while the store acknowledges and reads. Other stores: one.
   */
  static final int DRAIN_CLAIMS = 2;

  private final BlockingQueue<Pending> handoff;
  private final Publisher publisher;
  private final BackingStore store;
  private final DeliveryMode mode;
  private final int batchSize;

  /** Events in flight at most: {@link #WINDOW_BATCHES} publish batches. */
  private final int window;

  /** Drained claims in flight at most: {@link #DRAIN_CLAIMS}, or one (see the store). */
  private final int maxDrainClaims;

  private final int maxAttempts;
  private final Backoff brokerBackoff;
  private final Backoff storeBackoff;
  private final AuditMetrics metrics;
  private final Semaphore wakeup = new Semaphore(0);

  /**
   * Accepted events not yet durable, oldest first: at most one append batch, or the failed events
   * of the live batches that were in flight (at most the confirm window).
   */
  private final List<Pending> held = new ArrayList<>();

  /** Live batches sent and not yet settled, oldest first. */
  private final ArrayDeque<InFlight> inFlight = new ArrayDeque<>();

  private int inFlightEvents;

  /** A live batch sent to the broker, its confirms pending. */
  private record InFlight(
      List<Pending> batch,
      Publisher.Sent sent,
      CompletableFuture<Void> allSettled,
      Timer.Sample sample) {

    /** Whether every confirm is in, or the deadline passed: settling it will not wait. */
    boolean ready() {
      return allSettled.isDone() || System.nanoTime() - sent.deadlineNanos() >= 0;
    }
  }

  /** Drained claims sent and not yet settled, oldest first. */
  private final ArrayDeque<Drained> draining = new ArrayDeque<>();

  /** A claim sent to the broker as publish batches, their confirms pending. */
  private record Drained(Claim claim, List<Publisher.Sent> sent, List<Timer.Sample> samples) {}

  /** Rejections per event id, for quarantine; forgotten when the event leaves the store. */
  private final Map<String, Integer> attempts = new HashMap<>();

  /** Delivered events whose acknowledge failed; acknowledged before anything else is drained. */
  private @Nullable Claim unacknowledged;

  private volatile long brokerRetryAt = System.nanoTime();
  private long storeRetryAt = System.nanoTime();
  private long drainIdleUntil = System.nanoTime();
  private volatile boolean brokerUp = true;
  private volatile boolean storeFull;
  private volatile boolean storeFailing;
  private volatile boolean stopping;
  private volatile long stopDeadline;

  DeliveryLoop(
      BlockingQueue<Pending> handoff,
      Publisher publisher,
      BackingStore store,
      DeliveryMode mode,
      int batchSize,
      int maxAttempts,
      Backoff brokerBackoff,
      Backoff storeBackoff,
      AuditMetrics metrics) {
    this.handoff = handoff;
    this.publisher = publisher;
    this.store = store;
    this.mode = mode;
    this.batchSize = batchSize;
    this.window = batchSize * WINDOW_BATCHES;
    this.maxDrainClaims = store.claimsStayValid() ? DRAIN_CLAIMS : 1;
    this.maxAttempts = maxAttempts;
    this.brokerBackoff = brokerBackoff;
    this.storeBackoff = storeBackoff;
    this.metrics = metrics;
    publisher.onConnected(this::brokerReturned);
  }

  @Override
  public void run() {
    try {
      while (!finished()) {
        try {
          step();
        } catch (RuntimeException e) {
          // Defensive: a bug must not kill the only delivery thread; nothing is dropped.
          log.error("Audit delivery step failed; retrying", e);
          pause(IDLE_WAIT_NANOS);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      // Past the shutdown deadline: what is in flight ends as confirmed or undelivered.
      settleAll();
      settleDrains();
    }
  }

  private void step() throws InterruptedException {
    if (held.isEmpty()) {
      InFlight oldest = inFlight.peek();
      Pending first = null;
      if (oldest != null && (oldest.ready() || inFlightEvents >= window)) {
        settle(inFlight.poll()); // its confirms are in, or the window is full
      } else {
        // Wakes for a new event, or when the oldest batch in flight is confirmed (wakeIdlePoll).
        long wait =
            oldest == null
                ? waitNanos()
                : Math.min(
                    waitNanos(), Math.max(0, oldest.sent().deadlineNanos() - System.nanoTime()));
        first = handoff.poll(wait, TimeUnit.NANOSECONDS);
      }
      if (first != null) {
        // Appended events share one durable write (one fsync, one commit): in the modes that
        // append every event, take more than one publish batch at a time.
        // A live batch never takes the events in flight past the confirm window.
        int take =
            mode == DeliveryMode.BUFFER_ON_FAILURE
                ? Math.max(1, Math.min(batchSize, window - inFlightEvents))
                : appendBatchSize();
        List<Pending> batch = new ArrayList<>(take);
        batch.add(first);
        handoff.drainTo(batch, take - 1);
        batch.removeIf(Pending::isMarker);
        if (!batch.isEmpty()) {
          deliverLive(batch);
        }
      }
    } else {
      storeHeld();
      if (!held.isEmpty()) {
        drain(); // a full store makes room by draining
        if (!held.isEmpty()) {
          pause(Math.max(0, storeRetryAt - System.nanoTime()));
        }
      }
    }
    drain();
  }

  /** Events per append in write-ahead mode: ten publish batches, at least 1000. */
  private int appendBatchSize() {
    return Math.max(1000, batchSize * 10);
  }

  private boolean finished() {
    if (!stopping) {
      return false;
    }
    if (System.nanoTime() - stopDeadline >= 0) {
      return true;
    }
    boolean nothingQueued =
        held.isEmpty()
            && inFlight.isEmpty()
            && draining.isEmpty()
            && handoff.stream().allMatch(Pending::isMarker);
    // A store that does not survive the process must be drained before we go.
    return nothingQueued && (store.durable() || !hasBacklog()) && unacknowledged == null;
  }

  private long waitNanos() {
    if (stopping) {
      return 0;
    }
    if (hasBacklog() || unacknowledged != null) {
      long next = Math.max(brokerRetryAt, drainIdleUntil);
      return Math.max(0, Math.min(IDLE_WAIT_NANOS, next - System.nanoTime()));
    }
    return IDLE_WAIT_NANOS;
  }

  private void deliverLive(List<Pending> batch) {
    if (mode != DeliveryMode.BUFFER_ON_FAILURE || hasBacklog() || brokerInBackoff()) {
      settleAll(); // the failures of earlier batches go to the store ahead of these
      held.addAll(batch);
      storeHeld();
      return;
    }
    Timer.Sample sample = Timer.start();
    Publisher.Sent sent = send(toEvents(batch));
    CompletableFuture<Void> allSettled =
        CompletableFuture.allOf(sent.results().toArray(CompletableFuture[]::new));
    allSettled.whenComplete((ignored, failure) -> wakeIdlePoll());
    inFlight.add(new InFlight(batch, sent, allSettled, sample));
    inFlightEvents += batch.size();
  }

  /** Settles every live batch in flight, oldest first. */
  private void settleAll() {
    while (!inFlight.isEmpty()) {
      settle(inFlight.poll());
    }
  }

  /**
   * Completes the confirmed events of a live batch and adds the others to {@link #held}, behind the
   * failures of earlier batches; the caller stores them.
   */
  private void settle(InFlight sent) {
    List<Pending> batch = sent.batch();
    List<PublishResult> results = await(sent.sent(), sent.sample());
    inFlightEvents -= batch.size();
    List<Pending> confirmed = new ArrayList<>();
    List<Pending> failed = new ArrayList<>();
    for (int i = 0; i < batch.size(); i++) {
      (results.get(i).status() == Status.CONFIRMED ? confirmed : failed).add(batch.get(i));
    }
    // Meters first, futures last: a caller woken by its future sees the event counted.
    metrics.published("live").increment(confirmed.size());
    confirmed.forEach(p -> p.future().complete(null));
    if (!failed.isEmpty()) {
      brokerFailed(failed.size() + " of " + batch.size() + " live events not confirmed");
      held.addAll(failed);
    } else if (held.isEmpty()) {
      brokerSucceeded(); // not while an earlier batch's failures wait to be stored
    }
  }

  /** Appends {@link #held} to the store; on success their futures complete. */
  private void storeHeld() {
    settleAll();
    if (held.isEmpty() || System.nanoTime() - storeRetryAt < 0) {
      return;
    }
    List<Pending> part = held;
    try {
      try {
        store.append(toEvents(held));
      } catch (BackingStoreFullException e) {
        if (held.size() <= batchSize) {
          throw e;
        }
        // A large append batch may not fit where a publish batch still does: never let the
        // batch size alone keep events out of a store with room.
        part = held.subList(0, batchSize);
        store.append(toEvents(part));
      }
    } catch (BackingStoreFullException e) {
      storeProblem(true, e);
      return;
    } catch (RuntimeException e) {
      storeProblem(false, e);
      return;
    }
    // State first, futures last: a caller woken by its future sees the store as healthy.
    storeRecovered();
    metrics.stored().increment(part.size());
    part.forEach(p -> p.future().complete(null));
    part.clear();
  }

  /** Publishes the oldest stored batch, if the broker may be tried and the store has a backlog. */
  private void drain() {
    if (unacknowledged != null) {
      if (!acknowledge(unacknowledged)) {
        return;
      }
      unacknowledged = null;
    }
    boolean claimed = false;
    if (draining.size() < maxDrainClaims
        && !brokerInBackoff()
        && System.nanoTime() - drainIdleUntil >= 0
        && hasBacklog()) {
      settleAll(); // live batches sent before the backlog appeared go first
      claimed = claimAndSend();
    }
    // While one claim is in flight the next is claimed and sent; then the older one is settled.
    if (!draining.isEmpty() && (!claimed || draining.size() >= maxDrainClaims)) {
      settleDrained(draining.poll());
    }
  }

  /** Claims the next part of the backlog and sends it; false when nothing was claimed. */
  private boolean claimAndSend() {
    Claim claim;
    try {
      claim = store.claim(window);
    } catch (RuntimeException e) {
      storeProblem(false, e);
      return false;
    }
    if (claim.isEmpty()) {
      if (draining.isEmpty()) {
        // Everything waiting is claimed elsewhere (another instance on a shared store).
        drainIdleUntil = System.nanoTime() + IDLE_WAIT_NANOS;
      }
      return false;
    }
    List<SerializedEvent> batch = new ArrayList<>(claim.size());
    for (StoredEvent event : claim.events()) {
      batch.add(new SerializedEvent(event.id(), event.payload()));
    }
    List<Publisher.Sent> sent = new ArrayList<>();
    List<Timer.Sample> samples = new ArrayList<>();
    for (int from = 0; from < batch.size(); from += batchSize) {
      samples.add(Timer.start());
      sent.add(send(batch.subList(from, Math.min(batch.size(), from + batchSize))));
    }
    draining.add(new Drained(claim, sent, samples));
    return true;
  }

  /** Settles every drained claim in flight, oldest first. */
  private void settleDrains() {
    while (!draining.isEmpty()) {
      settleDrained(draining.poll());
    }
  }

  /**
   * Acknowledges what the broker confirmed of a drained claim, releases what it did not (or
   * quarantines what it refused too often).
   */
  private void settleDrained(Drained drained) {
    Claim claim = drained.claim();
    List<StoredEvent> events = claim.events();
    List<PublishResult> results = new ArrayList<>(events.size());
    for (int i = 0; i < drained.sent().size(); i++) {
      results.addAll(await(drained.sent().get(i), drained.samples().get(i)));
    }
    List<Long> confirmed = new ArrayList<>();
    List<Long> retry = new ArrayList<>();
    List<Long> quarantine = new ArrayList<>();
    String quarantineReason = "";
    String retryReason = "";
    boolean anyConfirmed = results.stream().anyMatch(r -> r.status() == Status.CONFIRMED);
    for (int i = 0; i < events.size(); i++) {
      StoredEvent event = events.get(i);
      PublishResult result = results.get(i);
      if (result.status() == Status.CONFIRMED) {
        confirmed.add(event.sequence());
        attempts.remove(event.id());
      } else if (result.status() == Status.REJECTED && (anyConfirmed || i == 0)) {
        // Counted only when the broker took others, or for the head: a broker that refuses
        // everything (a full queue) quarantines at most one event per backoff round.
        int count = attempts.merge(event.id(), 1, Integer::sum);
        if (count >= maxAttempts) {
          quarantine.add(event.sequence());
          quarantineReason = "broker rejected it " + count + " times (" + result.reason() + ")";
          attempts.remove(event.id());
        } else {
          retry.add(event.sequence());
          retryReason = result.reason();
        }
      } else {
        retry.add(event.sequence());
        retryReason = result.reason();
      }
    }
    metrics.published("drain").increment(confirmed.size());
    // Quarantine and release before acknowledging: a store that keeps the claim in a transaction
    // (the SQL store) then commits all three once, at the acknowledge.
    try {
      if (!quarantine.isEmpty()) {
        store.quarantine(claim.subset(quarantine), quarantineReason);
        metrics.quarantined().increment(quarantine.size());
        log.warn(
            "Quarantined {} audit event(s) in the {} store: {}",
            quarantine.size(),
            store.type(),
            quarantineReason);
      }
      if (!retry.isEmpty()) {
        store.release(claim.subset(retry), retryReason);
      }
    } catch (RuntimeException e) {
      storeProblem(false, e);
    }
    Claim delivered = claim.subset(confirmed);
    if (!delivered.isEmpty() && !acknowledge(delivered)) {
      unacknowledged = delivered;
    }
    if (confirmed.size() < events.size()) {
      brokerFailed(
          (events.size() - confirmed.size())
              + " of "
              + events.size()
              + " stored events not confirmed");
    } else {
      brokerSucceeded();
    }
  }

  private boolean acknowledge(Claim delivered) {
    try {
      store.acknowledge(delivered);
      return true;
    } catch (RuntimeException e) {
      // Never republish what was delivered in a hot loop: stop draining and back off.
      storeProblem(false, e);
      brokerRetryAt = Math.max(brokerRetryAt, storeRetryAt);
      return false;
    }
  }

  private Publisher.Sent send(List<SerializedEvent> batch) {
    try {
      return publisher.send(batch);
    } catch (RuntimeException e) {
      // A publisher must report failures as results; one that throws must still not leave a
      // claim open (its rows would stay locked and the drain would stall): nothing confirmed.
      log.warn("Audit publisher failed; treating the batch as not confirmed", e);
      return Publisher.Sent.settled(unconfirmed(batch.size()));
    }
  }

  private List<PublishResult> await(Publisher.Sent sent, Timer.Sample sample) {
    List<PublishResult> results;
    try {
      results = publisher.await(sent);
    } catch (RuntimeException e) {
      log.warn("Audit publisher failed; treating the batch as not confirmed", e);
      results = unconfirmed(sent.results().size());
    }
    sample.stop(metrics.publishLatency());
    for (PublishResult result : results) {
      if (result.status() != Status.CONFIRMED) {
        metrics.publishFailure(result.reason()).increment();
      }
    }
    return results;
  }

  private static List<PublishResult> unconfirmed(int count) {
    List<PublishResult> results = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      results.add(PublishResult.unconfirmed("error"));
    }
    return results;
  }

  private void brokerFailed(String what) {
    long delay = brokerBackoff.nextNanos();
    brokerRetryAt = System.nanoTime() + delay;
    if (brokerUp) {
      log.warn(
          "RabbitMQ unavailable ({}; last error: {}); buffering audit events in the {} store,"
              + " retrying with backoff",
          what,
          publisher.lastError(),
          store.type());
    }
    brokerUp = false;
  }

  private void brokerSucceeded() {
    if (!brokerUp) {
      log.info("RabbitMQ available again; draining the {} store", store.type());
    }
    brokerUp = true;
    brokerBackoff.reset();
  }

  /** Called by the connection listener: the broker is back, drain at once. */
  private void brokerReturned() {
    brokerRetryAt = System.nanoTime();
    wake();
  }

  private void storeProblem(boolean full, RuntimeException e) {
    metrics.storeErrors().increment();
    storeRetryAt = System.nanoTime() + storeBackoff.nextNanos();
    if (full) {
      if (!storeFull) {
        log.warn(
            "Audit {} store is full; record() applies the overflow policy: {}",
            store.type(),
            e.getMessage());
      }
      storeFull = true;
    } else {
      if (!storeFailing) {
        log.error("Audit {} store failed; retrying with backoff: {}", store.type(), e.toString());
      }
      storeFailing = true;
    }
  }

  private void storeRecovered() {
    if (storeFull || storeFailing) {
      log.info("Audit {} store accepts events again", store.type());
    }
    storeFull = false;
    storeFailing = false;
    storeBackoff.reset();
  }

  private boolean hasBacklog() {
    try {
      return !store.isEmpty();
    } catch (RuntimeException e) {
      return true;
    }
  }

  private boolean brokerInBackoff() {
    return System.nanoTime() - brokerRetryAt < 0;
  }

  private void pause(long nanos) throws InterruptedException {
    if (nanos > 0) {
      wakeup.tryAcquire(Math.min(nanos, IDLE_WAIT_NANOS), TimeUnit.NANOSECONDS);
    }
  }

  private static List<SerializedEvent> toEvents(List<Pending> pending) {
    List<SerializedEvent> events = new ArrayList<>(pending.size());
    for (Pending p : pending) {
      events.add(p.event());
    }
    return events;
  }

  /** Wakes the thread to look at the queue, the broker and the store now. */
  void wake() {
    wakeup.release();
    wakeIdlePoll();
  }

  /**
   * Ends a wait for the hand-off queue (not a backoff pause): a batch in flight was confirmed. A
   * marker only unblocks an idle poll; in a non-empty queue it would take a caller's slot.
   */
  private void wakeIdlePoll() {
    if (handoff.isEmpty()) {
      handoff.offer(Pending.WAKE);
    }
  }

  /**
   * Asks the thread to finish what was accepted, until {@code deadline} ({@link System#nanoTime}).
   */
  void stop(long deadline) {
    stopDeadline = deadline;
    stopping = true;
    wake();
  }

  /** Events accepted but never made durable; called after the thread ended. */
  List<Pending> undelivered() {
    List<Pending> left = new ArrayList<>(held);
    held.clear();
    List<Pending> queued = new ArrayList<>();
    handoff.drainTo(queued);
    queued.removeIf(Pending::isMarker);
    left.addAll(queued);
    return left;
  }

  boolean brokerUp() {
    return brokerUp && publisher.connected();
  }

  boolean storeFull() {
    return storeFull;
  }

  boolean storeFailing() {
    return storeFailing;
  }

  int heldCount() {
    return held.size();
  }
}
