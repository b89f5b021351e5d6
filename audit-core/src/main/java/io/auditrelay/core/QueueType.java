package io.auditrelay.core;

/** The type of the queue the Auditor declares. */
public enum QueueType {
  /** A durable classic queue. The default. */
  CLASSIC,
  /** A quorum queue, replicated across a RabbitMQ cluster (RabbitMQ 3.8+). */
  QUORUM
}
