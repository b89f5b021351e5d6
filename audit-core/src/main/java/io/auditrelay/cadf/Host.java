package io.auditrelay.cadf;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import org.jspecify.annotations.Nullable;

/**
 * The host a resource acted from or on. All fields are optional.
 *
 * @param id host identifier
 * @param address network address, for example the client IP of a request
 * @param agent user agent
 * @param platform platform description
 */
// CadfWriter writes these fields in this order too: a field added here goes there as well.
@JsonPropertyOrder({"id", "address", "agent", "platform"})
public record Host(
    @Nullable String id,
    @Nullable String address,
    @Nullable String agent,
    @Nullable String platform) {

  /** A host known by its address and user agent, as an HTTP request gives them. */
  public static Host of(@Nullable String address, @Nullable String agent) {
    return new Host(null, address, agent, null);
  }
}
