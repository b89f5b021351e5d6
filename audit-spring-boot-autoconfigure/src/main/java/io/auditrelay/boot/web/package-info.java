/** Audit Relay's Spring Boot integration: web. */
@NullMarked
package io.auditrelay.boot.web;

import org.jspecify.annotations.NullMarked;
