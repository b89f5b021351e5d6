package io.auditrelay.test.autoconfigure;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.test.context.PropertyMapping;

/**
 * Gives a test's application context a {@link io.auditrelay.test.RecordingAuditor} as its {@code
 * Auditor} (and, in a servlet web application, {@code AuditRequestEvents}), whatever queue the
 * configuration names: for test slices that do not include auditing (such as {@code @DataJpaTest})
 * and for {@code @SpringBootTest}s that must not reach a broker. Inject the {@code
 * RecordingAuditor} and check what was recorded with {@link io.auditrelay.test.AuditAssertions}; it
 * is emptied before each test method.
 *
 * <p>The auto-configurations it imports are listed in {@code
 * META-INF/spring/io.auditrelay.test.autoconfigure.AutoConfigureAuditRelay.imports}.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@ImportAutoConfiguration
@PropertyMapping("audit.test")
public @interface AutoConfigureAuditRelay {

  /**
   * Whether the recording Auditor replaces the real one (mapped to {@code audit.test.recording}).
   */
  boolean recording() default true;
}
