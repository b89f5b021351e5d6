package io.auditrelay.cadf;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import org.jspecify.annotations.Nullable;

/**
 * Where a resource is. All fields are optional strings, as in pycadf.
 *
 * @param id identifier
 * @param latitude latitude
 * @param longitude longitude
 * @param elevation elevation in meters
 * @param accuracy accuracy in meters
 * @param city city
 * @param state state or province
 * @param regionICANN ICANN country code
 */
// CadfWriter writes these fields in this order too: a field added here goes there as well.
@JsonPropertyOrder({
  "id",
  "latitude",
  "longitude",
  "elevation",
  "accuracy",
  "city",
  "state",
  "regionICANN"
})
public record Geolocation(
    @Nullable String id,
    @Nullable String latitude,
    @Nullable String longitude,
    @Nullable String elevation,
    @Nullable String accuracy,
    @Nullable String city,
    @Nullable String state,
    @Nullable String regionICANN) {}
