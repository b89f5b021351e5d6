package io.auditrelay.cadf;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import org.jspecify.annotations.Nullable;

/**
 * A network endpoint of a resource.
 *
 * @param url the endpoint URL; required
 * @param name endpoint name
 * @param port port, as a string (pycadf's type)
 */
// CadfWriter writes these fields in this order too: a field added here goes there as well.
@JsonPropertyOrder({"url", "name", "port"})
public record Endpoint(String url, @Nullable String name, @Nullable String port) {}
