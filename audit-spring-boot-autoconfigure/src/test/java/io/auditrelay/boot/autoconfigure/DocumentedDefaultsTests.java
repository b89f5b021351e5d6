package io.auditrelay.boot.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import io.auditrelay.core.Auditor;
import io.auditrelay.core.AuditorBuilder;
import java.io.IOException;
import java.lang.reflect.Field;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.boot.convert.ApplicationConversionService;
import org.springframework.core.convert.ConversionService;
import org.springframework.util.unit.DataSize;

/**
 * The defaults that docs/configuration.md shows for the properties that map onto the builder are
 * the builder's own: the properties have none, so the table is the only other place they are
 * written.
 */
class DocumentedDefaultsTests {

  private static final Path TABLE =
      Path.of("..").toAbsolutePath().normalize().resolve("docs/configuration.md");

  private static final ConversionService CONVERSION =
      ApplicationConversionService.getSharedInstance();

  /** Property → the builder field holding its default. */
  static Map<String, String> properties() {
    Map<String, String> fields = new LinkedHashMap<>();
    fields.put("audit.delivery-mode", "deliveryMode");
    fields.put("audit.rabbitmq.address-shuffle-mode", "addressShuffleMode");
    fields.put("audit.rabbitmq.ssl.verify-hostname", "verifyHostname");
    fields.put("audit.rabbitmq.sasl-mechanism", "saslMechanism");
    fields.put("audit.rabbitmq.queue-type", "queueType");
    fields.put("audit.rabbitmq.declare-queue", "declareQueue");
    fields.put("audit.rabbitmq.message-timestamp", "messageTimestamp");
    fields.put("audit.rabbitmq.exchange", "exchange");
    fields.put("audit.rabbitmq.message-format", "messageFormat");
    fields.put("audit.rabbitmq.oslo-publisher-id", "osloPublisherId");
    fields.put("audit.rabbitmq.oslo-event-type", "osloEventType");
    fields.put("audit.overflow.policy", "overflowPolicy");
    fields.put("audit.overflow.timeout", "overflowTimeout");
    fields.put("audit.overflow.queue-capacity", "queueCapacity");
    fields.put("audit.drain.initial-backoff", "initialBackoff");
    fields.put("audit.drain.max-backoff", "maxBackoff");
    fields.put("audit.drain.max-attempts", "maxAttempts");
    fields.put("audit.publish.batch-size", "batchSize");
    fields.put("audit.publish.confirm-timeout", "confirmTimeout");
    fields.put("audit.publish.connection-timeout", "connectionTimeout");
    fields.put("audit.publish.max-event-size", "maxEventSize");
    fields.put("audit.shutdown.timeout", "shutdownTimeout");
    return fields;
  }

  static Iterable<String> documented() {
    return properties().keySet();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("documented")
  void theDocumentedDefaultIsTheBuilders(String property) throws Exception {
    Object builderDefault = builderDefault(properties().get(property));
    String documented = documentedDefault(property);
    Object converted =
        builderDefault instanceof Long
            ? CONVERSION.convert(documented, DataSize.class).toBytes()
            : CONVERSION.convert(documented, builderDefault.getClass());
    assertThat(converted)
        .as("the default docs/configuration.md gives %s", property)
        .isEqualTo(builderDefault);
  }

  private static Object builderDefault(String field) throws ReflectiveOperationException {
    AuditorBuilder builder = Auditor.builder();
    Field declared = AuditorBuilder.class.getDeclaredField(field);
    declared.setAccessible(true);
    return declared.get(builder);
  }

  /** The first code span of the property's default column ({@code ""} for the empty string). */
  private static String documentedDefault(String property) throws IOException {
    Pattern row =
        Pattern.compile(
            "^\\| `" + Pattern.quote(property) + "` \\|[^|]*\\| `([^`]*)`", Pattern.MULTILINE);
    Matcher matcher = row.matcher(Files.readString(TABLE));
    assertThat(matcher.find()).as("a row for %s with a default in %s", property, TABLE).isTrue();
    String value = matcher.group(1);
    return value.equals("\"\"") ? "" : value;
  }
}
