/**
 * The consumer's side of an Audit Relay trail: {@link io.auditrelay.archive.AuditArchive}, an
 * idempotent JDBC archive keyed on the CADF id, and {@link
 * io.auditrelay.archive.VerifyingArchiveListener}, a Spring AMQP listener that checks, dedupes and
 * stores each event. The whole trail is then proven with {@code audit-verify --jdbc} on the table.
 */
@NullMarked
package io.auditrelay.archive;

import org.jspecify.annotations.NullMarked;
