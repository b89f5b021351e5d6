/** Audit Relay's Spring Boot integration: the Actuator endpoint for operators. */
@NullMarked
package io.auditrelay.boot.actuate;

import org.jspecify.annotations.NullMarked;
