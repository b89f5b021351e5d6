package io.auditrelay.archive;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.EnumMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.amqp.AmqpRejectAndDontRequeueException;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageListener;

/**
 * A Spring AMQP listener that archives every audit event it receives ({@link AuditArchive}): for a
 * listener container in the default acknowledge mode ({@code AUTO}), a message is acknowledged only
 * once its event is archived (or known to be), so a consumer or database failure delivers it again
 * and the archive keeps it once.
 *
 * <ul>
 *   <li>stored, or a duplicate (dropped): acknowledged;
 *   <li>suspect (does not link to its archived neighbours, or a checkpoint that does not prove
 *       itself): archived with its problem, acknowledged, and logged at ERROR;
 *   <li>a conflict (its id or position archived with other bytes) or unreadable: logged at ERROR
 *       and rejected without requeueing, so the broker dead-letters it when the queue has a
 *       dead-letter exchange (give it one: otherwise the broker drops it);
 *   <li>the database failing: the exception goes to the container, which requeues the message.
 * </ul>
 *
 * Each outcome is counted in {@code audit.archive.events{outcome=stored|suspect|duplicate|conflict|
 * unreadable}}. Log lines name event ids and problems, never bodies. Thread-safe: one instance may
 * serve a container with several consumers.
 */
public final class VerifyingArchiveListener implements MessageListener {

  private static final Logger log = LoggerFactory.getLogger(VerifyingArchiveListener.class);

  private final AuditArchive archive;
  private final Map<ArchiveResult.Outcome, Counter> counters =
      new EnumMap<>(ArchiveResult.Outcome.class);

  /** A listener that stores into {@code archive} and counts in {@code registry}. */
  public VerifyingArchiveListener(AuditArchive archive, MeterRegistry registry) {
    this.archive = archive;
    for (ArchiveResult.Outcome outcome : ArchiveResult.Outcome.values()) {
      counters.put(
          outcome,
          Counter.builder("audit.archive.events")
              .description("Audit events received by the archive, by what became of them")
              .tag("outcome", outcome.name().toLowerCase(java.util.Locale.ROOT))
              .register(registry));
    }
  }

  @Override
  public void onMessage(Message message) {
    ArchiveResult result = archive.store(message.getBody());
    counters.get(result.outcome()).increment();
    switch (result.outcome()) {
      case STORED -> {}
      case DUPLICATE ->
          log.debug("Audit event {} archived before: duplicate dropped", result.eventId());
      case SUSPECT ->
          log.error(
              "Audit event {} archived as suspect: {} (see its row's problem column)",
              result.eventId(),
              result.problem());
      case CONFLICT, UNREADABLE -> {
        String what =
            "Audit event "
                + (result.eventId() == null ? "without an id" : result.eventId())
                + " (message "
                + message.getMessageProperties().getMessageId()
                + ") not archived: "
                + result.problem();
        log.error("{}; rejected to the queue's dead-letter exchange", what);
        throw new AmqpRejectAndDontRequeueException(what);
      }
    }
  }
}
