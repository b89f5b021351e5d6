package io.auditrelay.boot.autoconfigure;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Translates the names of {@code AuditorBuilder} settings in its error messages into the {@code
 * audit.*} properties and environment variables that set them, so that a startup failure names what
 * a Spring Boot user can change. Audit Relay's core knows only its builder.
 */
final class AuditSettingNames {

  private static final Map<String, String> PROPERTIES = new LinkedHashMap<>();

  static {
    PROPERTIES.put("queueName", "audit.rabbitmq.queue-name");
    PROPERTIES.put("rabbitUri", "audit.rabbitmq.url");
    PROPERTIES.put("rabbitAddresses", "audit.rabbitmq.addresses");
    PROPERTIES.put("rabbitUsername", "audit.rabbitmq.username");
    PROPERTIES.put("rabbitPassword", "audit.rabbitmq.password");
    PROPERTIES.put("rabbitVirtualHost", "audit.rabbitmq.virtual-host");
    PROPERTIES.put("saslMechanism", "audit.rabbitmq.sasl-mechanism");
    PROPERTIES.put("tls", "audit.rabbitmq.ssl.enabled");
    PROPERTIES.put("sslContext", "audit.rabbitmq.ssl.bundle");
    PROPERTIES.put("deliveryMode", "audit.delivery-mode");
    PROPERTIES.put("queueCapacity", "audit.overflow.queue-capacity");
    PROPERTIES.put("overflowTimeout", "audit.overflow.timeout");
    PROPERTIES.put("maxEventSize", "audit.publish.max-event-size");
    PROPERTIES.put("batchSize", "audit.publish.batch-size");
    PROPERTIES.put("confirmTimeout", "audit.publish.confirm-timeout");
    PROPERTIES.put("connectionTimeout", "audit.publish.connection-timeout");
    PROPERTIES.put("initialBackoff", "audit.drain.initial-backoff");
    PROPERTIES.put("maxBackoff", "audit.drain.max-backoff");
    PROPERTIES.put("maxAttempts", "audit.drain.max-attempts");
    PROPERTIES.put("shutdownTimeout", "audit.shutdown.timeout");
  }

  private static final Pattern SETTING =
      Pattern.compile("\\b(" + String.join("|", PROPERTIES.keySet()) + ")\\b");

  private AuditSettingNames() {}

  /** The builder settings that have a property. */
  static java.util.Set<String> settings() {
    return PROPERTIES.keySet();
  }

  /** {@code message} with every builder setting named by its property and variable. */
  static String translate(String message) {
    return translate(
        message,
        property -> property + " (env " + AuditEnvironmentVariables.variable(property) + ")");
  }

  /**
   * {@code message} with every builder setting named by {@code describe}, given its property (see
   * {@link SettingSources#describe}).
   */
  static String translate(String message, java.util.function.UnaryOperator<String> describe) {
    Matcher matcher = SETTING.matcher(message);
    StringBuilder out = new StringBuilder();
    while (matcher.find()) {
      String property = PROPERTIES.get(matcher.group(1));
      matcher.appendReplacement(out, Matcher.quoteReplacement(describe.apply(property)));
    }
    matcher.appendTail(out);
    return out.toString();
  }
}
