/**
 * Spring Boot test support: a {@link io.auditrelay.test.RecordingAuditor} in place of the real
 * Auditor in tests that configure no queue, in the MVC and WebFlux test slices, and through {@link
 * io.auditrelay.test.autoconfigure.AutoConfigureAuditRelay}.
 */
@NullMarked
package io.auditrelay.test.autoconfigure;

import org.jspecify.annotations.NullMarked;
