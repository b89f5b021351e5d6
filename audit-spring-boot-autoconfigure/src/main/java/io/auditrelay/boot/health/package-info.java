/** Audit Relay's Spring Boot integration: health. */
@NullMarked
package io.auditrelay.boot.health;

import org.jspecify.annotations.NullMarked;
