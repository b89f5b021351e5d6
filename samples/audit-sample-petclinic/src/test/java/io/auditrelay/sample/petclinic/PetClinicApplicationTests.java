package io.auditrelay.sample.petclinic;

import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;

/**
 * As petclinic has it: the whole context starts, with nothing configured for auditing. Fails
 * without the recording Auditor of {@code audit-test} (as on the code before it, or with {@code
 * -Daudit.test.recording=false}): "audit.rabbitmq.queue-name … is required".
 */
@SpringBootTest
class PetClinicApplicationTests {

  @Test
  void contextLoads() {}
}
