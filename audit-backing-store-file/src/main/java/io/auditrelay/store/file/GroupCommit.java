package io.auditrelay.store.file;

import io.auditrelay.store.BackingStoreException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place that decides when the store syncs, by its {@link FsyncPolicy}: {@code always}
 * forces before an append returns, and appends that arrive while an fsync runs share the next one
 * (one thread forces, the others wait for it); {@code interval} lets a thread of its own force
 * every interval and appends wait for it; {@code never} makes an append durable when written.
 *
 * <p>Thread-safe: {@code syncing} and {@code closed} are guarded by this object's monitor. Lock
 * order: this monitor, then the store's lock (the log's {@link Log#syncOnce} takes it); never the
 * reverse.
 */
final class GroupCommit {

  private static final Logger log = LoggerFactory.getLogger(FileBackingStore.class);

  /** What the group commit syncs. */
  interface Log {
    /** The last sequence known durable; read without any lock (volatile). */
    long durableSequence();

    /** The last sequence written (takes the store's lock). */
    long writtenSequence();

    /**
     * Forces what is written, then marks it durable or recovers from the failure; returns the last
     * sequence the attempt covered (made durable, or rewritten or voided after the failure).
     */
    long syncOnce();

    /** Names the store in messages. */
    String name();
  }

  private final FsyncPolicy policy;
  private final Log store;
  private final @Nullable Thread syncer;
  private boolean syncing;
  private boolean closed;

  /** The last sequence the latest sync attempt covered, guarded by this monitor. */
  private long attemptedThrough = -1;

  /** Background syncs that failed, guarded by this monitor. */
  private long failures;

  /**
   * The last sequence the latest failed background sync covered, guarded by this monitor. An append
   * whose records were written after that sync began was never part of it and waits for the next
   * one.
   */
  private long failedThrough = -1;

  GroupCommit(FsyncPolicy policy, long intervalMillis, Log store) {
    this.policy = policy;
    this.store = store;
    if (policy == FsyncPolicy.INTERVAL) {
      syncer = new Thread(() -> syncEvery(intervalMillis), "audit-file-store-fsync");
      syncer.setDaemon(true);
      syncer.start();
    } else {
      syncer = null;
    }
  }

  /** Whether a record is durable once written: the store marks it so itself ({@code never}). */
  boolean durableOnWrite() {
    return policy == FsyncPolicy.NEVER;
  }

  /**
   * Returns once {@code sequence} is durable; throws when it cannot be made durable (the fsync
   * failed, or the store closed first).
   */
  void awaitDurable(long sequence) {
    switch (policy) {
      case ALWAYS -> syncThrough(sequence);
      case INTERVAL -> awaitInterval(sequence);
      case NEVER -> {}
    }
  }

  /** Stops the interval thread and forces what is written but not durable yet. */
  void close() {
    if (syncer != null) {
      syncer.interrupt();
    }
    if (policy != FsyncPolicy.NEVER && store.durableSequence() < store.writtenSequence()) {
      try {
        syncThrough(store.writtenSequence());
      } catch (BackingStoreException e) {
        log.error("Final fsync of audit file store {} failed", store.name(), e);
      }
    }
    synchronized (this) {
      closed = true;
      notifyAll();
    }
  }

  private synchronized void syncThrough(long sequence) {
    while (store.durableSequence() < sequence) {
      if (syncing) {
        waitHere();
        continue;
      }
      syncing = true;
      try {
        attemptedThrough = Long.MAX_VALUE; // what stays if the attempt throws: all it may cover
        attemptedThrough = store.syncOnce();
      } finally {
        syncing = false;
        notifyAll();
      }
      if (store.durableSequence() < sequence) {
        throw new BackingStoreException(
            "file store " + store.name() + ": records were not made durable (fsync failed)");
      }
    }
  }

  private synchronized void awaitInterval(long sequence) {
    long failuresBefore = failures;
    while (store.durableSequence() < sequence && !closed) {
      if (failures != failuresBefore && failedThrough >= sequence) {
        throw new BackingStoreException(
            "file store " + store.name() + ": records were not made durable (fsync failed)");
      }
      waitHere();
    }
    if (store.durableSequence() < sequence) {
      throw new BackingStoreException(
          "file store " + store.name() + " closed before the records were durable");
    }
  }

  private void syncEvery(long intervalMillis) {
    while (!Thread.currentThread().isInterrupted()) {
      try {
        Thread.sleep(intervalMillis); // the fsync cadence itself, not a wait for a condition
      } catch (InterruptedException e) {
        return;
      }
      RuntimeException failed = null;
      synchronized (this) {
        // The failure is counted under the same hold of this monitor as the sync that failed, so
        // an append that starts waiting after it never takes it for its own.
        long written = store.writtenSequence();
        if (store.durableSequence() < written) {
          try {
            syncThrough(written);
          } catch (RuntimeException e) {
            failures++;
            failedThrough = attemptedThrough;
            notifyAll();
            failed = e;
          }
        }
      }
      if (failed != null) {
        // The thread goes on whatever failed; appenders waiting for this range fail.
        log.error("Background fsync of audit file store {} failed", store.name(), failed);
      }
    }
  }

  private void waitHere() {
    try {
      wait(100);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new BackingStoreException("interrupted while waiting for fsync");
    }
  }
}
