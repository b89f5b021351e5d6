package io.auditrelay.cadf;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * A credential a resource presented. The token is <strong>masked on construction</strong>: the raw
 * value never reaches an event, a store or the broker. A token of 20 characters or more keeps its
 * first and last four characters around {@code ***}; a shorter one becomes {@code ***}. A value
 * that already has the masked form is kept, so masking is idempotent and events round-trip byte for
 * byte.
 *
 * @param type credential type, for example {@code token}
 * @param token the masked token; required
 */
// CadfWriter writes these fields in this order too: a field added here goes there as well.
@JsonPropertyOrder({"type", "token"})
public record Credential(@Nullable String type, String token) {

  private static final Pattern MASKED = Pattern.compile("^.{0,4}\\*\\*\\*.{0,4}$", Pattern.DOTALL);

  /** Masks {@code token}; see the type's contract. */
  public Credential {
    token = mask(token);
  }

  /** Masks a raw token as described in the type's contract; {@code null} stays {@code null}. */
  static String mask(String token) {
    if (token == null || MASKED.matcher(token).matches()) {
      return token;
    }
    if (token.length() < 20) {
      return "***";
    }
    return token.substring(0, 4) + "***" + token.substring(token.length() - 4);
  }
}
