package io.auditrelay.core;

import io.auditrelay.store.SerializedEvent;
import java.util.List;

/** Sends batches to the broker and waits for their confirms. Used by the delivery thread only. */
interface Publisher extends AutoCloseable {

  /**
   * Publishes a batch and waits for every confirm until the confirm timeout.
   *
   * @return one result per event, in batch order; never throws for broker failures
   */
  List<PublishResult> publish(List<SerializedEvent> batch);

  /** Whether the connection is believed open (updated by connection listeners). */
  boolean connected();

  /** Why the last publish failed, secrets masked; empty before any failure. For logs and health. */
  String lastError();

  /** Registers the action to run when a connection to the broker is (re)established. */
  void onConnected(Runnable action);

  @Override
  void close();
}
