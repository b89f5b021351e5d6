package io.auditrelay.test.autoconfigure;

import io.auditrelay.core.Auditor;
import io.auditrelay.test.RecordingAuditor;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.context.annotation.Conditional;
import org.springframework.core.env.Environment;
import org.springframework.core.type.AnnotatedTypeMetadata;

/**
 * A {@link RecordingAuditor} in place of the real Auditor, for the tests of an application that has
 * {@code audit-test} on its test class path: when the tests configure no queue ({@code
 * audit.rabbitmq.queue-name} unset), or when they ask for it ({@code audit.test.recording=true},
 * which {@link AutoConfigureAuditRelay} sets). {@code audit.test.recording=false} keeps the real
 * Auditor, which then needs its queue.
 *
 * <p>Ordered before Audit Relay's own auto-configuration, whose Auditor then backs off. An
 * application's own {@link Auditor} bean wins over both.
 */
@AutoConfiguration(beforeName = "io.auditrelay.boot.autoconfigure.AuditAutoConfiguration")
@Conditional(RecordingAuditorAutoConfiguration.RecordingWanted.class)
public final class RecordingAuditorAutoConfiguration {

  @Bean
  @ConditionalOnMissingBean(Auditor.class)
  RecordingAuditor auditor() {
    return new RecordingAuditor();
  }

  /** Recording when asked for, or when nothing says where real events would go. */
  static final class RecordingWanted extends SpringBootCondition {

    @Override
    public ConditionOutcome getMatchOutcome(
        ConditionContext context, AnnotatedTypeMetadata metadata) {
      Environment environment = context.getEnvironment();
      Boolean asked = environment.getProperty("audit.test.recording", Boolean.class);
      if (asked != null) {
        return new ConditionOutcome(asked, "audit.test.recording=" + asked);
      }
      String queue = environment.getProperty("audit.rabbitmq.queue-name");
      return queue == null || queue.isBlank()
          ? ConditionOutcome.match("no audit.rabbitmq.queue-name: the tests record in memory")
          : ConditionOutcome.noMatch("audit.rabbitmq.queue-name is set: the real Auditor");
    }
  }
}
