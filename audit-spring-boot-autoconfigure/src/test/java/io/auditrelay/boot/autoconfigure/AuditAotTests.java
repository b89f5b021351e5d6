package io.auditrelay.boot.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.springframework.aot.hint.predicate.RuntimeHintsPredicates.reflection;

import io.auditrelay.testsupport.AotHints;
import org.junit.jupiter.api.Test;
import org.springframework.aot.hint.RuntimeHints;
import org.springframework.mock.env.MockEnvironment;

/**
 * Ahead-of-time processing: the hints of this module, and {@code audit.enabled} set at run time
 * against an application whose conditions were decided at build time. The AOT-processed sample is
 * started by {@code .ci/run}.
 */
class AuditAotTests {

  @Test
  void theFailureAnalyzerThatSpringFactoriesNamesCanBeCreatedInANativeImage() throws Exception {
    RuntimeHints hints = AotHints.registered();

    assertThat(
            reflection()
                .onConstructorInvocation(AuditConfigurationFailureAnalyzer.class.getConstructor()))
        .accepts(hints);
  }

  @Test
  void auditingSwitchedOffAtRunTimeInAnApplicationBuiltWithItOnFailsStartupSayingWhy() {
    MockEnvironment environment = new MockEnvironment().withProperty("audit.enabled", "false");

    assertThatThrownBy(() -> new AuditAutoConfiguration.EnabledConfiguration(environment))
        .isInstanceOf(AuditConfigurationException.class)
        .hasMessageContaining("audit.enabled (set in")
        .hasMessageContaining("is false at run time")
        .hasMessageContaining("built ahead of time (Spring AOT) with auditing on")
        .hasMessageContaining("spring-boot:process-aot with audit.enabled=false");
  }

  @Test
  void auditingSwitchedOnAtRunTimeInAnApplicationBuiltWithItOffFailsStartupSayingWhy() {
    MockEnvironment environment = new MockEnvironment().withProperty("audit.enabled", "true");

    assertThatThrownBy(() -> new AuditAutoConfiguration.DisabledConfiguration(environment))
        .isInstanceOf(AuditConfigurationException.class)
        .hasMessageContaining("is true at run time")
        .hasMessageContaining("with auditing off");
    // Unset means on, as without AOT.
    assertThatThrownBy(
            () -> new AuditAutoConfiguration.DisabledConfiguration(new MockEnvironment()))
        .isInstanceOf(AuditConfigurationException.class);
  }

  @Test
  void aRunTimeValueThatAgreesWithTheBuildStarts() {
    assertThatCode(() -> new AuditAutoConfiguration.EnabledConfiguration(new MockEnvironment()))
        .doesNotThrowAnyException();
    assertThatCode(
            () ->
                new AuditAutoConfiguration.DisabledConfiguration(
                    new MockEnvironment().withProperty("audit.enabled", "false")))
        .doesNotThrowAnyException();
  }
}
