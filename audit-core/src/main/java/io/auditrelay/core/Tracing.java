package io.auditrelay.core;

import io.auditrelay.cadf.Attachment;
import io.auditrelay.cadf.CadfEvent;
import io.auditrelay.cadf.Resource;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.observation.transport.SenderContext;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * Observations and the trace context of events.
 *
 * <p>{@code record()} runs inside the observation {@code audit.record}, a sender observation whose
 * carrier the tracing handlers fill with the propagation headers of its span ({@code traceparent}
 * and {@code tracestate} with W3C propagation, {@code b3} with Brave's default). Those headers are
 * kept <em>in the event</em>, as attachments of the reserved type {@value #TYPE_URI}, so every
 * store keeps them with a buffered event without knowing, and the publisher sends them as message
 * headers, also when the event is drained hours later. A W3C trace id also becomes the initiator's
 * {@code global_request_id} ({@code req-} and the trace id as a UUID), when the initiator has none.
 * Each publish of a batch runs inside the observation {@code audit.publish}.
 *
 * <p>Thread-safe. With the no-op registry (the default), it does nothing and costs nothing.
 */
final class Tracing {

  /** The attachment type of a propagation header. */
  static final String TYPE_URI = "auditrelay:trace";

  static final Tracing NONE = new Tracing(ObservationRegistry.NOOP, "default", "none");

  private static final byte[] MARKER =
      ("{\"typeURI\":\"" + TYPE_URI + "\",\"name\":\"").getBytes(StandardCharsets.US_ASCII);
  private static final byte[] CONTENT = "\",\"content\":\"".getBytes(StandardCharsets.US_ASCII);

  private final ObservationRegistry registry;
  private final String auditor;
  private final String store;

  Tracing(ObservationRegistry registry, String auditor, String store) {
    this.registry = registry;
    this.auditor = auditor;
    this.store = store;
  }

  /** Whether observations are made (and trace headers searched for at publish). */
  boolean enabled() {
    return !registry.isNoop();
  }

  /**
   * Runs {@code accept}, which completes, serializes and queues {@code event}, inside the {@code
   * audit.record} observation; it is given the propagation headers of the observation, to {@link
   * #attach} once the event is complete.
   */
  <T> T record(CadfEvent event, BiFunction<CadfEvent, Map<String, String>, T> accept) {
    if (!enabled()) {
      return accept.apply(event, Map.of());
    }
    SenderContext<Map<String, String>> context = new SenderContext<>(Map::put);
    context.setCarrier(new LinkedHashMap<>());
    Observation observation =
        Observation.createNotStarted("audit.record", () -> context, registry)
            .contextualName("audit record")
            .lowCardinalityKeyValue("auditor", auditor)
            .lowCardinalityKeyValue("store", store)
            .start();
    try (Observation.Scope scope = observation.openScope()) {
      Map<String, String> headers = context.getCarrier();
      return accept.apply(event, headers == null ? Map.of() : headers);
    } catch (RuntimeException e) {
      observation.error(e);
      throw e;
    } finally {
      observation.stop();
    }
  }

  /** Runs one publish of {@code events} events inside the {@code audit.publish} observation. */
  <T> T publish(int events, Supplier<T> send) {
    if (!enabled()) {
      return send.get();
    }
    return Observation.createNotStarted("audit.publish", registry)
        .contextualName("audit publish")
        .lowCardinalityKeyValue("auditor", auditor)
        .highCardinalityKeyValue("events", Integer.toString(events))
        .observe(send);
  }

  /**
   * The event with {@code headers} as attachments, and its initiator's global request id from a W3C
   * trace id when it has none. Unchanged when there are no headers.
   */
  static CadfEvent attach(CadfEvent event, @Nullable Map<String, String> headers) {
    if (headers == null || headers.isEmpty()) {
      return event;
    }
    CadfEvent.Builder builder = event.toBuilder();
    boolean any = false;
    for (Map.Entry<String, String> header : headers.entrySet()) {
      if (plain(header.getKey()) && plain(header.getValue())) {
        builder.attachment(new Attachment(TYPE_URI, header.getKey(), header.getValue()));
        any = true;
      }
    }
    String traceId = traceId(headers.get("traceparent"));
    Resource initiator = event.initiator();
    if (traceId != null
        && initiator != null
        && initiator.typeURI() != null
        && initiator.globalRequestId() == null) {
      builder.initiator(initiator.toBuilder().globalRequestId(requestId(traceId)).build());
      any = true;
    }
    return any ? builder.build() : event;
  }

  /** The propagation headers an event's payload carries, in order; empty when none. */
  static Map<String, Object> headers(byte[] payload) {
    Map<String, Object> headers = null;
    int from = 0;
    while ((from = indexOf(payload, MARKER, from)) >= 0) {
      int nameStart = from + MARKER.length;
      int nameEnd = indexOf(payload, (byte) '"', nameStart);
      if (nameEnd < 0 || indexOf(payload, CONTENT, nameEnd) != nameEnd) {
        break;
      }
      int valueStart = nameEnd + CONTENT.length;
      int valueEnd = indexOf(payload, (byte) '"', valueStart);
      if (valueEnd < 0) {
        break;
      }
      if (headers == null) {
        headers = new LinkedHashMap<>();
      }
      headers.put(
          new String(payload, nameStart, nameEnd - nameStart, StandardCharsets.US_ASCII),
          new String(payload, valueStart, valueEnd - valueStart, StandardCharsets.US_ASCII));
      from = valueEnd;
    }
    return headers == null ? Map.of() : headers;
  }

  /** The trace id of a W3C traceparent, or null when it is not one. */
  static @Nullable String traceId(@Nullable String traceparent) {
    if (traceparent == null
        || !traceparent.matches("[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}")) {
      return null;
    }
    String traceId = traceparent.substring(3, 35);
    return traceId.equals("0".repeat(32)) ? null : traceId;
  }

  /** OpenStack's request id form, {@code req-<uuid>}, of a 32-hex trace id. */
  static String requestId(String traceId) {
    return "req-"
        + traceId.substring(0, 8)
        + "-"
        + traceId.substring(8, 12)
        + "-"
        + traceId.substring(12, 16)
        + "-"
        + traceId.substring(16, 20)
        + "-"
        + traceId.substring(20);
  }

  /** Printable ASCII without quotes or backslashes: kept as it is in JSON and in a header. */
  private static boolean plain(@Nullable String text) {
    if (text == null || text.isEmpty() || text.length() > 512) {
      return false;
    }
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c < 0x20 || c > 0x7e || c == '"' || c == '\\') {
        return false;
      }
    }
    return true;
  }

  private static int indexOf(byte[] data, byte[] pattern, int from) {
    outer:
    for (int i = from; i <= data.length - pattern.length; i++) {
      for (int j = 0; j < pattern.length; j++) {
        if (data[i + j] != pattern[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }

  private static int indexOf(byte[] data, byte b, int from) {
    for (int i = from; i < data.length; i++) {
      if (data[i] == b) {
        return i;
      }
    }
    return -1;
  }
}
