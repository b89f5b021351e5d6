package io.auditrelay.core;

import io.auditrelay.core.PublishResult.Status;
import io.auditrelay.integrity.IntegrityStamp;
import io.auditrelay.integrity.PendingStamp;
import io.auditrelay.integrity.WireBodies;
import io.auditrelay.store.BackingStore;
import io.auditrelay.store.BackingStoreFullException;
import io.auditrelay.store.Claim;
import io.auditrelay.store.QuarantinedEvent;
import io.auditrelay.store.SerializedEvent;
import io.auditrelay.store.StoredEvent;
import io.auditrelay.store.TransactionalBackingStore;
import io.micrometer.core.instrument.Timer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
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
 *
 * <p>This class is the data path, one straight walk: take from the {@link Handoff}, publish live or
 * append, claim, publish, acknowledge. Its control state lives in parts: the {@link LiveWindow} of
 * live batches in flight, the {@link DrainWindow} of claims in flight with their attempts, and the
 * {@link DeliveryHealth} of broker and store. The delivery mode is chosen once, at construction.
 * Everything here runs on the delivery thread, except {@link #wake}, {@link #stop} and the health
 * reads, which touch volatile or thread-safe state only.
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

  private final Handoff handoff;
  private final Publisher publisher;
  private final BackingStore store;
  private final int batchSize;

  /** Events claimed from the store at once: the confirm window. */
  private final int window;

  /**
   * Whether live events are published before anything is stored ({@link
   * DeliveryMode#BUFFER_ON_FAILURE}); otherwise every event is appended first.
   */
  private final boolean publishLive;

  /** Events per append when every event is appended: ten publish batches, at least 1000. */
  private final int appendBatch;

  private final AuditMetrics metrics;
  private final LiveWindow live;
  private final DrainWindow drains;
  private final DeliveryHealth health;
  private final DrainProgress progress;

  /** Stamps and checkpoints the stream when integrity is on; else null. */
  private final @Nullable Stamper stamper;

  /**
   * Whether events are stamped when they are drained, not when they are published or appended:
   * transactional delivery with integrity, whose events are inserted sealed.
   */
  private final boolean stampAtDrain;

  /**
   * Whether drained events that carry a pending seal are stamped: with integrity, on a store that
   * can rewrite what it holds (one shared with, or left by, an Auditor in transactional delivery).
   */
  private final boolean drainsSeals;

  /** Checks drained events when integrity is on; else null. */
  private final @Nullable DrainCheck drainCheck;

  private final Tracing tracing;

  /**
   * Accepted events not yet durable, oldest first: at most one append batch, or the failed events
   * of the live batches that were in flight (at most the confirm window).
   */
  private final List<Pending> held = new ArrayList<>();

  private long drainIdleUntil = System.nanoTime();
  private volatile boolean stopping;
  private volatile long stopDeadline;

  DeliveryLoop(
      Handoff handoff,
      Publisher publisher,
      BackingStore store,
      DeliveryMode mode,
      int batchSize,
      int maxAttempts,
      Backoff brokerBackoff,
      Backoff storeBackoff,
      AuditMetrics metrics,
      @Nullable Stamper stamper,
      @Nullable DrainCheck drainCheck,
      Tracing tracing) {
    this.tracing = tracing;
    this.handoff = handoff;
    this.publisher = publisher;
    this.store = store;
    this.batchSize = batchSize;
    this.window = batchSize * WINDOW_BATCHES;
    this.publishLive = mode == DeliveryMode.BUFFER_ON_FAILURE;
    this.appendBatch = Math.max(1000, batchSize * 10);
    this.metrics = metrics;
    this.live = new LiveWindow(window);
    this.drains = new DrainWindow(store.claimsStayValid() ? DRAIN_CLAIMS : 1, maxAttempts);
    this.health = new DeliveryHealth(brokerBackoff, storeBackoff, metrics, store.type());
    this.progress = new DrainProgress(store.type(), System::nanoTime);
    this.stamper = stamper;
    this.stampAtDrain = stamper != null && mode == DeliveryMode.TRANSACTIONAL;
    this.drainsSeals = stamper != null && store instanceof TransactionalBackingStore;
    this.drainCheck = drainCheck;
    publisher.onConnected(this::brokerReturned);
  }

  @Override
  public void run() {
    try {
      beginDrain("left by an earlier run", 0);
      while (!finished()) {
        try {
          step();
        } catch (RuntimeException | Error e) {
          // A bug or an exhausted resource (an OutOfMemoryError) must not end the only delivery
          // thread: it is reported (health DOWN) and the loop goes on after a pause.
          health.deliveryFailed("in a delivery step", e);
          handoff.pause(IDLE_WAIT_NANOS);
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
    if (held.isEmpty() && checkpointDue()) {
      checkpoint(false);
    } else if (held.isEmpty()) {
      LiveWindow.InFlight oldest = live.oldest();
      Pending first = null;
      if (oldest != null && (oldest.ready() || live.isFull())) {
        settle(live.poll()); // its confirms are in, or the window is full
      } else {
        // Wakes for a new event, or when the oldest batch in flight is confirmed.
        long wait =
            oldest == null
                ? waitNanos()
                : Math.min(
                    waitNanos(), Math.max(0, oldest.sent().deadlineNanos() - System.nanoTime()));
        first = handoff.poll(wait);
      }
      if (first != null) {
        List<Pending> batch = new ArrayList<>(batchRoom());
        batch.add(first);
        handoff.drainTo(batch, batchRoom() - 1);
        deliverLive(batch);
      }
    } else {
      storeHeld();
      if (!held.isEmpty()) {
        drain(); // a full store makes room by draining
        if (!held.isEmpty()) {
          handoff.pause(health.storeRetryInNanos());
        }
      }
    }
    drain();
  }

  /**
   * How many events the next batch may take: appended events share one durable write (one fsync,
   * one commit), so in the modes that append every event more than one publish batch; a live batch
   * never takes the events in flight past the confirm window; and a checkpoint comes every N events
   * exactly.
   */
  private int batchRoom() {
    int take = publishLive ? Math.max(1, Math.min(batchSize, live.room())) : appendBatch;
    return stamper == null ? take : Math.min(take, stamper.eventsBeforeCheckpoint());
  }

  /**
   * Whether a checkpoint is due and may be made: never while events wait to be appended, and never
   * while a store that does not survive the process holds events, which a crash would turn into a
   * false hole below the checkpoint.
   */
  private boolean checkpointDue() {
    return stamper != null && checkpointAllowed() && stamper.checkpointDue(System.nanoTime());
  }

  /** Whether every event stamped so far is durable once the batches in flight are settled. */
  private boolean checkpointAllowed() {
    return store.durable() || !hasBacklog();
  }

  /**
   * Delivers the next checkpoint like a live event, once every event stamped before it is durable:
   * the batches in flight are settled first, and their failures stored first. The events waiting in
   * the hand-off queue go in the same batch, after it: a checkpoint costs no write of its own.
   */
  private void checkpoint(boolean end) {
    settleAll();
    if (!held.isEmpty() || stamper == null) {
      return; // the next step stores them; the checkpoint waits
    }
    Pending checkpoint = stamper.checkpoint(end);
    List<Pending> batch = new ArrayList<>(end ? 1 : 1 + batchRoom());
    batch.add(checkpoint);
    if (!end) {
      handoff.drainTo(batch, batchRoom() - 1);
    }
    deliverLive(batch);
  }

  private boolean finished() {
    if (!stopping) {
      return false;
    }
    if (System.nanoTime() - stopDeadline >= 0) {
      return true;
    }
    boolean nothingQueued =
        held.isEmpty() && live.isEmpty() && drains.isEmpty() && handoff.isEmpty();
    if (nothingQueued && stamper != null && !stamper.ended() && checkpointAllowed()) {
      checkpoint(true); // the epoch's clean end, delivered before the thread ends
      return false;
    }
    // A store that does not survive the process must be drained before we go.
    return nothingQueued && (store.durable() || !hasBacklog()) && drains.unacknowledged() == null;
  }

  private long waitNanos() {
    if (stopping) {
      return 0;
    }
    if (stamper != null && checkpointAllowed()) {
      long now = System.nanoTime();
      long toCheckpoint = stamper.nanosToCheckpoint(now);
      if (toCheckpoint < IDLE_WAIT_NANOS) {
        return Math.min(toCheckpoint, waitNanosForDrain());
      }
    }
    return waitNanosForDrain();
  }

  private long waitNanosForDrain() {
    if (hasBacklog() || drains.unacknowledged() != null) {
      long next = Math.max(health.brokerRetryAt(), drainIdleUntil);
      return Math.max(0, Math.min(IDLE_WAIT_NANOS, next - System.nanoTime()));
    }
    return IDLE_WAIT_NANOS;
  }

  private void deliverLive(List<Pending> batch) {
    if (!publishLive || hasBacklog() || health.brokerInBackoff()) {
      settleAll(); // the failures of earlier batches go to the store ahead of these
      held.addAll(batch);
      storeHeld();
      return;
    }
    batch.removeIf(p -> !p.future().take()); // withdrawn by their callers
    if (batch.isEmpty()) {
      return;
    }
    stampAll(batch);
    Timer.Sample sample = Timer.start();
    Publisher.Sent sent = send(Pending.events(batch));
    CompletableFuture<Void> allSettled =
        CompletableFuture.allOf(sent.results().toArray(CompletableFuture[]::new));
    allSettled.whenComplete((ignored, failure) -> handoff.signal());
    live.add(new LiveWindow.InFlight(batch, sent, allSettled, sample));
  }

  /** Settles every live batch in flight, oldest first. */
  private void settleAll() {
    for (LiveWindow.InFlight oldest; (oldest = live.poll()) != null; ) {
      settle(oldest);
    }
  }

  /**
   * Completes the confirmed events of a live batch and adds the others to {@link #held}, behind the
   * failures of earlier batches; the caller stores them.
   */
  private void settle(LiveWindow.InFlight sent) {
    List<Pending> batch = sent.batch();
    List<PublishResult> results = await(sent.sent(), sent.sample());
    List<Pending> confirmed = new ArrayList<>();
    List<Pending> failed = new ArrayList<>();
    for (int i = 0; i < batch.size(); i++) {
      PublishResult result = results.get(i);
      Pending pending = batch.get(i);
      if (result.status() == Status.CONFIRMED) {
        confirmed.add(pending);
      } else {
        failed.add(pending);
        if (result.sent() || pending.stamped()) {
          // The broker may have it, or it holds a place in the stream: never withdrawn now.
          pending.future().sent();
        } else {
          pending.future().release();
        }
      }
    }
    // Meters first, futures last: a caller woken by its future sees the event counted.
    metrics.published("live").increment(confirmed.size());
    confirmed.forEach(p -> p.future().durable());
    if (!failed.isEmpty()) {
      brokerFailed(failed.size() + " of " + batch.size() + " live events not confirmed");
      held.addAll(failed);
    } else if (held.isEmpty()) {
      brokerSucceeded(); // not while an earlier batch's failures wait to be stored
    }
  }

  /**
   * Appends {@link #held} to the store, or the longest head of it that fits (halved down to a
   * publish batch, then to single events); on success their futures complete. Events withdrawn by
   * their callers are dropped first; those left held may be withdrawn until the next attempt.
   */
  private void storeHeld() {
    settleAll();
    if (held.isEmpty() || health.storeInBackoff()) {
      return;
    }
    held.removeIf(p -> !p.future().take());
    if (held.isEmpty()) {
      health.nothingWaitsForTheStore(); // all withdrawn: a full store must not stay reported
      return;
    }
    List<Pending> part = held;
    try {
      while (true) {
        Stamper.Mark mark = stamper == null ? null : stamper.mark();
        List<Pending> stamped = stampAll(part);
        try {
          store.append(Pending.events(part));
          break;
        } catch (BackingStoreFullException e) {
          unstamp(mark, stamped); // nothing of it was written
          if (part.size() == 1) {
            throw e;
          }
          // Never let the size of what is held keep events out of a store with room for some of
          // them: halve it down to a publish batch, then to single events.
          int next =
              part.size() > batchSize ? Math.max(batchSize, part.size() / 2) : part.size() / 2;
          part = held.subList(0, next);
        }
      }
    } catch (BackingStoreFullException e) {
      health.storeProblem(true, e);
      releaseHeld();
      return;
    } catch (RuntimeException e) {
      // The store may have written what failed (a commit whose answer was lost): no withdrawal.
      part.forEach(p -> p.future().sent());
      health.storeProblem(false, e);
      releaseHeld();
      return;
    }
    // State first, futures last: a caller woken by its future sees the store as healthy.
    health.storeRecovered();
    metrics.stored().increment(part.size());
    part.forEach(p -> p.future().durable());
    part.clear();
    releaseHeld();
  }

  /** Stamps the events of {@code batch} not stamped yet, in order; returns those it stamped. */
  private List<Pending> stampAll(List<Pending> batch) {
    if (stamper == null || stampAtDrain) {
      return List.of();
    }
    List<Pending> stamped = new ArrayList<>();
    for (Pending p : batch) {
      if (!p.stamped()) {
        stamper.stamp(p);
        stamped.add(p);
      }
    }
    return stamped;
  }

  private void unstamp(Stamper.@Nullable Mark mark, List<Pending> stamped) {
    if (stamper != null && mark != null) {
      stamper.reset(mark);
      stamped.forEach(p -> p.stamped(false));
    }
  }

  /**
   * The events still held were not appended: their callers may withdraw them while they wait (but
   * not those the broker may have, see {@link DeliveryFuture#sent}).
   */
  private void releaseHeld() {
    held.forEach(p -> p.future().release());
  }

  /** Publishes the oldest stored batch, if the broker may be tried and the store has a backlog. */
  private void drain() {
    Claim unacknowledged = drains.unacknowledged();
    if (unacknowledged != null) {
      if (!acknowledge(unacknowledged)) {
        return;
      }
      drains.unacknowledged(null);
    }
    boolean claimed = false;
    if (drains.hasRoom()
        && !health.brokerInBackoff()
        && System.nanoTime() - drainIdleUntil >= 0
        && hasBacklog()) {
      settleAll(); // live batches sent before the backlog appeared go first
      claimed = claimAndSend();
    }
    // While one claim is in flight the next is claimed and sent; then the older one is settled.
    if (!drains.isEmpty() && (!claimed || drains.isFull())) {
      settleDrained(drains.poll());
    }
    if (progress.active() && drains.isEmpty() && !hasBacklog()) {
      progress.drainedAll();
    }
  }

  /**
   * Announces the store's backlog, if it has one, as starting to drain because of {@code cause};
   * {@code delivered} events of it were confirmed already.
   */
  private void beginDrain(String cause, int delivered) {
    try {
      progress.begin(store.stats().events() + delivered, cause);
    } catch (RuntimeException e) {
      // Only a log line: the store's failure shows when the drain claims from it.
    }
  }

  /** The broker confirmed: after an outage, the backlog it left starts draining. */
  private void brokerSucceeded() {
    if (health.brokerSucceeded()) {
      beginDrain("the broker is back", 0);
    }
  }

  /** Claims the next part of the backlog and sends it; false when nothing was claimed. */
  private boolean claimAndSend() {
    Claim claim;
    try {
      claim = store.claim(window);
    } catch (RuntimeException e) {
      health.storeProblem(false, e);
      return false;
    }
    if (claim.isEmpty()) {
      if (drains.isEmpty()) {
        // Everything waiting is claimed elsewhere (another instance on a shared store).
        drainIdleUntil = System.nanoTime() + IDLE_WAIT_NANOS;
      }
      return false;
    }
    if (drainCheck != null) {
      try {
        claim = quarantineTampered(claim);
      } catch (RuntimeException e) {
        health.storeProblem(false, e);
        releaseQuietly(claim);
        return false;
      }
      if (claim.isEmpty()) {
        return true; // all of it was tampered with: claim the next part
      }
    }
    if (drainsSeals) {
      try {
        claim = stampSealed(claim);
      } catch (RuntimeException e) {
        health.storeProblem(false, e);
        releaseQuietly(claim);
        return false;
      }
      if (claim.isEmpty()) {
        return true; // another instance took it over: claim the next part
      }
    }
    List<SerializedEvent> batch = new ArrayList<>(claim.size());
    claim.events().forEach(stored -> batch.add(stored.event()));
    List<Publisher.Sent> sent = new ArrayList<>();
    List<Timer.Sample> samples = new ArrayList<>();
    for (int from = 0; from < batch.size(); from += batchSize) {
      samples.add(Timer.start());
      sent.add(send(batch.subList(from, Math.min(batch.size(), from + batchSize))));
    }
    drains.add(new DrainWindow.Drained(claim, sent, samples));
    return true;
  }

  /**
   * Quarantines the claimed events found tampered with, as {@code tampered}, and returns the rest
   * of the claim, which may be published.
   */
  private Claim quarantineTampered(Claim claim) {
    List<StoredEvent> admitted = new ArrayList<>(claim.size());
    List<DrainCheck.Tampered> tampered = drainCheck.admit(claim.events(), admitted);
    if (tampered.isEmpty()) {
      return claim;
    }
    for (DrainCheck.Tampered t : tampered) {
      log.error(
          "Audit event TAMPERED with in the {} store (sequence {}, id {}): {}; quarantined, not"
              + " published",
          store.type(),
          t.event().sequence(),
          t.event().id(),
          t.why());
      store.quarantine(
          claim.subset(List.of(t.event().sequence())), QuarantinedEvent.TAMPERED + t.why());
    }
    metrics.quarantined("tampered").increment(tampered.size());
    List<Long> kept = new ArrayList<>(admitted.size());
    admitted.forEach(e -> kept.add(e.sequence()));
    return claim.subset(kept);
  }

  /**
   * Gives the sealed events of a claim their places in this stream, in claim order, and has the
   * store keep their stamped bytes before any of them is published: a republication after a crash
   * sends the same bytes, and a checkpoint covers only stamps that are durable. Returns the claim
   * as the store still holds it, with the stamped bytes. When the store fails, nothing of it was
   * kept and the stamps are undone.
   */
  private Claim stampSealed(Claim claim) {
    Stamper.Mark mark = stamper.mark();
    List<StoredEvent> stamped = new ArrayList<>();
    for (StoredEvent event : claim.events()) {
      byte[] cadf = WireBodies.cadf(event.payload());
      if (IntegrityStamp.lastStampAt(cadf) >= 0) {
        continue; // stamped already (by an earlier run, or another instance)
      }
      PendingStamp.Located seal =
          PendingStamp.locate(cadf)
              .orElseThrow(() -> new IllegalStateException("admitted without a seal"));
      byte[] payload = WireBodies.withCadf(event.payload(), stamper.stampPending(cadf, seal));
      stamped.add(
          new StoredEvent(
              event.sequence(), new SerializedEvent(event.id(), payload), event.rejections()));
    }
    if (stamped.isEmpty()) {
      return claim;
    }
    Claim held;
    try {
      held = ((TransactionalBackingStore) store).rewrite(claim, stamped);
    } catch (RuntimeException e) {
      stamper.reset(mark);
      throw e;
    }
    long first = mark.next();
    for (int i = 0; i < stamped.size(); i++) {
      StoredEvent event = stamped.get(i);
      if (held.contains(event.sequence())) {
        drainCheck.stamped(event.sequence(), WireBodies.cadf(event.payload()), first + i);
      }
    }
    return held;
  }

  private void releaseQuietly(Claim claim) {
    try {
      store.release(claim, "store");
    } catch (RuntimeException e) {
      log.debug("Releasing a claim after a store failure failed too", e);
    }
  }

  /** Settles every drained claim in flight, oldest first. */
  private void settleDrains() {
    for (DrainWindow.Drained oldest; (oldest = drains.poll()) != null; ) {
      settleDrained(oldest);
    }
  }

  /**
   * Acknowledges what the broker confirmed of a drained claim, releases what it did not (or
   * quarantines what it refused too often).
   */
  private void settleDrained(DrainWindow.Drained drained) {
    Claim claim = drained.claim();
    int size = claim.size();
    List<PublishResult> results = new ArrayList<>(size);
    for (int i = 0; i < drained.sent().size(); i++) {
      results.addAll(await(drained.sent().get(i), drained.samples().get(i)));
    }
    DrainWindow.Verdict verdict = drains.judge(claim.events(), results);
    if (drainCheck != null) {
      drainCheck.settled(claim.events(), verdict.confirmed());
    }
    metrics.published("drain").increment(verdict.confirmed().size());
    // Quarantine and release before acknowledging: a store that keeps the claim in a transaction
    // (the SQL store) then commits all three once, at the acknowledge.
    try {
      if (!verdict.quarantine().isEmpty()) {
        store.quarantine(claim.subset(verdict.quarantine()), verdict.quarantineReason());
        metrics.quarantined("rejected").increment(verdict.quarantine().size());
        log.warn(
            "Quarantined {} audit event(s) in the {} store: {}",
            verdict.quarantine().size(),
            store.type(),
            verdict.quarantineReason());
      }
      if (!verdict.rejected().isEmpty()) {
        store.reject(claim.subset(verdict.rejected()), verdict.rejectReason());
      }
      if (!verdict.retry().isEmpty()) {
        store.release(claim.subset(verdict.retry()), verdict.retryReason());
      }
    } catch (RuntimeException e) {
      health.storeProblem(false, e);
    }
    Claim delivered = claim.subset(verdict.confirmed());
    if (!delivered.isEmpty() && !acknowledge(delivered)) {
      drains.unacknowledged(delivered);
    }
    int confirmed = verdict.confirmed().size();
    if (confirmed < size) {
      brokerFailed((size - confirmed) + " of " + size + " stored events not confirmed");
    } else if (health.brokerSucceeded()) {
      beginDrain("the broker is back", confirmed);
    }
    progress.delivered(confirmed, this::waiting);
  }

  private boolean acknowledge(Claim delivered) {
    try {
      store.acknowledge(delivered);
      return true;
    } catch (RuntimeException e) {
      // Never republish what was delivered in a hot loop: stop draining and back off.
      health.storeProblem(false, e);
      health.holdBrokerForStore();
      return false;
    }
  }

  private Publisher.Sent send(List<SerializedEvent> batch) {
    try {
      return tracing.publish(batch.size(), () -> publisher.send(batch));
    } catch (RuntimeException e) {
      // A publisher must report failures as results; one that throws must still not leave a
      // claim open (its rows would stay locked and the drain would stall): nothing confirmed.
      log.warn("Audit publisher failed; treating the batch as not confirmed", e);
      return Publisher.Sent.settled(unconfirmed(batch.size()));
    } catch (Error e) {
      // The batch is already out of the hand-off queue: it goes to the store like any failure.
      health.deliveryFailed("publishing", e);
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
    health.brokerFailed(what, publisher.lastError());
  }

  /** Called by the connection listener: the broker is back, drain at once. */
  private void brokerReturned() {
    health.brokerReturned();
    wake();
  }

  /** Events waiting in the store, for a progress line; -1 when the store cannot say. */
  private long waiting() {
    try {
      return store.stats().events();
    } catch (RuntimeException e) {
      return -1;
    }
  }

  private boolean hasBacklog() {
    try {
      return !store.isEmpty();
    } catch (RuntimeException e) {
      return true;
    }
  }

  /** Wakes the thread to look at the queue, the broker and the store now. */
  void wake() {
    handoff.signal();
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
    handoff.drainTo(left);
    return left;
  }

  boolean brokerUp() {
    return health.brokerUp() && publisher.connected();
  }

  boolean storeFull() {
    return health.storeFull();
  }

  boolean storeFailing() {
    return health.storeFailing();
  }

  /** Why the thread does not deliver, or null while it does. */
  @Nullable String deliveryProblem() {
    return health.deliveryProblem();
  }

  int heldCount() {
    return held.size();
  }
}
