package io.auditrelay.cadf;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** CADF event types. {@link #ACTIVITY} is the default. */
public enum EventType {
  /** An action performed on a resource (the usual audit event). */
  ACTIVITY("activity"),
  /** A measurement of a resource; requires {@code measurements}. */
  MONITOR("monitor"),
  /** A policy decision; requires a {@code reason}. */
  CONTROL("control");

  private final String value;

  EventType(String value) {
    this.value = value;
  }

  /** Returns the wire value, for example {@code activity}. */
  @JsonValue
  public String value() {
    return value;
  }

  /**
   * Returns the type with the given wire value.
   *
   * @throws IllegalArgumentException naming the accepted values when {@code value} is not one
   */
  @JsonCreator
  public static EventType of(String value) {
    for (EventType type : values()) {
      if (type.value.equals(value)) {
        return type;
      }
    }
    throw new IllegalArgumentException(
        "eventType must be one of activity, monitor, control, not '" + value + "'");
  }
}
