/**
 * The verifiable trail: the integrity stamp every event carries (stream, epoch, sequence, the hash
 * of the event before it, a MAC for the drain), the signed checkpoints of a stream, and the Ed25519
 * keys that sign them. The producer side lives in the Auditor; the consumer side in the {@code
 * audit-verify} module. The format is described in {@code docs/integrity.md}.
 */
@NullMarked
package io.auditrelay.integrity;

import org.jspecify.annotations.NullMarked;
