package io.auditrelay.cadf;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * One step of an event's reporter chain: who observed, modified or relayed it. {@code role} is
 * required, and exactly one of {@code reporter} and {@code reporterId}.
 *
 * @param role {@code observer}, {@code modifier} or {@code relay}
 * @param reporter the reporting resource, inline
 * @param reporterId the reporting resource, by reference
 * @param reporterTime when it reported
 */
// CadfWriter writes these fields in this order too: a field added here goes there as well.
@JsonPropertyOrder({"role", "reporter", "reporterId", "reporterTime"})
public record Reporterstep(
    String role,
    @Nullable Resource reporter,
    @Nullable String reporterId,
    @Nullable Instant reporterTime) {

  /** Truncates {@code reporterTime} to the microseconds the wire format keeps. */
  public Reporterstep {
    reporterTime = CadfTime.truncate(reporterTime);
  }
}
