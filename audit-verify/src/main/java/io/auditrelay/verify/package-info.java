/**
 * The consumer side of the verifiable trail: {@link io.auditrelay.verify.TrailVerifier} proves, per
 * producer stream, that the events received are complete (no hole in the durable part), unaltered,
 * not injected and in order, from the message bodies alone; {@link io.auditrelay.verify.VerifyCli}
 * runs it on a queue, a JSON-lines file or a SQL table.
 */
@NullMarked
package io.auditrelay.verify;

import org.jspecify.annotations.NullMarked;
