package io.auditrelay.store;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamReadFeature;
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

  private static final JsonMapper STRICT =
      JsonMapper.builder()
          .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .build();

  private static final Set<String> TOP_LEVEL = Set.of("type", "params");

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
    } catch (JacksonException e) {
      // Jackson's message may quote the input; report only the position.
      throw new BackingStoreConfigException(
          source
              + ": not valid JSON (line "
              + e.getLocation().getLineNr()
              + ", column "
              + e.getLocation().getColumnNr()
              + "); "
              + example);
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
