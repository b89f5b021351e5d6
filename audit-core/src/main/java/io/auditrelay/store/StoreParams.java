package io.auditrelay.store;

import io.auditrelay.secrets.Secrets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The {@code params} object of a store configuration, with typed, strict accessors. Every error
 * names the configuration source, the store type and the parameter, and masks secrets. Immutable.
 */
public final class StoreParams {

  private static final Pattern SIZE =
      Pattern.compile(
          "^\\s*(\\d+)\\s*(B|KB|KiB|MB|MiB|GB|GiB|TB|TiB)?\\s*$", Pattern.CASE_INSENSITIVE);

  private final String source;
  private final String type;
  private final Map<String, Object> values;

  /**
   * Creates params.
   *
   * @param source where the configuration came from, for messages (e.g. {@code
   *     AUDIT_BACKING_STORE})
   * @param type the store type, for messages
   * @param values parameter values as parsed from JSON (strings, numbers, booleans)
   */
  public StoreParams(String source, String type, Map<String, ?> values) {
    this.source = source;
    this.type = type;
    this.values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
  }

  /** The parameter names present. */
  public Set<String> names() {
    return values.keySet();
  }

  /** Whether {@code name} is present. */
  public boolean has(String name) {
    return values.containsKey(name);
  }

  /** A string parameter, or null when absent. */
  public @Nullable String string(String name) {
    Object value = values.get(name);
    if (value == null) {
      return null;
    }
    if (!(value instanceof String s)) {
      throw invalid(name, value, "a string");
    }
    return s;
  }

  /** A required, non-blank string parameter. */
  public String requiredString(String name) {
    String value = string(name);
    if (value == null || value.isBlank()) {
      throw new BackingStoreConfigException(
          prefix() + "param '" + name + "' is required for store type '" + type + "'");
    }
    return value;
  }

  /** A positive integer parameter (a JSON number or a numeric string), or {@code fallback}. */
  public long positiveLong(String name, long fallback) {
    Object value = values.get(name);
    if (value == null) {
      return fallback;
    }
    long parsed;
    if (value instanceof Number n && (n instanceof Integer || n instanceof Long)) {
      parsed = n.longValue();
    } else if (value instanceof String s && s.trim().matches("-?\\d{1,18}")) {
      parsed = Long.parseLong(s.trim());
    } else {
      throw invalid(name, value, "a positive integer");
    }
    if (parsed <= 0) {
      throw invalid(name, value, "a positive integer");
    }
    return parsed;
  }

  /** A positive {@code int} parameter, or {@code fallback}. */
  public int positiveInt(String name, int fallback) {
    long value = positiveLong(name, fallback);
    if (value > Integer.MAX_VALUE) {
      throw invalid(name, value, "a positive integer up to " + Integer.MAX_VALUE);
    }
    return (int) value;
  }

  /**
   * A positive size in bytes: a JSON number of bytes, or a string such as {@code "512MiB"} (B, KiB,
   * MiB, GiB, TiB are powers of 1024; KB, MB, GB, TB powers of 1000).
   */
  public long size(String name, long fallback) {
    Object value = values.get(name);
    if (value == null) {
      return fallback;
    }
    if (value instanceof Number) {
      return positiveLong(name, fallback);
    }
    if (value instanceof String s) {
      Matcher m = SIZE.matcher(s);
      if (m.matches()) {
        long multiplier = multiplier(m.group(2));
        try {
          long bytes = Math.multiplyExact(Long.parseLong(m.group(1)), multiplier);
          if (bytes > 0) {
            return bytes;
          }
        } catch (ArithmeticException | NumberFormatException e) {
          // fall through to the error below
        }
      }
    }
    throw invalid(name, value, "a positive size such as 1048576 or \"512MiB\"");
  }

  /** A boolean parameter (JSON boolean or "true"/"false"), or {@code fallback}. */
  public boolean bool(String name, boolean fallback) {
    Object value = values.get(name);
    if (value == null) {
      return fallback;
    }
    if (value instanceof Boolean b) {
      return b;
    }
    if ("true".equals(value) || "false".equals(value)) {
      return Boolean.parseBoolean((String) value);
    }
    throw invalid(name, value, "true or false");
  }

  /** One of {@code accepted} (case-sensitive), or {@code fallback}. */
  public String choice(String name, Set<String> accepted, String fallback) {
    String value = string(name);
    if (value == null) {
      return fallback;
    }
    if (!accepted.contains(value)) {
      throw invalid(name, value, "one of " + String.join(", ", new java.util.TreeSet<>(accepted)));
    }
    return value;
  }

  /** An error about parameter {@code name}, with its value masked where it is a secret. */
  public BackingStoreConfigException invalid(String name, Object value, String expected) {
    return new BackingStoreConfigException(
        prefix()
            + "param '"
            + name
            + "' of store type '"
            + type
            + "' must be "
            + expected
            + ", not "
            + Secrets.describe(name, value));
  }

  private String prefix() {
    return source + ": ";
  }

  private static long multiplier(@Nullable String unit) {
    if (unit == null) {
      return 1;
    }
    return switch (unit.toUpperCase(Locale.ROOT)) {
      case "B" -> 1L;
      case "KB" -> 1_000L;
      case "KIB" -> 1L << 10;
      case "MB" -> 1_000_000L;
      case "MIB" -> 1L << 20;
      case "GB" -> 1_000_000_000L;
      case "GIB" -> 1L << 30;
      case "TB" -> 1_000_000_000_000L;
      case "TIB" -> 1L << 40;
      default -> throw new IllegalStateException(unit);
    };
  }

  @Override
  public String toString() {
    StringBuilder out = new StringBuilder("{");
    values.forEach(
        (k, v) -> {
          if (out.length() > 1) {
            out.append(", ");
          }
          out.append(k).append('=').append(Secrets.describe(k, v));
        });
    return out.append('}').toString();
  }
}
