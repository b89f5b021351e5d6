package io.auditrelay.core;

/**
 * What became of one published message.
 *
 * @param status the outcome
 * @param reason low-cardinality reason for metrics: {@code nack}, {@code returned}, {@code
 *     timeout}, {@code closed}, {@code blocked} or {@code error}; empty when confirmed
 * @param sent false only when the message was never written to a channel, so the broker cannot have
 *     it: the event may then still be withdrawn
 */
record PublishResult(Status status, String reason, boolean sent) {

  static final PublishResult CONFIRMED = new PublishResult(Status.CONFIRMED, "");

  PublishResult(Status status, String reason) {
    this(status, reason, true);
  }

  enum Status {
    /** Acked by the broker with no return before the ack: delivered. */
    CONFIRMED,
    /**
     * Refused by a broker that is otherwise working (a nack, or returned as unroutable): the
     * message itself may be the problem, so it counts toward quarantine.
     */
    REJECTED,
    /**
     * No answer: timeout, closed channel or connection, no connection. The broker is the problem.
     */
    UNCONFIRMED
  }

  static PublishResult rejected(String reason) {
    return new PublishResult(Status.REJECTED, reason);
  }

  static PublishResult unconfirmed(String reason) {
    return new PublishResult(Status.UNCONFIRMED, reason);
  }

  /** Not confirmed because it was never written to a channel (no connection, a blocked one). */
  static PublishResult unsent(String reason) {
    return new PublishResult(Status.UNCONFIRMED, reason, false);
  }
}
