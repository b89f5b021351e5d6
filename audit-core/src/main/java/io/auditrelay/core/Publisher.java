package io.auditrelay.core;

import io.auditrelay.store.SerializedEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Sends batches to the broker and settles their confirms. Used by the delivery thread only.
 *
 * <p>Several batches may be in flight: each {@link #send} is followed, in the same order, by one
 * {@link #await} of what it returned. Order contract: when a batch fails for a channel or
 * connection (closed, timed out), every batch sent after it and not yet confirmed fails too, so a
 * later batch never becomes delivered while an earlier one goes back to the store.
 */
interface Publisher extends AutoCloseable {

  /**
   * Sends a batch without waiting for its confirms.
   *
   * @return one future per event, in batch order; never throws for broker failures (a batch that
   *     could not be sent comes back as completed, unconfirmed results)
   */
  Sent send(List<SerializedEvent> batch);

  /**
   * Waits for the confirms of a batch that {@link #send} returned, at most until its deadline.
   *
   * @return one result per event, in batch order; never throws for broker failures
   */
  default List<PublishResult> await(Sent sent) {
    List<PublishResult> results = new ArrayList<>(sent.results().size());
    for (CompletableFuture<PublishResult> result : sent.results()) {
      results.add(Sent.get(result, sent.deadlineNanos()));
    }
    return results;
  }

  /** Sends a batch and waits for its confirms. */
  default List<PublishResult> publish(List<SerializedEvent> batch) {
    return await(send(batch));
  }

  /** Whether the connection is believed open (updated by connection listeners). */
  boolean connected();

  /** Why the last publish failed, secrets masked; empty before any failure. For logs and health. */
  String lastError();

  /** Registers the action to run when a connection to the broker is (re)established. */
  void onConnected(Runnable action);

  @Override
  void close();

  /**
   * A batch in flight: one future per event, in batch order, and the {@link System#nanoTime}
   * deadline of its confirms.
   */
  record Sent(List<CompletableFuture<PublishResult>> results, long deadlineNanos) {

    /** A batch whose results are known at once (not sent, or sent synchronously). */
    static Sent settled(List<PublishResult> results) {
      List<CompletableFuture<PublishResult>> futures = new ArrayList<>(results.size());
      results.forEach(r -> futures.add(CompletableFuture.completedFuture(r)));
      return new Sent(futures, System.nanoTime());
    }

    /** The result of one event: unconfirmed with reason {@code timeout} after the deadline. */
    static PublishResult get(CompletableFuture<PublishResult> result, long deadlineNanos) {
      try {
        long remaining = Math.max(0, deadlineNanos - System.nanoTime());
        return result.get(remaining, TimeUnit.NANOSECONDS);
      } catch (TimeoutException e) {
        return PublishResult.unconfirmed("timeout");
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return PublishResult.unconfirmed("error");
      } catch (ExecutionException e) {
        return PublishResult.unconfirmed("error");
      }
    }
  }
}
