package io.auditrelay.cadf;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonGenerator;
import tools.jackson.core.JsonParser;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.databind.DeserializationContext;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.MapperFeature;
import tools.jackson.databind.SerializationContext;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.ValueDeserializer;
import tools.jackson.databind.ValueSerializer;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.module.SimpleModule;

/**
 * The byte format of CADF events, through a private, strictly configured Jackson mapper that no
 * application setting can change.
 *
 * <p>Writing: compact UTF-8 JSON (a record never holds a raw newline), a fixed field order, {@code
 * null} fields omitted, times as {@link CadfTime}. Writing the same event twice gives the same
 * bytes, and {@code write(read(write(e)))} equals {@code write(e)}.
 *
 * <p>Reading: duplicate keys, trailing tokens, unknown fields and non-numeric time offsets fail.
 *
 * <p>Thread-safe.
 */
public final class CadfJson {

  private static final JsonMapper MAPPER =
      JsonMapper.builder()
          .addModule(timeModule())
          .disable(SerializationFeature.INDENT_OUTPUT)
          .disable(MapperFeature.SORT_PROPERTIES_ALPHABETICALLY)
          .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .changeDefaultPropertyInclusion(
              incl -> incl.withValueInclusion(JsonInclude.Include.NON_NULL))
          .build();

  private CadfJson() {}

  /**
   * Serializes an event. Does not validate: call {@link CadfValidator#validate} first (the Auditor
   * does).
   */
  public static byte[] write(CadfEvent event) {
    byte[] json = CadfWriter.write(event, MAPPER::writeValueAsBytes);
    return json != null ? json : MAPPER.writeValueAsBytes(event);
  }

  /** Writes {@code event} with the mapper alone: the contract {@link CadfWriter} keeps. */
  static byte[] writeWithMapper(CadfEvent event) {
    return MAPPER.writeValueAsBytes(event);
  }

  /**
   * Parses an event written by {@link #write} (or any CADF producer using the modelled fields).
   *
   * @throws IllegalArgumentException when the bytes are not one well-formed CADF JSON object
   */
  public static CadfEvent read(byte[] json) {
    try {
      return MAPPER.readValue(json, CadfEvent.class);
    } catch (JacksonException e) {
      throw new IllegalArgumentException("Not a readable CADF event: " + e.getOriginalMessage(), e);
    }
  }

  /** The private mapper, for the other serializers of this library (wire envelopes). */
  static JsonMapper mapper() {
    return MAPPER;
  }

  private static SimpleModule timeModule() {
    SimpleModule module = new SimpleModule("cadf-time");
    module.addSerializer(
        Instant.class,
        new ValueSerializer<Instant>() {
          @Override
          public void serialize(Instant value, JsonGenerator gen, SerializationContext ctxt) {
            gen.writeString(CadfTime.format(value));
          }
        });
    module.addDeserializer(
        Instant.class,
        new ValueDeserializer<Instant>() {
          @Override
          public Instant deserialize(JsonParser p, DeserializationContext ctxt) {
            return CadfTime.parse(p.getValueAsString());
          }
        });
    return module;
  }
}
