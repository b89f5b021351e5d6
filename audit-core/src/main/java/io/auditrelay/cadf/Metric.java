package io.auditrelay.cadf;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import org.jspecify.annotations.Nullable;

/**
 * What a measurement measures.
 *
 * @param metricId identifier; required
 * @param unit unit of the result; required
 * @param name human-readable name
 */
// CadfWriter writes these fields in this order too: a field added here goes there as well.
@JsonPropertyOrder({"metricId", "unit", "name"})
public record Metric(String metricId, String unit, @Nullable String name) {}
