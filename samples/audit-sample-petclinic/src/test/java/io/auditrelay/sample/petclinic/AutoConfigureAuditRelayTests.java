package io.auditrelay.sample.petclinic;

import static org.assertj.core.api.Assertions.assertThat;

import io.auditrelay.core.Auditor;
import io.auditrelay.test.RecordingAuditor;
import io.auditrelay.test.autoconfigure.AutoConfigureAuditRelay;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;

/**
 * A test of an application configured for a real broker: {@link AutoConfigureAuditRelay} still
 * gives it the recording Auditor, so the test reaches no broker.
 */
@SpringBootTest(
    properties = {
      "audit.rabbitmq.queue-name=petclinic-audit",
      "audit.rabbitmq.url=amqp://audit@broker.invalid:5672"
    })
@AutoConfigureAuditRelay
class AutoConfigureAuditRelayTests {

  @Autowired Auditor auditor;

  @Test
  void theAuditorIsTheRecordingOne() {
    assertThat(auditor).isInstanceOf(RecordingAuditor.class);
  }
}
