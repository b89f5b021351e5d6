package io.auditrelay.cadf;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import org.jspecify.annotations.Nullable;

/**
 * Why an event happened. Valid when {@code reasonType} and {@code reasonCode} are both set, or
 * {@code policyType} and {@code policyId} are both set (or all four).
 *
 * @param reasonType domain of the code, for example {@code HTTP}
 * @param reasonCode the code, for example {@code 201}
 * @param policyType type of the policy that decided
 * @param policyId identifier of that policy
 */
// CadfWriter writes these fields in this order too: a field added here goes there as well.
@JsonPropertyOrder({"reasonType", "reasonCode", "policyType", "policyId"})
public record Reason(
    @Nullable String reasonType,
    @Nullable String reasonCode,
    @Nullable String policyType,
    @Nullable String policyId) {

  /** The reason of an HTTP response: {@code {"reasonType":"HTTP","reasonCode":"201"}}. */
  public static Reason http(int status) {
    return new Reason("HTTP", Integer.toString(status), null, null);
  }
}
