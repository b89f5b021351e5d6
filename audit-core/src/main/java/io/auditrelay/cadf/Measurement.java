package io.auditrelay.cadf;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import org.jspecify.annotations.Nullable;

/**
 * One measured value of a {@code monitor} event. {@code result} is required, and exactly one of
 * {@code metric} and {@code metricId}.
 *
 * @param result the value, a number or a string
 * @param metric the metric measured, inline
 * @param metricId the metric measured, by reference
 * @param calculatedBy the resource that calculated the value
 */
// CadfWriter writes these fields in this order too: a field added here goes there as well.
@JsonPropertyOrder({"result", "metric", "metricId", "calculatedBy"})
public record Measurement(
    Object result,
    @Nullable Metric metric,
    @Nullable String metricId,
    @Nullable Resource calculatedBy) {

  /** A measurement with an inline metric. */
  public static Measurement of(Object result, Metric metric) {
    return new Measurement(result, metric, null, null);
  }
}
