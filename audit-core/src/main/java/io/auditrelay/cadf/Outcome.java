package io.auditrelay.cadf;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** CADF outcomes of an action. */
public enum Outcome {
  SUCCESS("success"),
  FAILURE("failure"),
  PENDING("pending"),
  UNKNOWN("unknown");

  private final String value;

  Outcome(String value) {
    this.value = value;
  }

  /** Returns the wire value, for example {@code success}. */
  @JsonValue
  public String value() {
    return value;
  }

  /**
   * Maps an HTTP status to an outcome: 2xx is {@link #SUCCESS}, everything else (3xx included)
   * {@link #FAILURE}. keystonemiddleware counts 3xx as success; an audit trail should not call a
   * redirect a completed change.
   */
  public static Outcome ofHttpStatus(int status) {
    return status >= 200 && status < 300 ? SUCCESS : FAILURE;
  }

  /**
   * The outcome of an HTTP request answered with {@code status}: success for 2xx, and for a
   * redirect (3xx) that answers a request that changes something ({@code POST}, {@code PUT}, {@code
   * PATCH}, {@code DELETE}), as form-based applications answer a change they made
   * (post/redirect/get); failure otherwise. A redirect that answers a read (to a login page, say)
   * stays a failure.
   */
  public static Outcome ofHttpResponse(String method, int status) {
    boolean redirectAfterChange =
        status >= 300
            && status < 400
            && switch (method.toUpperCase(java.util.Locale.ROOT)) {
              case "POST", "PUT", "PATCH", "DELETE" -> true;
              default -> false;
            };
    return redirectAfterChange ? SUCCESS : ofHttpStatus(status);
  }

  /**
   * Returns the outcome with the given wire value.
   *
   * @throws IllegalArgumentException naming the accepted values when {@code value} is not one
   */
  @JsonCreator
  public static Outcome of(String value) {
    for (Outcome outcome : values()) {
      if (outcome.value.equals(value)) {
        return outcome;
      }
    }
    throw new IllegalArgumentException(
        "outcome must be one of success, failure, pending, unknown, not '" + value + "'");
  }
}
