package io.auditrelay.cadf;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * Writes an event's JSON directly, byte for byte as {@link CadfJson}'s mapper does (the field
 * orders of the model's {@code @JsonPropertyOrder}, {@code null} fields omitted, the mapper's
 * string escapes), without the mapper's per-property dispatch, which cost most of {@code
 * record()}'s serialization.
 *
 * <p>Values the model leaves open (an attachment's content, a measurement's result) are written
 * here when they are strings or maps of strings to strings, and by the mapper otherwise. A string
 * holding an unpaired surrogate gives {@code null}: the caller then writes the event with the
 * mapper, whose handling of it is the contract. {@code CadfWriterTests} compares both writers over
 * events with every field set.
 *
 * <p>One instance per event; not thread-safe.
 */
final class CadfWriter {

  private static final byte[] HEX = "0123456789ABCDEF".getBytes(StandardCharsets.US_ASCII);

  /** The byte written after a backslash for the control characters with a short escape. */
  private static final byte[] SHORT_ESCAPES = new byte[32];

  static {
    SHORT_ESCAPES['\b'] = 'b';
    SHORT_ESCAPES['\t'] = 't';
    SHORT_ESCAPES['\n'] = 'n';
    SHORT_ESCAPES['\f'] = 'f';
    SHORT_ESCAPES['\r'] = 'r';
  }

  /** Thrown where the mapper must write the event; never leaves this class. */
  private static final class Unpaired extends RuntimeException {
    Unpaired() {
      super(null, null, false, false);
    }
  }

  private final Function<Object, byte[]> mapper;
  private byte[] out = new byte[1024];
  private int size;
  private boolean first;

  private CadfWriter(Function<Object, byte[]> mapper) {
    this.mapper = mapper;
  }

  /**
   * The event's JSON, or {@code null} when one of its strings holds an unpaired surrogate.
   *
   * @param mapper writes a value the model leaves open, as the event's mapper would
   */
  static byte @Nullable [] write(CadfEvent event, Function<Object, byte[]> mapper) {
    CadfWriter writer = new CadfWriter(mapper);
    try {
      writer.event(event);
    } catch (Unpaired e) {
      return null;
    }
    return Arrays.copyOf(writer.out, writer.size);
  }

  private void event(CadfEvent e) {
    open();
    string("typeURI", e.typeURI());
    string("id", e.id());
    string("eventType", e.eventType() == null ? null : e.eventType().value());
    time("eventTime", e.eventTime());
    string("action", e.action());
    string("outcome", e.outcome() == null ? null : e.outcome().value());
    resource("initiator", e.initiator());
    string("initiatorId", e.initiatorId());
    resource("target", e.target());
    string("targetId", e.targetId());
    resource("observer", e.observer());
    string("observerId", e.observerId());
    if (e.reason() != null) {
      Reason r = e.reason();
      name("reason");
      open();
      string("reasonType", r.reasonType());
      string("reasonCode", r.reasonCode());
      string("policyType", r.policyType());
      string("policyId", r.policyId());
      close();
    }
    string("name", e.name());
    string("severity", e.severity());
    list("measurements", e.measurements(), this::measurement);
    list("tags", e.tags(), this::value);
    list("attachments", e.attachments(), this::attachment);
    list("reporterchain", e.reporterchain(), this::reporterstep);
    string("requestPath", e.requestPath());
    close();
  }

  private void resource(String field, @Nullable Resource r) {
    if (r == null) {
      return;
    }
    name(field);
    resource(r);
  }

  private void resource(Resource r) {
    open();
    string("typeURI", r.typeURI());
    string("id", r.id());
    string("name", r.name());
    string("domain", r.domain());
    if (r.host() != null) {
      Host h = r.host();
      name("host");
      open();
      string("id", h.id());
      string("address", h.address());
      string("agent", h.agent());
      string("platform", h.platform());
      close();
    }
    list("addresses", r.addresses(), this::endpoint);
    if (r.credential() != null) {
      name("credential");
      open();
      string("type", r.credential().type());
      string("token", r.credential().token());
      close();
    }
    if (r.geolocation() != null) {
      Geolocation g = r.geolocation();
      name("geolocation");
      open();
      string("id", g.id());
      string("latitude", g.latitude());
      string("longitude", g.longitude());
      string("elevation", g.elevation());
      string("accuracy", g.accuracy());
      string("city", g.city());
      string("state", g.state());
      string("regionICANN", g.regionICANN());
      close();
    }
    list("attachments", r.attachments(), this::attachment);
    string("project_id", r.projectId());
    string("domain_id", r.domainId());
    string("project_name", r.projectName());
    string("project_domain_name", r.projectDomainName());
    string("domain_name", r.domainName());
    string("application_credential_id", r.applicationCredentialId());
    string("request_id", r.requestId());
    string("global_request_id", r.globalRequestId());
    close();
  }

  private void endpoint(Endpoint a) {
    open();
    string("url", a.url());
    string("name", a.name());
    string("port", a.port());
    close();
  }

  private void attachment(Attachment a) {
    open();
    string("typeURI", a.typeURI());
    string("name", a.name());
    if (a.content() != null) {
      name("content");
      value(a.content());
    }
    close();
  }

  private void measurement(Measurement m) {
    open();
    if (m.result() != null) {
      name("result");
      value(m.result());
    }
    if (m.metric() != null) {
      name("metric");
      open();
      string("metricId", m.metric().metricId());
      string("unit", m.metric().unit());
      string("name", m.metric().name());
      close();
    }
    string("metricId", m.metricId());
    resource("calculatedBy", m.calculatedBy());
    close();
  }

  private void reporterstep(Reporterstep s) {
    open();
    string("role", s.role());
    resource("reporter", s.reporter());
    string("reporterId", s.reporterId());
    time("reporterTime", s.reporterTime());
    close();
  }

  private <T> void list(String field, @Nullable List<T> values, Consumer<T> item) {
    if (values == null) {
      return;
    }
    name(field);
    put('[');
    for (int i = 0; i < values.size(); i++) {
      if (i > 0) {
        put(',');
      }
      T value = values.get(i);
      if (value == null) {
        ascii("null");
      } else {
        item.accept(value);
      }
    }
    put(']');
    first = false;
  }

  /** A value the model leaves open: strings and maps of strings here, the rest by the mapper. */
  private void value(Object value) {
    if (value instanceof String s) {
      quoted(s);
    } else if (value instanceof Map<?, ?> map && stringsOnly(map)) {
      put('{');
      boolean more = false;
      for (Map.Entry<?, ?> entry : map.entrySet()) {
        if (more) {
          put(',');
        }
        quoted((String) entry.getKey());
        put(':');
        quoted((String) entry.getValue());
        more = true;
      }
      put('}');
    } else {
      byte[] json = mapper.apply(value);
      ensure(json.length);
      System.arraycopy(json, 0, out, size, json.length);
      size += json.length;
    }
    first = false;
  }

  private static boolean stringsOnly(Map<?, ?> map) {
    for (Map.Entry<?, ?> entry : map.entrySet()) {
      if (!(entry.getKey() instanceof String) || !(entry.getValue() instanceof String)) {
        return false;
      }
    }
    return true;
  }

  private void time(String field, @Nullable Instant time) {
    if (time != null) {
      string(field, CadfTime.format(time));
    }
  }

  private void string(String field, @Nullable String value) {
    if (value == null) {
      return;
    }
    name(field);
    quoted(value);
    first = false;
  }

  private void open() {
    put('{');
    first = true;
  }

  private void close() {
    put('}');
    first = false;
  }

  /** Writes {@code "field":}, after a comma unless it is its object's first. */
  private void name(String field) {
    if (!first) {
      put(',');
    }
    put('"');
    ascii(field);
    put('"');
    put(':');
  }

  private void ascii(String text) {
    ensure(text.length());
    for (int i = 0; i < text.length(); i++) {
      out[size++] = (byte) text.charAt(i);
    }
  }

  /** Writes {@code text} quoted, in UTF-8, with the mapper's escapes. */
  private void quoted(String text) {
    // At most 6 bytes per char (an escape) and the two quotes.
    ensure(text.length() * 6 + 2);
    byte[] b = out;
    int at = size;
    b[at++] = '"';
    int n = text.length();
    for (int i = 0; i < n; i++) {
      char c = text.charAt(i);
      if (c < 0x80) {
        if (c >= 0x20 && c != '"' && c != '\\') {
          b[at++] = (byte) c;
        } else if (c == '"' || c == '\\') {
          b[at++] = '\\';
          b[at++] = (byte) c;
        } else if (SHORT_ESCAPES[c] != 0) {
          b[at++] = '\\';
          b[at++] = SHORT_ESCAPES[c];
        } else {
          b[at++] = '\\';
          b[at++] = 'u';
          b[at++] = '0';
          b[at++] = '0';
          b[at++] = HEX[c >> 4];
          b[at++] = HEX[c & 0xF];
        }
      } else if (c < 0x800) {
        b[at++] = (byte) (0xC0 | (c >> 6));
        b[at++] = (byte) (0x80 | (c & 0x3F));
      } else if (!Character.isSurrogate(c)) {
        b[at++] = (byte) (0xE0 | (c >> 12));
        b[at++] = (byte) (0x80 | ((c >> 6) & 0x3F));
        b[at++] = (byte) (0x80 | (c & 0x3F));
      } else {
        if (!Character.isHighSurrogate(c)
            || i + 1 == n
            || !Character.isLowSurrogate(text.charAt(i + 1))) {
          throw new Unpaired();
        }
        int cp = Character.toCodePoint(c, text.charAt(++i));
        b[at++] = (byte) (0xF0 | (cp >> 18));
        b[at++] = (byte) (0x80 | ((cp >> 12) & 0x3F));
        b[at++] = (byte) (0x80 | ((cp >> 6) & 0x3F));
        b[at++] = (byte) (0x80 | (cp & 0x3F));
      }
    }
    b[at++] = '"';
    size = at;
  }

  private void put(char c) {
    ensure(1);
    out[size++] = (byte) c;
  }

  private void ensure(int more) {
    if (size + more > out.length) {
      out = Arrays.copyOf(out, Math.max(out.length * 2, size + more));
    }
  }
}
