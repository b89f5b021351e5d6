package io.auditrelay.store;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamReadConstraints;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.core.TokenStreamLocation;
import tools.jackson.core.exc.StreamConstraintsException;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A parsed backing store configuration, the go-bits shape {@code
 * {"type":"file","params":{"directory":"/var/lib/app/audit"}}}.
 *
 * @param source where the configuration came from, named in every error (e.g. {@code
 *     AUDIT_BACKING_STORE})
 * @param type the store type
 * @param params the parameters
 */
public record StoreConfig(String source, String type, StoreParams params) {

  /** Deeper than any store configuration needs; bounds the parser's work on hostile input. */
  private static final int MAX_DEPTH = 100;

  private static final JsonMapper STRICT =
      JsonMapper.builder(
              JsonFactory.builder()
                  .streamReadConstraints(
                      StreamReadConstraints.builder().maxNestingDepth(MAX_DEPTH).build())
                  .build())
          .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          // 1e400 is a number the factory can name as out of range, not an infinite double
          .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
          .build();

  private static final Pattern DUPLICATE =
      Pattern.compile("Duplicate Object property \"([^\"]{1,64})\"");

  private static final Set<String> TOP_LEVEL = Set.of("type", "params");

  /** Where the parser stopped, when it knows: " (line L, column C)". */
  private static String at(JacksonException e) {
    TokenStreamLocation location = e.getLocation();
    return location == null
        ? ""
        : " (line " + location.getLineNr() + ", column " + location.getColumnNr() + ")";
  }

  /** The default: the memory store with default params. */
  public static StoreConfig memory(String source) {
    return new StoreConfig(source, "memory", new StoreParams(source, "memory", Map.of()));
  }

  /**
   * Parses the JSON form strictly: one object with a string {@code type} and an optional object
   * {@code params} of scalar values; duplicate keys, unknown top-level keys and trailing text fail.
   *
   * @throws BackingStoreConfigException naming {@code source} and what to write instead; the
   *     message never repeats the JSON, which may hold a password
   */
  public static StoreConfig parse(String json, String source) {
    String example =
        "expected e.g. {\"type\":\"file\",\"params\":{\"directory\":\"/var/lib/app/audit\"}}";
    JsonNode root;
    try {
      root = STRICT.readTree(json);
    } catch (StreamConstraintsException e) {
      throw new BackingStoreConfigException(
          source
              + ": nested more than "
              + MAX_DEPTH
              + " levels deep; a store configuration is one object whose params are strings,"
              + " numbers or booleans; "
              + example);
    } catch (JacksonException e) {
      // Jackson's message may quote the input; report only the position, or the duplicate key.
      String message = e.getOriginalMessage() == null ? "" : e.getOriginalMessage();
      Matcher duplicate = DUPLICATE.matcher(message);
      if (duplicate.find()) {
        throw new BackingStoreConfigException(
            source
                + ": duplicate key '"
                + duplicate.group(1)
                + "'"
                + at(e)
                + "; give each key once");
      }
      throw new BackingStoreConfigException(source + ": not valid JSON" + at(e) + "; " + example);
    }
    if (root == null || !root.isObject()) {
      throw new BackingStoreConfigException(source + ": must be a JSON object; " + example);
    }
    for (String key : root.propertyNames()) {
      if (!TOP_LEVEL.contains(key)) {
        throw new BackingStoreConfigException(
            source + ": unknown key '" + key + "'; only \"type\" and \"params\" are allowed");
      }
    }
    JsonNode type = root.get("type");
    if (type == null || !type.isString() || type.asString().isBlank()) {
      throw new BackingStoreConfigException(
          source + ": \"type\" is required and must be a string; " + example);
    }
    Map<String, Object> params = new LinkedHashMap<>();
    JsonNode paramsNode = root.get("params");
    if (paramsNode != null && !paramsNode.isNull()) {
      if (!paramsNode.isObject()) {
        throw new BackingStoreConfigException(
            source + ": \"params\" must be a JSON object; " + example);
      }
      for (Map.Entry<String, JsonNode> entry : paramsNode.properties()) {
        JsonNode value = entry.getValue();
        Object scalar;
        if (value.isString()) {
          scalar = value.asString();
        } else if (value.isIntegralNumber() && value.canConvertToLong()) {
          scalar = value.asLong();
        } else if (value.isNumber()) {
          scalar = value.decimalValue(); // kept, so the factory names the param and what it needs
        } else if (value.isBoolean()) {
          scalar = value.asBoolean();
        } else {
          throw new BackingStoreConfigException(
              source + ": param '" + entry.getKey() + "' must be a string, a number or a boolean");
        }
        params.put(entry.getKey(), scalar);
      }
    }
    String typeName = type.asString().trim();
    return new StoreConfig(source, typeName, new StoreParams(source, typeName, params));
  }
}
