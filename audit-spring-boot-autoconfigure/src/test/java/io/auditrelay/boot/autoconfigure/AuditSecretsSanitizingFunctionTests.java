package io.auditrelay.boot.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.boot.actuate.endpoint.SanitizableData;
import org.springframework.boot.actuate.endpoint.SanitizingFunction;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.core.env.MapPropertySource;

class AuditSecretsSanitizingFunctionTests {

  private final SanitizingFunction function = new AuditSecretsSanitizingFunction();

  private Object shown(String key, String value) {
    return function
        .apply(new SanitizableData(new MapPropertySource("test", java.util.Map.of()), key, value))
        .getValue();
  }

  @Test
  void masksTheAuditSecretsInEveryForm() {
    assertThat(shown("audit.rabbitmq.password", "s3cret"))
        .isEqualTo(SanitizableData.SANITIZED_VALUE);
    assertThat(shown("AUDIT_RABBITMQ_PASSWORD", "s3cret"))
        .isEqualTo(SanitizableData.SANITIZED_VALUE);
    assertThat(shown("audit.rabbitmq.url", "amqp://app:s3cret@mq:5672"))
        .isEqualTo("amqp://***@mq:5672");
    assertThat(shown("AUDIT_RABBITMQ_URL", "amqps://app:s3cret@mq")).isEqualTo("amqps://***@mq");
    String json =
        "{\"type\":\"sql\",\"params\":{\"url\":\"jdbc:postgresql://db/app\",\"username\":\"app\","
            + "\"password\":\"s3\\\"cret\",\"db_token\":\"t0ken\"}}";
    assertThat(shown("AUDIT_BACKING_STORE", json))
        .isEqualTo(
            "{\"type\":\"sql\",\"params\":{\"url\":\"jdbc:postgresql://db/app\",\"username\":\"app\","
                + "\"password\":\"***\",\"db_token\":\"***\"}}");
    assertThat(shown("audit.backing-store", json).toString())
        .doesNotContain("s3")
        .doesNotContain("t0ken");
  }

  /**
   * Fails on the code before: a password with an unencoded {@code /}, {@code @}, {@code #} or a
   * space was shown whole, or its tail was, in {@code /actuator/env} and {@code configprops}.
   */
  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.ValueSource(
      strings = {"S3c/retPW", "S3c@retPW", "S3c#retPW", "S3c retPW", "S3c%2FretPW", "S3c?retPW"})
  void masksTheUrlPasswordWellFormedOrNot(String password) {
    for (String key :
        new String[] {"audit.rabbitmq.url", "AUDIT_RABBITMQ_URL", "audit.rabbitmq.addresses[0]"}) {
      String shown = shown(key, "amqp://user:" + password + "@127.0.0.1:1/vh").toString();
      assertThat(shown)
          .as(key)
          .doesNotContain("retPW")
          .doesNotContain("S3c")
          .endsWith("@127.0.0.1:1/vh");
    }
    assertThat(shown("AUDIT_RABBITMQ_ADDRESSES", "user:" + password + "@rabbit:5672").toString())
        .doesNotContain("retPW");
  }

  @Test
  void leavesEverythingElseToTheNextFunction() {
    assertThat(shown("audit.rabbitmq.queue-name", "audit-events")).isEqualTo("audit-events");
    assertThat(shown("spring.rabbitmq.password", "s3cret")).isEqualTo("s3cret");
    assertThat(
            shown("audit.backing-store", "{\"type\":\"file\",\"params\":{\"directory\":\"/x\"}}"))
        .isEqualTo("{\"type\":\"file\",\"params\":{\"directory\":\"/x\"}}");
  }

  @Test
  void isAutoConfiguredAndReplaceable() {
    ApplicationContextRunner runner =
        new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(AuditActuatorAutoConfiguration.class));
    runner.run(
        context ->
            assertThat(context.getBean("auditSecretsSanitizingFunction"))
                .isInstanceOf(AuditSecretsSanitizingFunction.class));
    runner
        .withBean("auditSecretsSanitizingFunction", SanitizingFunction.class, () -> data -> data)
        .run(
            context ->
                assertThat(context.getBean("auditSecretsSanitizingFunction"))
                    .isNotInstanceOf(AuditSecretsSanitizingFunction.class));
  }
}
