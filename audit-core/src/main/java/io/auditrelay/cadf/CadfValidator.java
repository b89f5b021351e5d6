package io.auditrelay.cadf;

import io.auditrelay.cadf.CadfValidationException.Violation;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Checks an event against every rule of CADF (DSP0262, as pycadf enforces it) plus the byte rules
 * of Audit Relay. Stateless and thread-safe.
 *
 * <p><strong>Unicode rule:</strong> every string must be valid Unicode (no lone surrogate) and must
 * not contain U+0000. Such strings are <em>rejected</em>, not repaired: an audit record must say
 * exactly what the caller said, JSON parsers and databases disagree on how to treat them, and a
 * replaced character would make the stored bytes differ from what the service believes it recorded.
 * All other characters, newlines and control characters included, are allowed; the serializer
 * escapes them, so they stay inert.
 */
public final class CadfValidator {

  private static final int MAX_CONTENT_DEPTH = 32;

  private CadfValidator() {}

  /**
   * Validates a complete event, as {@code record()} does after filling id, time and observer.
   *
   * @throws CadfValidationException naming every broken rule
   */
  public static void validate(CadfEvent event) {
    List<Violation> violations = violations(event);
    if (!violations.isEmpty()) {
      throw new CadfValidationException(violations);
    }
  }

  /**
   * Whether {@code id} is a UUID in its canonical text form, lower case with dashes ({@code
   * 8-4-4-4-12} hex digits). By hand rather than with a regular expression: it runs in every {@code
   * record()}, where the expression was a fifth of the recording threads' CPU (JFR, 2026-11-30).
   */
  static boolean isLowerCaseUuid(String id) {
    if (id.length() != 36) {
      return false;
    }
    for (int i = 0; i < 36; i++) {
      char ch = id.charAt(i);
      boolean valid =
          i == 8 || i == 13 || i == 18 || i == 23
              ? ch == '-'
              : (ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f');
      if (!valid) {
        return false;
      }
    }
    return true;
  }

  /** Returns every broken rule of {@code event}; empty when it is valid. */
  public static List<Violation> violations(CadfEvent event) {
    Checker c = new Checker();
    c.event(event);
    return c.violations;
  }

  private static final class Checker {
    private final List<Violation> violations = new ArrayList<>();

    void fail(String field, String rule) {
      violations.add(new Violation(field, rule));
    }

    void event(CadfEvent e) {
      if (!CadfEvent.TYPE_URI.equals(e.typeURI())) {
        fail("typeURI", "must be " + CadfEvent.TYPE_URI);
      }
      if (e.id() == null) {
        fail("id", "is required");
      } else if (!isLowerCaseUuid(e.id())) {
        fail("id", "must be a UUID in lower case with dashes");
      }
      if (e.eventType() == null) {
        fail("eventType", "is required (activity, monitor or control)");
      }
      if (e.eventTime() == null) {
        fail("eventTime", "is required");
      }
      if (e.action() == null) {
        fail("action", "is required");
      } else if (text("action", e.action()) && !Actions.isValid(e.action())) {
        fail("action", "must be a CADF action (create, read, update, ...) or a sub-path of one");
      }
      if (e.outcome() == null) {
        fail("outcome", "is required (success, failure, pending or unknown)");
      }
      pair("initiator", e.initiator(), e.initiatorId(), "initiator");
      pair("target", e.target(), e.targetId(), "target");
      pair("observer", e.observer(), e.observerId(), null);
      if (e.reason() != null) {
        reason(e.reason());
      } else if (e.eventType() == EventType.CONTROL) {
        fail("reason", "is required when eventType is control");
      }
      text("name", e.name());
      text("severity", e.severity());
      if (e.measurements() == null) {
        if (e.eventType() == EventType.MONITOR) {
          fail("measurements", "are required when eventType is monitor");
        }
      } else {
        for (int i = 0; i < e.measurements().size(); i++) {
          measurement("measurements[" + i + "]", e.measurements().get(i));
        }
      }
      if (e.tags() != null) {
        for (int i = 0; i < e.tags().size(); i++) {
          required("tags[" + i + "]", e.tags().get(i));
        }
      }
      attachments("attachments", e.attachments());
      if (e.reporterchain() != null) {
        for (int i = 0; i < e.reporterchain().size(); i++) {
          reporterstep("reporterchain[" + i + "]", e.reporterchain().get(i));
        }
      }
      if (text("requestPath", e.requestPath())
          && e.requestPath() != null
          && (e.requestPath().indexOf('?') >= 0 || e.requestPath().indexOf('#') >= 0)) {
        fail("requestPath", "must be a path without query string or fragment");
      }
    }

    void pair(
        String field,
        @Nullable Resource resource,
        @Nullable String id,
        @Nullable String forbidden) {
      if ((resource == null) == (id == null)) {
        fail(field, "requires exactly one of " + field + " and " + field + "Id");
      }
      if (resource != null) {
        resource(field, resource);
        if (forbidden != null && forbidden.equals(resource.id())) {
          fail(field + ".id", "must not be '" + forbidden + "'");
        }
      }
      if (id != null) {
        required(field, "Id", id);
      }
    }

    void resource(String path, @Nullable Resource r) {
      if (r == null) {
        fail(path, "must not be null");
        return;
      }
      required(path, ".id", r.id());
      if (r.typeURI() == null) {
        if (!r.isBareReference()) {
          fail(path + ".typeURI", "is required (only a bare {\"id\":...} reference may omit it)");
        }
      } else if (text(path, ".typeURI", r.typeURI()) && !ResourceTypes.isValid(r.typeURI())) {
        fail(
            path + ".typeURI",
            "must be a CADF resource type (storage, compute, network, service, data, unknown or a"
                + " sub-path of one)");
      }
      text(path, ".name", r.name());
      text(path, ".domain", r.domain());
      if (r.host() != null) {
        text(path, ".host.id", r.host().id());
        text(path, ".host.address", r.host().address());
        text(path, ".host.agent", r.host().agent());
        text(path, ".host.platform", r.host().platform());
      }
      if (r.addresses() != null) {
        for (int i = 0; i < r.addresses().size(); i++) {
          Endpoint ep = r.addresses().get(i);
          String p = path + ".addresses[" + i + "]";
          if (ep == null) {
            fail(p, "must not be null");
            continue;
          }
          required(p, ".url", ep.url());
          text(p, ".name", ep.name());
          text(p, ".port", ep.port());
        }
      }
      if (r.credential() != null) {
        required(path, ".credential.token", r.credential().token());
        text(path, ".credential.type", r.credential().type());
      }
      Geolocation g = r.geolocation();
      if (g != null) {
        text(path, ".geolocation.id", g.id());
        text(path, ".geolocation.latitude", g.latitude());
        text(path, ".geolocation.longitude", g.longitude());
        text(path, ".geolocation.elevation", g.elevation());
        text(path, ".geolocation.accuracy", g.accuracy());
        text(path, ".geolocation.city", g.city());
        text(path, ".geolocation.state", g.state());
        text(path, ".geolocation.regionICANN", g.regionICANN());
      }
      if (r.attachments() != null) {
        attachments(path + ".attachments", r.attachments());
      }
      text(path, ".project_id", r.projectId());
      text(path, ".domain_id", r.domainId());
      text(path, ".project_name", r.projectName());
      text(path, ".project_domain_name", r.projectDomainName());
      text(path, ".domain_name", r.domainName());
      text(path, ".application_credential_id", r.applicationCredentialId());
      text(path, ".request_id", r.requestId());
      text(path, ".global_request_id", r.globalRequestId());
    }

    void reason(Reason r) {
      text("reason.reasonType", r.reasonType());
      text("reason.reasonCode", r.reasonCode());
      text("reason.policyType", r.policyType());
      text("reason.policyId", r.policyId());
      boolean reasonPair = r.reasonType() != null && r.reasonCode() != null;
      boolean policyPair = r.policyType() != null && r.policyId() != null;
      boolean halfReason = (r.reasonType() == null) != (r.reasonCode() == null);
      boolean halfPolicy = (r.policyType() == null) != (r.policyId() == null);
      if (!(reasonPair || policyPair) || halfReason || halfPolicy) {
        fail("reason", "requires both reasonType and reasonCode, or both policyType and policyId");
      }
    }

    void measurement(String path, @Nullable Measurement m) {
      if (m == null) {
        fail(path, "must not be null");
        return;
      }
      if (m.result() == null) {
        fail(path + ".result", "is required");
      } else {
        content(path + ".result", m.result(), 0);
      }
      if ((m.metric() == null) == (m.metricId() == null)) {
        fail(path, "requires exactly one of metric and metricId");
      }
      if (m.metric() != null) {
        required(path + ".metric.metricId", m.metric().metricId());
        required(path + ".metric.unit", m.metric().unit());
        text(path + ".metric.name", m.metric().name());
      }
      if (m.metricId() != null) {
        required(path + ".metricId", m.metricId());
      }
      if (m.calculatedBy() != null) {
        resource(path + ".calculatedBy", m.calculatedBy());
      }
    }

    void reporterstep(String path, @Nullable Reporterstep s) {
      if (s == null) {
        fail(path, "must not be null");
        return;
      }
      if (required(path + ".role", s.role())
          && !List.of("observer", "modifier", "relay").contains(s.role())) {
        fail(path + ".role", "must be observer, modifier or relay");
      }
      if ((s.reporter() == null) == (s.reporterId() == null)) {
        fail(path, "requires exactly one of reporter and reporterId");
      }
      if (s.reporter() != null) {
        resource(path + ".reporter", s.reporter());
      }
      if (s.reporterId() != null) {
        required(path + ".reporterId", s.reporterId());
      }
    }

    void attachments(String path, @Nullable List<Attachment> attachments) {
      if (attachments == null) {
        return;
      }
      for (int i = 0; i < attachments.size(); i++) {
        Attachment a = attachments.get(i);
        String p = path + "[" + i + "]";
        if (a == null) {
          fail(p, "must not be null");
          continue;
        }
        required(p + ".typeURI", a.typeURI());
        required(p + ".name", a.name());
        if (a.content() == null) {
          fail(p + ".content", "is required");
        } else {
          content(p + ".content", a.content(), 0);
        }
      }
    }

    void content(String path, @Nullable Object value, int depth) {
      content(path, path, value, depth);
    }

    /** Walks a JSON value; {@code root} is the field named when the nesting is too deep. */
    void content(String root, String path, @Nullable Object value, int depth) {
      if (depth > MAX_CONTENT_DEPTH) {
        fail(root, "is nested deeper than " + MAX_CONTENT_DEPTH + " levels");
        return;
      }
      if (value == null || value instanceof Number || value instanceof Boolean) {
        return;
      }
      if (value instanceof String s) {
        text(path, s);
      } else if (value instanceof List<?> list) {
        for (int i = 0; i < list.size(); i++) {
          content(root, path + "[" + i + "]", list.get(i), depth + 1);
        }
      } else if (value instanceof Map<?, ?> map) {
        for (Map.Entry<?, ?> entry : map.entrySet()) {
          if (!(entry.getKey() instanceof String key)) {
            fail(path, "must have string keys");
            return;
          }
          if (text(path + " key", key)) {
            content(root, path + "." + key, entry.getValue(), depth + 1);
          }
        }
      } else {
        fail(
            path,
            "must be a string, number, boolean, list or map, not " + value.getClass().getName());
      }
    }

    /** A required string: present, not blank, valid Unicode. */
    boolean required(String field, @Nullable String value) {
      return required(field, "", value);
    }

    /**
     * {@link #required(String, String)} for the field {@code prefix + suffix}, joined only when it
     * is broken: this runs for every field of every recorded event, which is almost always valid.
     */
    boolean required(String prefix, String suffix, @Nullable String value) {
      if (value == null || value.isBlank()) {
        fail(prefix + suffix, "is required");
        return false;
      }
      return text(prefix, suffix, value);
    }

    /**
     * An optional string: valid Unicode without U+0000 when present. Returns false on a violation.
     */
    boolean text(String field, @Nullable String value) {
      return text(field, "", value);
    }

    /**
     * {@link #text(String, String)} for the field {@code prefix + suffix}, joined only on failure.
     */
    boolean text(String prefix, String suffix, @Nullable String value) {
      if (value == null) {
        return true;
      }
      for (int i = 0; i < value.length(); i++) {
        char ch = value.charAt(i);
        if (ch == '\u0000') {
          fail(prefix + suffix, "must not contain U+0000 (at index " + i + ")");
          return false;
        }
        if (Character.isHighSurrogate(ch)) {
          if (i + 1 < value.length() && Character.isLowSurrogate(value.charAt(i + 1))) {
            i++;
            continue;
          }
          fail(prefix + suffix, "must be valid Unicode: lone high surrogate at index " + i);
          return false;
        }
        if (Character.isLowSurrogate(ch)) {
          fail(prefix + suffix, "must be valid Unicode: lone low surrogate at index " + i);
          return false;
        }
      }
      return true;
    }
  }
}
