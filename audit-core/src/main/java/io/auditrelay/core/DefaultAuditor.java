package io.auditrelay.core;

import io.auditrelay.cadf.CadfEvent;
import io.auditrelay.cadf.CadfJson;
import io.auditrelay.cadf.CadfValidationException;
import io.auditrelay.cadf.CadfValidator;
import io.auditrelay.cadf.Resource;
import io.auditrelay.store.BackingStore;
import io.auditrelay.store.BackingStoreException;
import io.auditrelay.store.BackingStoreFullException;
import io.auditrelay.store.SerializedEvent;
import io.auditrelay.store.StoreObserver;
import io.auditrelay.store.StoreStats;
import io.auditrelay.store.TransactionalBackingStore;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The Auditor: validation and serialization in the caller's thread, delivery in its own. */
final class DefaultAuditor implements Auditor {

  private static final Logger log = LoggerFactory.getLogger(DefaultAuditor.class);

  private final String name;
  private final Clock clock;
  private final Resource observer;
  private final int maxEventSize;
  private final WireFormat wireFormat;
  private final OverflowPolicy overflowPolicy;
  private final Duration overflowTimeout;
  private final Duration shutdownTimeout;
  private final DeliveryMode mode;
  private final Handoff handoff;
  private final BackingStore store;
  private final boolean closeStore;
  private final Publisher publisher;
  private final AuditMetrics metrics;
  private final DeliveryLoop loop;
  private final @Nullable Stamper stamper;
  private final Tracing tracing;
  private final Thread thread;
  private final @Nullable Thread shutdownHook;
  // Read side: record() offering; write side: close() stopping intake. No event slips in after.
  private final ReentrantReadWriteLock intake = new ReentrantReadWriteLock();
  private volatile boolean closed;

  DefaultAuditor(
      AuditorBuilder.Settings s,
      Handoff handoff,
      Publisher publisher,
      AuditMetrics metrics,
      DeliveryLoop loop) {
    this.name = s.name();
    this.clock = s.clock();
    this.observer = s.observer();
    this.maxEventSize = s.maxEventSize();
    this.wireFormat = s.wireFormat();
    this.overflowPolicy = s.overflowPolicy();
    this.overflowTimeout = s.overflowTimeout();
    this.shutdownTimeout = s.shutdownTimeout();
    this.mode = s.mode();
    this.store = s.store();
    this.closeStore = s.closeStore();
    this.handoff = handoff;
    this.publisher = publisher;
    this.metrics = metrics;
    this.loop = loop;
    this.stamper = s.stamper();
    this.tracing = s.tracing();
    store.observe(metrics.storeObserver());
    this.thread = new Thread(loop, "audit-delivery-" + name);
    thread.setDaemon(true);
    thread.start();
    if (s.shutdownHook()) {
      shutdownHook = new Thread(this::close, "audit-shutdown-" + name);
      Runtime.getRuntime().addShutdownHook(shutdownHook);
    } else {
      shutdownHook = null;
    }
  }

  @Override
  public AuditFuture record(CadfEvent event) {
    return tracing
        .record(event, (e, trace) -> accept(e, trace, overflowTimeout.toNanos()))
        .future();
  }

  @Override
  public Durability recordDurably(CadfEvent event, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    Accepted accepted =
        tracing.record(
            event,
            (e, trace) -> accept(e, trace, Math.min(overflowTimeout.toNanos(), timeout.toNanos())));
    if (accepted.inTransaction()) {
      return Durability.IN_TRANSACTION;
    }
    return Durably.await(accepted.future(), deadline, timeout);
  }

  /** An accepted event's future, and whether it was inserted with the caller's transaction. */
  private record Accepted(DeliveryFuture future, boolean inTransaction) {}

  /**
   * Validates, serializes and queues the event with the trace context {@code trace} (or inserts it
   * in the caller's transaction), waiting at most {@code offerNanos} for room when the overflow
   * policy is {@link OverflowPolicy#BLOCK}.
   */
  private Accepted accept(CadfEvent event, Map<String, String> trace, long offerNanos) {
    if (closed) {
      metrics.rejected("closed").increment();
      throw new IllegalStateException("Auditor '" + name + "' is closed");
    }
    CadfEvent complete = Tracing.attach(complete(event), trace);
    Pending pending;
    if (stamper == null) {
      pending =
          new Pending(serialize(complete), new DeliveryFuture(complete.id(), this::withdrawn));
    } else if (mode == DeliveryMode.TRANSACTIONAL) {
      // Its place in the stream is given when it is drained; until then its seal proves it.
      CadfEvent sealed = stamper.withPending(complete);
      byte[] cadf = CadfJson.write(sealed);
      stamper.seal(cadf);
      pending =
          new Pending(serialize(sealed, cadf), new DeliveryFuture(complete.id(), this::withdrawn));
    } else {
      Stamper.Placed placed = stamper.place(complete);
      pending =
          new Pending(
              serialize(complete, placed.cadf()),
              new DeliveryFuture(complete.id(), this::withdrawn),
              placed.cadf(),
              placed.slot());
    }
    intake.readLock().lock();
    try {
      if (closed) {
        metrics.rejected("closed").increment();
        throw new IllegalStateException("Auditor '" + name + "' is closed");
      }
      if (mode == DeliveryMode.TRANSACTIONAL && appendInCallerTransaction(pending)) {
        metrics.recorded().increment();
        return new Accepted(pending.future(), true);
      }
      if (!offer(pending, offerNanos)) {
        metrics.rejected("overflow").increment();
        throw new AuditOverflowException(
            "Audit hand-off queue is full ("
                + handoff.size()
                + " events waiting): the broker and the backing store cannot keep up"
                + (overflowPolicy == OverflowPolicy.BLOCK
                    ? " within " + Duration.ofNanos(offerNanos)
                    : "")
                + "; the event was not recorded");
      }
    } finally {
      intake.readLock().unlock();
    }
    metrics.recorded().increment();
    return new Accepted(pending.future(), false);
  }

  /** The caller withdrew an event: it leaves the queue now (held ones leave at the next store). */
  private void withdrawn(DeliveryFuture future) {
    metrics.withdrawn("cancelled").increment();
    handoff.remove(future);
  }

  /**
   * Inserts the event with the caller's transaction, if one is active that the store can join. The
   * future completes at commit and is cancelled at rollback.
   */
  private boolean appendInCallerTransaction(Pending pending) {
    TransactionalBackingStore outbox = (TransactionalBackingStore) store;
    try {
      boolean inTransaction =
          outbox.appendInCurrentTransaction(
              pending.event(),
              committed -> {
                if (committed) {
                  metrics.stored().increment();
                  loop.wake();
                  pending.future().durable();
                } else {
                  metrics.withdrawn("rollback").increment();
                  pending.future().rolledBack();
                }
              });
      if (inTransaction) {
        pending.future().sent(); // its fate is the transaction's: the caller cannot withdraw it
      }
      return inTransaction;
    } catch (BackingStoreFullException e) {
      metrics.rejected("overflow").increment();
      throw new AuditOverflowException(
          "The audit "
              + store.type()
              + " store is full; the event was not recorded: "
              + e.getMessage());
    } catch (BackingStoreException e) {
      metrics.rejected("store").increment();
      throw e;
    }
  }

  private boolean offer(Pending pending, long nanos) {
    if (overflowPolicy == OverflowPolicy.FAIL) {
      return handoff.offer(pending);
    }
    try {
      return handoff.offer(pending, nanos);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /**
   * Fixes id, time and observer once; validates the complete event, which may not carry an
   * attachment of the integrity format (only the Auditor stamps).
   */
  private CadfEvent complete(CadfEvent event) {
    CadfEvent complete = event.withDefaults(clock, observer);
    try {
      CadfValidator.validate(complete);
      refuseReservedAttachments(complete);
    } catch (CadfValidationException e) {
      metrics.rejected("invalid").increment();
      throw e;
    }
    return complete;
  }

  private static void refuseReservedAttachments(CadfEvent event) {
    if (event.attachments() == null) {
      return;
    }
    for (int i = 0; i < event.attachments().size(); i++) {
      String typeUri = event.attachments().get(i).typeURI();
      if (typeUri != null && typeUri.startsWith(RESERVED_TYPE_URI)) {
        throw new CadfValidationException(
            List.of(
                new CadfValidationException.Violation(
                    "attachments[" + i + "].typeURI",
                    "'"
                        + typeUri
                        + "' is reserved for the Auditor's integrity stamps and checkpoints;"
                        + " use another typeURI")));
      }
    }
  }

  /** The prefix of the attachment types only the Auditor writes. */
  private static final String RESERVED_TYPE_URI = "auditrelay:";

  private SerializedEvent serialize(CadfEvent event) {
    return serialize(event, CadfJson.write(event));
  }

  /** The message of {@code event}, whose CADF bytes are {@code cadf}, within the size limit. */
  private SerializedEvent serialize(CadfEvent event, byte[] cadf) {
    byte[] body = wireFormat.encode(event, cadf);
    if (body.length > maxEventSize) {
      metrics.rejected("oversize").increment();
      throw new CadfValidationException(
          List.of(
              new CadfValidationException.Violation(
                  "(event)",
                  "is "
                      + body.length
                      + " bytes serialized, more than the maximum of "
                      + maxEventSize
                      + " bytes (maxEventSize); shorten attachments or names")));
    }
    return new SerializedEvent(event.id(), body);
  }

  @Override
  public Optional<AuditorState> state() {
    return Optional.of(
        new AuditorState(
            mode,
            store.type(),
            store.stats(),
            handoff.size() + loop.heldCount(),
            loop.brokerUp(),
            loop.storeFull(),
            loop.storeFailing(),
            thread.isAlive() || closed
                ? loop.deliveryProblem()
                : "the delivery thread is not running",
            stamper == null
                ? null
                : new AuditorState.Trail(
                    stamper.stream(),
                    stamper.epoch(),
                    stamper.keyId(),
                    stamper.publicKeyPem(),
                    (long) metrics.quarantined("tampered").count())));
  }

  @Override
  public void close() {
    intake.writeLock().lock();
    try {
      if (closed) {
        return;
      }
      closed = true;
    } finally {
      intake.writeLock().unlock();
    }
    long deadline = System.nanoTime() + shutdownTimeout.toNanos();
    loop.stop(deadline);
    try {
      thread.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()) + 1000));
      if (thread.isAlive()) {
        thread.interrupt();
        thread.join(5000);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    long lost = 0;
    for (Pending pending : loop.undelivered()) {
      if (pending
          .future()
          .lost(new IllegalStateException("Auditor closed before the event was durable"))) {
        lost++; // not those their callers withdrew
      }
    }
    if (!store.durable()) {
      StoreStats left = store.stats();
      lost += left.events();
      if (left.quarantinedEvents() > 0) {
        // Quarantined events leave with a store that does not outlive the process: count them.
        lost += left.quarantinedEvents();
        log.error(
            "Audit events LOST at shutdown of Auditor '{}': {} quarantined event(s) of the {} store"
                + " end with the process",
            name,
            left.quarantinedEvents(),
            store.type());
      }
    }
    if (lost > 0) {
      metrics.lost().increment(lost);
      log.error(
          "Audit events LOST at shutdown of Auditor '{}': {} event(s) could not be published or"
              + " stored within shutdownTimeout={} ({} store)",
          name,
          lost,
          shutdownTimeout,
          store.type());
    }
    publisher.close();
    store.observe(StoreObserver.NONE);
    if (closeStore) {
      try {
        store.close();
      } catch (RuntimeException e) {
        log.error("Closing the audit {} store failed", store.type(), e);
      }
    }
    metrics.close();
    if (shutdownHook != null && Thread.currentThread() != shutdownHook) {
      try {
        Runtime.getRuntime().removeShutdownHook(shutdownHook);
      } catch (IllegalStateException e) {
        // JVM shutdown already in progress
      }
    }
  }

  @Override
  public String toString() {
    return "Auditor[" + name + ", " + mode + ", store=" + store.type() + "]";
  }
}
