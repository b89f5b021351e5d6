package io.auditrelay.store.jdbc;

import io.auditrelay.store.Claim;
import io.auditrelay.store.StoredEvent;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.dao.DataAccessException;

/**
 * Claims with a lease, for MariaDB before 10.6 and MySQL before 8.0, which have no {@code SKIP
 * LOCKED}: a short transaction marks the oldest free rows with a new owner token and an expiry
 * ({@value #LEASE_MILLIS} ms, timed by the database's clock so that instances need not agree on
 * time), and reads them back. Acknowledge, release and quarantine act only on rows that still carry
 * the token. A lease that expires (the instance died, or stalled longer than the lease) lets
 * another instance take the rows: the only way a row is published twice.
 */
final class LeasedClaims implements Claims {

  /** How long a claim is held: far beyond the publisher's confirm timeout. */
  static final long LEASE_MILLIS = 60_000;

  private final EventTable rows;
  private final Map<Long, String> owners = new HashMap<>();

  LeasedClaims(EventTable rows) {
    this.rows = rows;
  }

  @Override
  public Claim claim(int limit) {
    while (true) {
      String owner = UUID.randomUUID().toString();
      ClaimedRows read;
      try {
        read =
            rows.database()
                .inClaimTransaction(
                    jdbc -> {
                      ClaimedRows leased = rows.leaseOldest(jdbc, owner, LEASE_MILLIS, limit);
                      if (!leased.corrupt().isEmpty()) {
                        // committed with the lease, by the template
                        rows.quarantineUnreadable(jdbc, leased.corrupt(), owner, () -> {});
                      }
                      return leased;
                    });
      } catch (DataAccessException e) {
        throw SqlFailures.failure(rows.tableName(), "claiming events", e);
      }
      List<StoredEvent> claimed = read.readable();
      if (claimed.isEmpty() && !read.corrupt().isEmpty()) {
        continue; // only unreadable rows, now in quarantine: look behind them
      }
      claimed.forEach(e -> owners.put(e.sequence(), owner));
      return claimed.isEmpty() ? Claim.empty() : new Claim(claimed);
    }
  }

  @Override
  public void acknowledge(Claim claim) {
    for (Map.Entry<String, List<StoredEvent>> lease : byOwner(claim).entrySet()) {
      List<StoredEvent> events = lease.getValue();
      rows.estimate().beginChange();
      try {
        int deleted =
            rows.database().inTransaction(jdbc -> rows.delete(jdbc, events, lease.getKey()));
        rows.countRemoved(events, deleted);
      } catch (DataAccessException e) {
        throw SqlFailures.failure(
            rows.tableName(), "acknowledging " + events.size() + " events", e);
      } finally {
        rows.estimate().endChange();
      }
      forget(events);
    }
  }

  @Override
  public void release(Claim claim, String reason, boolean refused) {
    for (Map.Entry<String, List<StoredEvent>> lease : byOwner(claim).entrySet()) {
      List<StoredEvent> events = lease.getValue();
      try {
        rows.database()
            .inTransaction(
                jdbc -> {
                  rows.countAttempt(jdbc, events, reason, refused, lease.getKey());
                  return null;
                });
      } catch (DataAccessException e) {
        throw SqlFailures.failure(rows.tableName(), "releasing " + events.size() + " events", e);
      }
      forget(events);
    }
  }

  @Override
  public void quarantine(Claim claim, String reason) {
    for (Map.Entry<String, List<StoredEvent>> lease : byOwner(claim).entrySet()) {
      List<StoredEvent> events = lease.getValue();
      rows.estimate().beginChange();
      try {
        rows.database()
            .inTransaction(
                jdbc -> {
                  rows.moveToQuarantine(jdbc, events, reason, lease.getKey());
                  return null;
                });
        rows.estimate().quarantined(events.size(), EventTable.bytes(events));
      } catch (DataAccessException e) {
        throw SqlFailures.failure(rows.tableName(), "quarantining " + events.size() + " events", e);
      } finally {
        rows.estimate().endChange();
      }
      forget(events);
    }
  }

  /**
   * Writes the new payloads in one transaction, each row only while this instance's lease holds it;
   * a row whose lease was taken over rolls back all of them. The rows stay leased.
   */
  @Override
  public Claim rewrite(Claim claim, List<StoredEvent> rewritten) {
    Map<String, List<StoredEvent>> leases = byOwner(new Claim(rewritten));
    int leased = leases.values().stream().mapToInt(List::size).sum();
    if (leased != rewritten.size()) {
      throw SqlFailures.failure(
          rows.tableName(),
          "stamping claimed events",
          new SQLException((rewritten.size() - leased) + " of them are no longer claimed"));
    }
    try {
      rows.database()
          .inTransaction(
              jdbc -> {
                for (Map.Entry<String, List<StoredEvent>> lease : leases.entrySet()) {
                  int written = rows.rewrite(jdbc, lease.getValue(), lease.getKey());
                  if (written != lease.getValue().size()) {
                    throw new IllegalStateException(
                        (lease.getValue().size() - written)
                            + " of the rows are leased by another instance now");
                  }
                }
                return null;
              });
    } catch (DataAccessException | IllegalStateException e) {
      throw SqlFailures.failure(rows.tableName(), "stamping claimed events", e);
    }
    return claim.with(rewritten);
  }

  @Override
  public void close() {
    // Nothing is held open: leases run out by themselves.
    owners.clear();
  }

  /** Claimed events by lease owner; events this store does not hold are ignored. */
  private Map<String, List<StoredEvent>> byOwner(Claim claim) {
    Map<String, List<StoredEvent>> parts = new LinkedHashMap<>();
    for (StoredEvent event : claim.events()) {
      String owner = owners.get(event.sequence());
      if (owner != null) {
        parts.computeIfAbsent(owner, o -> new ArrayList<>()).add(event);
      }
    }
    return parts;
  }

  private void forget(List<StoredEvent> events) {
    events.forEach(e -> owners.remove(e.sequence()));
  }
}
