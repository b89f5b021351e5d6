package io.auditrelay.secrets;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Masks secrets before a value reaches a message: values of parameters whose name suggests a
 * secret, and the user-info part of URLs ({@code amqp://user:pass@host}, {@code
 * jdbc:postgresql://...?password=...}).
 */
public final class Secrets {

  /**
   * From {@code ://} to the last {@code @} before a line break or a quote: the user information of
   * a URL, also when it holds unencoded {@code /}, {@code @}, {@code #}, {@code ?} or spaces
   * (masking more than needed is harmless; masking less is not).
   */
  private static final Pattern USER_INFO = Pattern.compile("(?<=://)[^\\n\\r\"]*@");

  private static final Pattern PASSWORD_QUERY =
      Pattern.compile("(?i)((?:password|pwd|secret|token)=)[^&;\\s]*");

  private Secrets() {}

  /** Whether a parameter with this name holds a secret. */
  public static boolean isSecretName(String name) {
    String n = name.toLowerCase(Locale.ROOT);
    return n.contains("password")
        || n.contains("secret")
        || n.contains("token")
        || n.contains("credential");
  }

  /** Masks credentials inside a free-form value such as a URL or DSN. */
  public static String maskUrl(String value) {
    String masked = USER_INFO.matcher(value).replaceAll("***@");
    return PASSWORD_QUERY.matcher(masked).replaceAll("$1***");
  }

  /**
   * Masks a value that is one URL or one address list as a whole: everything up to its last
   * {@code @} (after the scheme, if any), well-formed or not.
   */
  public static String maskWholeUrl(String value) {
    int at = value.lastIndexOf('@');
    if (at < 0) {
      return maskUrl(value);
    }
    int scheme = value.indexOf("://");
    String prefix = scheme >= 0 && scheme < at ? value.substring(0, scheme + 3) : "";
    return prefix + "***" + value.substring(at);
  }

  /** The printable form of parameter {@code name} with {@code value}: masked where needed. */
  public static String describe(String name, Object value) {
    if (isSecretName(name)) {
      return "***";
    }
    return maskUrl(String.valueOf(value));
  }
}
