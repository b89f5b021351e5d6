package io.auditrelay.boot.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import io.auditrelay.core.AuditorBuilder;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class AuditSettingNamesTests {

  @Test
  void namesTheBuilderSettingByItsPropertyAndVariable() {
    assertThat(AuditSettingNames.translate("batchSize must be positive, not 0"))
        .isEqualTo(
            "audit.publish.batch-size (env AUDIT_PUBLISH_BATCH_SIZE) must be positive, not 0");
    assertThat(
            AuditSettingNames.translate("The password is given twice, in rabbitUri and on its own"))
        .isEqualTo(
            "The password is given twice, in audit.rabbitmq.url (env AUDIT_RABBITMQ_URL) and on its"
                + " own");
  }

  @Test
  void leavesWordsThatOnlyContainASettingNameAlone() {
    assertThat(AuditSettingNames.translate("maxBackoffs and TLS and tlsx stay"))
        .isEqualTo("maxBackoffs and TLS and tlsx stay");
  }

  @Test
  void everyTranslatedSettingIsAPublicBuilderMethod() {
    var methods =
        Arrays.stream(AuditorBuilder.class.getDeclaredMethods())
            .filter(m -> Modifier.isPublic(m.getModifiers()))
            .map(Method::getName)
            .toList();
    assertThat(methods).containsAll(AuditSettingNames.settings());
  }
}
