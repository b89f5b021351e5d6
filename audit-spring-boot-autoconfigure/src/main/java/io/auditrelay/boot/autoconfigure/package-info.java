/** Audit Relay's Spring Boot integration: autoconfigure. */
@NullMarked
package io.auditrelay.boot.autoconfigure;

import org.jspecify.annotations.NullMarked;
