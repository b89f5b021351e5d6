/**
 * Test support for services that record audit events: {@link io.auditrelay.test.RecordingAuditor}.
 */
@NullMarked
package io.auditrelay.test;

import org.jspecify.annotations.NullMarked;
