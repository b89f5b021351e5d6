package io.auditrelay.boot.autoconfigure;

import io.auditrelay.secrets.Secrets;
import java.util.Locale;
import java.util.regex.Pattern;
import org.springframework.boot.actuate.endpoint.SanitizableData;
import org.springframework.boot.actuate.endpoint.SanitizingFunction;

/**
 * Keeps Audit Relay's secrets out of the {@code env} and {@code configprops} endpoints even where
 * an operator shows their values ({@code management.endpoint.env.show-values=always}): under {@code
 * audit.*} (and its environment variables {@code AUDIT_*}) a key named like a secret is masked
 * whole, credentials inside a URL ({@code audit.rabbitmq.url}, {@code audit.rabbitmq.addresses})
 * are masked up to the value's last {@code @}, well-formed or not, and so are secret params inside
 * the store JSON ({@code AUDIT_BACKING_STORE}). Other keys pass unchanged to the next function.
 */
final class AuditSecretsSanitizingFunction implements SanitizingFunction {

  private static final Pattern SECRET_JSON_MEMBER =
      Pattern.compile(
          "(\"[^\"]*(?i:password|secret|token|credential)[^\"]*\"\\s*:\\s*)\"(?:[^\"\\\\]|\\\\.)*\"");

  @Override
  public SanitizableData apply(SanitizableData data) {
    Object value = data.getValue();
    String key = data.getKey().toLowerCase(Locale.ROOT).replace('_', '.').replace('-', '.');
    if (value == null || !key.startsWith("audit.")) {
      return data;
    }
    if (Secrets.isSecretName(key)) {
      return data.withSanitizedValue();
    }
    String text = value.toString();
    if (key.equals("audit.rabbitmq.url") || key.startsWith("audit.rabbitmq.addresses")) {
      String masked = Secrets.maskWholeUrl(text);
      return masked.equals(text) ? data : data.withValue(masked);
    }
    String masked =
        Secrets.maskUrl(SECRET_JSON_MEMBER.matcher(text).replaceAll("$1\"" + "***" + "\""));
    return masked.equals(text) ? data : data.withValue(masked);
  }
}
