package io.auditrelay.archive;

import io.auditrelay.archive.ArchiveResult.Outcome;
import io.auditrelay.integrity.IntegrityStamp;
import io.auditrelay.integrity.VerificationKeys;
import io.auditrelay.store.jdbc.AuditMigrations;
import io.auditrelay.store.jdbc.Payloads;
import io.auditrelay.verify.TrailMessage;
import io.auditrelay.verify.TrailReport;
import io.auditrelay.verify.TrailVerifier;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowCallbackHandler;

/**
 * An archive of audit events in one SQL table, keyed on the CADF id, so that an event delivered
 * twice (the broker redelivers after a consumer crash; a producer publishes again after a lost
 * confirm) is kept once. Each event is kept as its exact bytes (text, never JSON types, which
 * reorder keys) beside its integrity stamp's stream, epoch, sequence and hashes, so the whole trail
 * can be proven later from the table alone: {@code audit-verify --jdbc URL --table audit_archive
 * --column body}.
 *
 * <p>On the way in, each event is checked against what is already archived: against the neighbours
 * of its position in its stream (the hash chain), and its checkpoint against its signature. A
 * mismatch is archived as evidence with its problem ({@link Outcome#SUSPECT}); an event whose id or
 * position is archived with other bytes is refused ({@link Outcome#CONFLICT}). Holes and cuts need
 * the whole trail: the verifier finds them.
 *
 * <p>Tables are created and upgraded by Flyway from {@code db/audit-archive/{vendor}/V*.sql}
 * (PostgreSQL, MariaDB, MySQL, H2), with a history table of their own ({@code
 * <table>_schema_history}). Thread-safe: several consumers, in one process or many, may store into
 * one table at once.
 */
public final class AuditArchive {

  /** The table used when none is named. */
  public static final String DEFAULT_TABLE = "audit_archive";

  private static final int MAX_ID_LENGTH = 128;
  private static final int MAX_PROBLEM_LENGTH = 500;
  private static final String COLUMNS =
      "event_id, body, body_sha256, stream, epoch, seq, prev_sha256, received_at";

  private final JdbcTemplate jdbc;
  private final String table;
  private final String insert;
  private final boolean duplicateKeyThrows;
  private final VerificationKeys keys;
  private final Clock clock;

  /**
   * An archive on {@code tableName}.
   *
   * @param keys the producers' public keys, to check checkpoints' signatures as they arrive ({@link
   *     VerificationKeys#none()}: their consistency only)
   * @param migrate whether to create or upgrade the table with Flyway first; when false it must
   *     exist (created with the scripts of this module's jar)
   * @throws IllegalArgumentException when {@code tableName} is not a lower-case SQL identifier of
   *     at most 42 characters
   * @throws io.auditrelay.store.BackingStoreException when the database cannot be reached, is not
   *     supported, or the migration fails
   */
  public AuditArchive(
      DataSource dataSource, String tableName, VerificationKeys keys, boolean migrate) {
    this(dataSource, tableName, keys, migrate, Clock.systemUTC());
  }

  AuditArchive(
      DataSource dataSource,
      String tableName,
      VerificationKeys keys,
      boolean migrate,
      Clock clock) {
    String vendor =
        migrate
            ? AuditMigrations.migrate(
                dataSource,
                "db/audit-archive",
                tableName,
                Map.of("archive", tableName),
                "audit archive",
                "audit-archive")
            : AuditMigrations.vendor(dataSource, "audit archive");
    this.jdbc = new JdbcTemplate(dataSource);
    this.table = AuditMigrations.quote(vendor, tableName);
    String values = " (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?)";
    // Each ignores a row whose id or position is taken; what is taken is then looked up. MariaDB's
    // INSERT IGNORE would also turn a value too long for its column into a warning: every value is
    // checked against its column before it gets there.
    this.insert =
        switch (vendor) {
          case "postgresql" -> "INSERT INTO " + table + values + " ON CONFLICT DO NOTHING";
          case "mariadb", "mysql" -> "INSERT IGNORE INTO " + table + values;
          default -> "INSERT INTO " + table + values;
        };
    this.duplicateKeyThrows = vendor.equals("h2");
    this.keys = Objects.requireNonNull(keys, "keys");
    this.clock = clock;
  }

  /**
   * Archives one event, the body of one message as delivered. Idempotent: storing the same bytes
   * again gives {@link Outcome#DUPLICATE} and changes nothing.
   *
   * @throws org.springframework.dao.DataAccessException when the database fails: nothing is known
   *     to be archived, so the message must be kept (and delivered again)
   */
  public ArchiveResult store(byte[] body) {
    String text = Payloads.columnText(body);
    TrailMessage message = TrailMessage.read(body);
    String id = message.id();
    if (text == null || message.kind() == TrailMessage.Kind.UNREADABLE) {
      return new ArchiveResult(
          Outcome.UNREADABLE,
          id,
          text == null
              ? "the body is not UTF-8 text a column can keep (invalid UTF-8 or U+0000)"
              : "the body is not a JSON object with a readable integrity stamp");
    }
    if (id == null || id.isEmpty() || id.length() > MAX_ID_LENGTH) {
      return new ArchiveResult(
          Outcome.UNREADABLE, null, "the event has no CADF id of 1 to 128 characters");
    }
    @Nullable IntegrityStamp stamp = message.stamp();
    if (!insert(id, text, message, stamp)) {
      return taken(id, message, stamp);
    }
    @Nullable String problem = problem(message, stamp);
    if (problem == null) {
      return new ArchiveResult(Outcome.STORED, id, null);
    }
    jdbc.update(
        "UPDATE " + table + " SET problem = ? WHERE event_id = ?",
        problem.length() > MAX_PROBLEM_LENGTH ? problem.substring(0, MAX_PROBLEM_LENGTH) : problem,
        id);
    return new ArchiveResult(Outcome.SUSPECT, id, problem);
  }

  /**
   * Proves the archived trail from the table alone, as {@code audit-verify --jdbc} does, with the
   * keys this archive was given. Reads every row: on a large archive run the CLI instead.
   */
  public TrailReport verify() {
    TrailVerifier verifier = new TrailVerifier(keys);
    jdbc.query(
        "SELECT body FROM " + table,
        (RowCallbackHandler)
            row -> verifier.accept(row.getString(1).getBytes(StandardCharsets.UTF_8)));
    return verifier.report();
  }

  /** Whether the row went in; false when its id or its position was taken. */
  private boolean insert(
      String id, String text, TrailMessage message, @Nullable IntegrityStamp stamp) {
    Object[] values = {
      id,
      text,
      message.hash(),
      stamp == null ? null : stamp.stream(),
      stamp == null ? null : stamp.epoch(),
      stamp == null ? null : stamp.seq(),
      stamp == null ? null : stamp.prev(),
      clock.millis()
    };
    try {
      return jdbc.update(insert, values) == 1;
    } catch (DuplicateKeyException e) {
      if (duplicateKeyThrows) {
        return false;
      }
      throw e;
    }
  }

  /** Why a row did not go in: the same event again, or another one where it belongs. */
  private ArchiveResult taken(String id, TrailMessage message, @Nullable IntegrityStamp stamp) {
    List<String> byId =
        jdbc.queryForList(
            "SELECT body_sha256 FROM " + table + " WHERE event_id = ?", String.class, id);
    if (!byId.isEmpty()) {
      if (byId.get(0).equals(message.hash())) {
        return new ArchiveResult(Outcome.DUPLICATE, id, null);
      }
      return new ArchiveResult(
          Outcome.CONFLICT,
          id,
          "another event with id "
              + id
              + " is archived with other bytes: one is forged or altered");
    }
    if (stamp != null) {
      List<String> byPosition =
          jdbc.queryForList(
              "SELECT event_id FROM " + table + " WHERE stream = ? AND epoch = ? AND seq = ?",
              String.class,
              stamp.stream(),
              stamp.epoch(),
              stamp.seq());
      if (!byPosition.isEmpty()) {
        return new ArchiveResult(
            Outcome.CONFLICT,
            id,
            "sequence "
                + stamp.seq()
                + " of "
                + stamp.stream()
                + "/"
                + stamp.epoch()
                + " is archived as event "
                + byPosition.get(0)
                + ": one of the two is forged");
      }
    }
    // Neither is taken now: the other row went between the insert and the look-up (deleted).
    throw new IllegalStateException(
        "audit archive: event " + id + " was neither inserted nor found; store it again");
  }

  /** What is wrong with an archived event, seen against its archived neighbours. */
  private @Nullable String problem(TrailMessage message, @Nullable IntegrityStamp stamp) {
    @Nullable String checkpoint = message.checkpointProblem(keys);
    if (checkpoint != null || stamp == null) {
      return checkpoint;
    }
    String position = stamp.stream() + "/" + stamp.epoch();
    for (Map<String, Object> row :
        jdbc.queryForList(
            "SELECT seq, body_sha256, prev_sha256 FROM "
                + table
                + " WHERE stream = ? AND epoch = ? AND seq IN (?, ?)",
            stamp.stream(),
            stamp.epoch(),
            stamp.seq() - 1,
            stamp.seq() + 1)) {
      long seq = ((Number) row.get("seq")).longValue();
      if (seq == stamp.seq() - 1 && !stamp.prev().equals(row.get("body_sha256"))) {
        return "seq "
            + stamp.seq()
            + " of "
            + position
            + " does not link to seq "
            + seq
            + " archived before it: one of the two was altered or forged";
      }
      if (seq == stamp.seq() + 1 && !message.hash().equals(row.get("prev_sha256"))) {
        return "seq "
            + seq
            + " of "
            + position
            + ", archived before, does not link to this seq "
            + stamp.seq()
            + ": one of the two was altered or forged";
      }
    }
    return null;
  }
}
