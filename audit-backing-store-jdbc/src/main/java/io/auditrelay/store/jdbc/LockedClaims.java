package io.auditrelay.store.jdbc;

import io.auditrelay.store.BackingStoreException;
import io.auditrelay.store.Claim;
import io.auditrelay.store.StoredEvent;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessException;

/**
 * Claims with {@code SELECT ... ORDER BY seq LIMIT n FOR UPDATE SKIP LOCKED}: the rows stay locked
 * by an open transaction ({@link OpenClaim}) while they are published, so another instance skips
 * them; quarantine and release work inside that transaction, which commits at the acknowledge (or
 * when every row of it was dealt with). A crash or a lost connection rolls it back and the rows
 * return to the head.
 */
final class LockedClaims implements Claims {

  private static final Logger log = LoggerFactory.getLogger(LockedClaims.class);

  private final EventTable rows;
  private final Map<Long, OpenClaim> open = new HashMap<>();

  LockedClaims(EventTable rows) {
    this.rows = rows;
  }

  @Override
  public Claim claim(int limit) {
    while (true) {
      OpenClaim transaction;
      try {
        transaction = rows.database().beginClaim();
      } catch (SQLException e) {
        throw SqlFailures.failure(rows.tableName(), "claiming events", e);
      }
      try {
        ClaimedRows read = rows.lockOldest(transaction.jdbc(), limit);
        if (!read.corrupt().isEmpty()) {
          // Out of the queue at once; the readable rows are claimed again, freshly locked.
          rows.quarantineUnreadable(transaction.jdbc(), read.corrupt(), null, transaction::commit);
          continue;
        }
        List<StoredEvent> claimed = read.readable();
        if (claimed.isEmpty()) {
          transaction.abandon();
          return Claim.empty();
        }
        transaction.hold(claimed);
        claimed.forEach(e -> open.put(e.sequence(), transaction));
        return new Claim(claimed);
      } catch (DataAccessException e) {
        transaction.abandon();
        throw SqlFailures.failure(rows.tableName(), "claiming events", e);
      } catch (RuntimeException e) {
        transaction.abandon();
        throw e;
      }
    }
  }

  @Override
  public void acknowledge(Claim claim) {
    List<StoredEvent> stale = new ArrayList<>();
    for (Map.Entry<OpenClaim, List<StoredEvent>> part : byTransaction(claim, stale).entrySet()) {
      OpenClaim transaction = part.getKey();
      List<StoredEvent> events = part.getValue();
      forget(transaction);
      rows.estimate().beginChange();
      try {
        int deleted = rows.deleteAndCommit(transaction.jdbc(), events);
        transaction.commit();
        countQuarantined(transaction);
        rows.countRemoved(events, deleted);
      } catch (SQLException | DataAccessException e) {
        transaction.abandon();
        throw SqlFailures.failure(
            rows.tableName(), "acknowledging " + events.size() + " events", e);
      } finally {
        rows.estimate().endChange();
      }
    }
    if (!stale.isEmpty()) {
      // Delivered events whose claim transaction ended (an earlier acknowledge failed): delete
      // them now, so they are not published again.
      rows.estimate().beginChange();
      try {
        rows.countRemoved(
            stale, rows.database().inTransaction(jdbc -> rows.delete(jdbc, stale, null)));
      } catch (DataAccessException e) {
        throw SqlFailures.failure(rows.tableName(), "acknowledging " + stale.size() + " events", e);
      } finally {
        rows.estimate().endChange();
      }
    }
  }

  @Override
  public void release(Claim claim, String reason, boolean refused) {
    // Events of an ended claim transaction are back in the queue already.
    for (Map.Entry<OpenClaim, List<StoredEvent>> part :
        byTransaction(claim, new ArrayList<>()).entrySet()) {
      OpenClaim transaction = part.getKey();
      List<StoredEvent> events = part.getValue();
      try {
        rows.countAttempt(transaction.jdbc(), events, reason, refused, null);
      } catch (DataAccessException e) {
        // The attempt is not counted; the rows return to the head with the rollback.
        forget(transaction);
        transaction.abandon();
        throw SqlFailures.failure(rows.tableName(), "releasing " + events.size() + " events", e);
      }
      finishIfResolved(transaction, events);
    }
  }

  @Override
  public void quarantine(Claim claim, String reason) {
    List<StoredEvent> stale = new ArrayList<>();
    for (Map.Entry<OpenClaim, List<StoredEvent>> part : byTransaction(claim, stale).entrySet()) {
      OpenClaim transaction = part.getKey();
      List<StoredEvent> events = part.getValue();
      try {
        rows.moveToQuarantine(transaction.jdbc(), events, reason, null);
        transaction.quarantined(events.size(), EventTable.bytes(events));
      } catch (DataAccessException e) {
        forget(transaction);
        transaction.abandon();
        throw SqlFailures.failure(rows.tableName(), "quarantining " + events.size() + " events", e);
      }
      finishIfResolved(transaction, events);
    }
    if (!stale.isEmpty()) {
      log.debug(
          "Not quarantining {} event(s) of an ended claim: they are back in the queue",
          stale.size());
    }
  }

  /**
   * Writes the new payloads in each claim's transaction and commits it (all are durable, or a
   * failure rolls back and the rows return to the head), then locks its rows again without waiting.
   * Rows another instance took in between leave the claim: they hold the new payloads.
   */
  @Override
  public Claim rewrite(Claim claim, List<StoredEvent> rewritten) {
    List<StoredEvent> stale = new ArrayList<>();
    Map<OpenClaim, List<StoredEvent>> parts = byTransaction(new Claim(rewritten), stale);
    if (!stale.isEmpty()) {
      throw SqlFailures.failure(
          rows.tableName(),
          "stamping claimed events",
          new SQLException(stale.size() + " of them are no longer claimed"));
    }
    List<Long> lost = new ArrayList<>();
    for (Map.Entry<OpenClaim, List<StoredEvent>> part : parts.entrySet()) {
      OpenClaim transaction = part.getKey();
      try {
        int written = rows.rewrite(transaction.jdbc(), part.getValue(), null);
        if (written != part.getValue().size()) {
          throw new SQLException(
              "only " + written + " of " + part.getValue().size() + " rows took them");
        }
        transaction.commitAndContinue();
      } catch (SQLException | DataAccessException e) {
        forget(transaction);
        transaction.abandon();
        throw SqlFailures.failure(rows.tableName(), "stamping claimed events", e);
      }
      // Durable now: from here on a failure must not undo the stamps, only shrink the claim.
      List<Long> held = new ArrayList<>(transaction.unresolved());
      java.util.Set<Long> locked;
      try {
        locked = rows.relock(transaction.jdbc(), held);
      } catch (DataAccessException e) {
        log.warn("Could not lock stamped audit events again; another instance will drain them", e);
        locked = java.util.Set.of();
      }
      List<StoredEvent> gone = new ArrayList<>();
      for (StoredEvent event : claim.events()) {
        if (transaction.unresolved().contains(event.sequence())
            && !locked.contains(event.sequence())) {
          gone.add(event);
        }
      }
      if (!gone.isEmpty()) {
        gone.forEach(e -> lost.add(e.sequence()));
        finishQuietly(transaction, gone);
      }
    }
    Claim updated = claim.with(rewritten);
    if (lost.isEmpty()) {
      return updated;
    }
    List<Long> kept = new ArrayList<>();
    updated.events().forEach(e -> kept.add(e.sequence()));
    kept.removeAll(lost);
    return updated.subset(kept);
  }

  /** Lets go of rows another instance holds now; ends the transaction when none is left. */
  private void finishQuietly(OpenClaim transaction, List<StoredEvent> gone) {
    try {
      finishIfResolved(transaction, gone);
    } catch (BackingStoreException e) {
      log.debug("Ending a claim whose rows were taken over failed", e);
    }
  }

  @Override
  public void close() {
    new HashSet<>(open.values()).forEach(OpenClaim::abandon);
    open.clear();
  }

  /** Groups claimed events by their open transaction; the others go to {@code stale}. */
  private Map<OpenClaim, List<StoredEvent>> byTransaction(Claim claim, List<StoredEvent> stale) {
    Map<OpenClaim, List<StoredEvent>> parts = new LinkedHashMap<>();
    for (StoredEvent event : claim.events()) {
      OpenClaim transaction = open.get(event.sequence());
      if (transaction == null) {
        stale.add(event);
      } else {
        parts.computeIfAbsent(transaction, t -> new ArrayList<>()).add(event);
      }
    }
    return parts;
  }

  private void finishIfResolved(OpenClaim transaction, List<StoredEvent> events) {
    events.forEach(e -> open.remove(e.sequence()));
    if (!transaction.resolve(events)) {
      return;
    }
    rows.estimate().beginChange();
    try {
      transaction.commit();
      countQuarantined(transaction);
    } catch (SQLException e) {
      transaction.abandon();
      throw SqlFailures.failure(rows.tableName(), "ending a claim", e);
    } finally {
      rows.estimate().endChange();
    }
  }

  private void countQuarantined(OpenClaim transaction) {
    rows.estimate().quarantined(transaction.quarantinedEvents(), transaction.quarantinedBytes());
  }

  private void forget(OpenClaim transaction) {
    transaction.unresolved().forEach(open::remove);
  }
}
