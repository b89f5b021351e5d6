package io.auditrelay.cadf;

import java.util.List;
import java.util.stream.Collectors;

/**
 * Thrown when an event breaks a CADF rule. The message names each field and the rule it broke, so
 * the caller knows what to fix; it never contains the offending value, which may be personal data.
 */
public final class CadfValidationException extends IllegalArgumentException {

  private static final long serialVersionUID = 1L;

  private final transient List<Violation> violations;

  /** Creates the exception for one or more violations. */
  public CadfValidationException(List<Violation> violations) {
    super(
        "Invalid CADF event: "
            + violations.stream().map(Violation::toString).collect(Collectors.joining("; ")));
    this.violations = List.copyOf(violations);
  }

  /** Returns every broken rule, in field order. */
  public List<Violation> violations() {
    return violations;
  }

  /**
   * One broken rule.
   *
   * @param field path of the field, for example {@code initiator.typeURI}
   * @param rule what the field must be
   */
  public record Violation(String field, String rule) {
    @Override
    public String toString() {
      return field + " " + rule;
    }
  }
}
