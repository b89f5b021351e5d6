package io.auditrelay.core;

import io.auditrelay.cadf.CadfEvent;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Map;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.util.RawValue;

/**
 * Builds the message body once, in {@code record()}: the same bytes are stored and published. The
 * oslo.messaging envelopes are deterministic (message id = CADF id, timestamp = event time), so a
 * re-published event is byte-identical to its first publication.
 */
final class WireFormat {

  private static final JsonMapper MAPPER = JsonMapper.builder().build();
  private static final DateTimeFormatter OSLO_TIME =
      DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm:ss.SSSSSS").withZone(ZoneOffset.UTC);

  private final MessageFormat format;
  private final String publisherId;
  private final String eventType;

  WireFormat(MessageFormat format, String publisherId, String eventType) {
    this.format = format;
    this.publisherId = publisherId;
    this.eventType = eventType;
  }

  /** The message body for {@code event}, whose CADF serialization is {@code cadf}. */
  byte[] encode(CadfEvent event, byte[] cadf) {
    if (format == MessageFormat.CADF) {
      return cadf;
    }
    Map<String, Object> message = new LinkedHashMap<>();
    message.put("message_id", event.id());
    message.put("publisher_id", publisherId);
    message.put("event_type", eventType);
    message.put("priority", "INFO");
    message.put("payload", new RawValue(new String(cadf, java.nio.charset.StandardCharsets.UTF_8)));
    message.put("timestamp", OSLO_TIME.format(event.eventTime()));
    if (format == MessageFormat.OSLO_V1) {
      return MAPPER.writeValueAsBytes(message);
    }
    Map<String, Object> envelope = new LinkedHashMap<>();
    envelope.put("oslo.version", "2.0");
    envelope.put("oslo.message", MAPPER.writeValueAsString(message));
    return MAPPER.writeValueAsBytes(envelope);
  }
}
