package io.auditrelay.test.autoconfigure;

import io.auditrelay.test.RecordingAuditor;
import org.springframework.context.ApplicationContext;
import org.springframework.test.context.TestContext;
import org.springframework.test.context.support.AbstractTestExecutionListener;

/**
 * Empties every {@link RecordingAuditor} bean before each test method, so that a context cached
 * across test classes never shows one test the events of another. Registered in {@code
 * META-INF/spring.factories}; does nothing in a context without one.
 */
public final class RecordingAuditorResetListener extends AbstractTestExecutionListener {

  @Override
  public int getOrder() {
    return 2000; // after dependency injection, before the test's own @BeforeEach methods
  }

  @Override
  public void beforeTestMethod(TestContext testContext) {
    if (!testContext.hasApplicationContext()) {
      return;
    }
    ApplicationContext context = testContext.getApplicationContext();
    context
        .getBeansOfType(RecordingAuditor.class, false, false)
        .values()
        .forEach(RecordingAuditor::clear);
  }
}
