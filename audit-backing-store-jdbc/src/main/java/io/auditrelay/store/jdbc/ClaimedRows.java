package io.auditrelay.store.jdbc;

import io.auditrelay.store.SerializedEvent;
import io.auditrelay.store.StoredEvent;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.RowCallbackHandler;

/**
 * Reads claimed rows (columns seq, event_id, payload, payload_bytes, payload_crc, attempts) and
 * tells the readable ones from those whose payload changed or is NULL. Not thread-safe: one per
 * read.
 */
final class ClaimedRows implements RowCallbackHandler {

  private final List<StoredEvent> readable = new ArrayList<>();
  private final Map<StoredEvent, String> corrupt = new LinkedHashMap<>();

  @Override
  public void processRow(ResultSet rows) throws SQLException {
    long sequence = rows.getLong(1);
    String id = rows.getString(2);
    String text = rows.getString(3);
    int length = rows.getInt(4);
    long crc = rows.getLong(5);
    int refusals = rows.getInt(6);
    byte[] payload = Payloads.bytes(text == null ? "" : text);
    // As long as the row says, so that the quarantine counts what the backlog counted.
    StoredEvent asCounted = new StoredEvent(sequence, id == null ? "" : id, new byte[length]);
    @Nullable String damage = damage(id, text, payload, length, crc);
    if (damage != null) {
      corrupt.put(asCounted, damage);
    } else {
      readable.add(new StoredEvent(sequence, new SerializedEvent(id, payload), refusals));
    }
  }

  /**
   * What is wrong with a row as the medium kept it, or null when it reads back as it was written.
   *
   * @param payload the bytes of {@code text} (empty when it is NULL)
   */
  static @Nullable String damage(
      @Nullable String id, @Nullable String text, byte[] payload, int length, long crc) {
    if (id == null || text == null) {
      return "event id or payload is NULL";
    }
    if (payload.length != length) {
      return "payload is " + payload.length + " bytes, the row says " + length;
    }
    if (Payloads.crc(payload) != crc) {
      return "payload checksum mismatch (the row was changed)";
    }
    return null;
  }

  /** The rows that read back as they were written, in sequence order. */
  List<StoredEvent> readable() {
    return readable;
  }

  /** The rows that did not, with the reason of each. */
  Map<StoredEvent, String> corrupt() {
    return corrupt;
  }
}
