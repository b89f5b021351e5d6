package io.auditrelay.core;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * An {@code amqp://} or {@code amqps://} URI (the RabbitMQ URI specification), parsed strictly.
 *
 * <p>{@link java.net.URI} and the AMQP client accept a URI whose password holds an unencoded {@code
 * /}, {@code @} or {@code #}: the rest of the password then becomes the path, the host is lost and
 * the client connects to {@code localhost} as {@code guest}. This parser refuses such a URI instead
 * of repairing it: no host, a reserved character in the user information, an unknown scheme, a
 * fragment, an unknown query parameter. Its messages never contain the URI's user information,
 * well-formed or not; {@link #redacted()} is the form to show.
 *
 * @param tls whether the scheme is {@code amqps}
 * @param host the host, IPv6 without brackets
 * @param port the port, or -1 when the URI names none
 * @param username the decoded user, or null when the URI names none
 * @param password the decoded password, or null when the URI names none
 * @param virtualHost the decoded virtual host, or null when the URI has no path
 * @param query the query parameters, by name
 */
record AmqpUri(
    boolean tls,
    String host,
    int port,
    @Nullable String username,
    @Nullable String password,
    @Nullable String virtualHost,
    Map<String, String> query) {

  /** Query parameters of the RabbitMQ URI specification that the own connection applies. */
  static final Set<String> QUERY_PARAMETERS =
      Set.of("heartbeat", "connection_timeout", "channel_max", "auth_mechanism");

  private static final String ENCODE_ADVICE =
      "percent-encode reserved characters of the user name and password (for example"
          + " 'pa/ss@wd' as 'pa%2Fss%40wd': '/' is %2F, '@' is %40, '#' is %23, '?' is %3F,"
          + " ':' in the user is %3A, a space is %20, '%' is %25), or leave the password out of the"
          + " URI and set it on its own";

  private static final String SUB_DELIMS = "!$&'()*+,;=";

  /**
   * Parses {@code text}.
   *
   * @throws IllegalArgumentException saying what is wrong and how to fix it, never quoting the user
   *     information
   */
  static AmqpUri parse(String text) {
    int schemeEnd = text.indexOf("://");
    String scheme = schemeEnd < 0 ? "" : text.substring(0, schemeEnd).toLowerCase(Locale.ROOT);
    if (!scheme.equals("amqp") && !scheme.equals("amqps")) {
      throw new IllegalArgumentException(
          "must start with amqp:// or amqps://, as in amqps://user@rabbit.example.com:5671/vhost"
              + (schemeEnd < 0 ? "" : schemeName(text.substring(0, schemeEnd))));
    }
    String rest = text.substring(schemeEnd + 3);
    for (int i = 0; i < rest.length(); i++) {
      char c = rest.charAt(i);
      if (c <= ' ' || c >= 0x7f) {
        throw new IllegalArgumentException(
            "contains a space, a control or a non-ASCII character; " + ENCODE_ADVICE);
      }
    }
    if (rest.indexOf('#') >= 0) {
      throw new IllegalArgumentException("contains '#', which ends an AMQP URI; " + ENCODE_ADVICE);
    }
    int authorityEnd = indexOfAny(rest, "/?");
    String authority = authorityEnd < 0 ? rest : rest.substring(0, authorityEnd);
    String afterAuthority = authorityEnd < 0 ? "" : rest.substring(authorityEnd);
    if (afterAuthority.indexOf('@') >= 0) {
      // "user:S3c/retPW@host": the '/' ended the authority; the host is in the path.
      throw new IllegalArgumentException(
          "has an '@' after a '/' or '?', so its user information is not followed by a host; "
              + ENCODE_ADVICE);
    }
    int at = authority.lastIndexOf('@');
    if (at != authority.indexOf('@')) {
      throw new IllegalArgumentException("has more than one '@' before its host; " + ENCODE_ADVICE);
    }
    String userInfo = at < 0 ? null : authority.substring(0, at);
    String hostPort = authority.substring(at + 1);
    String username = null;
    String password = null;
    if (userInfo != null) {
      checkUserInfo(userInfo);
      int colon = userInfo.indexOf(':');
      username = decode(colon < 0 ? userInfo : userInfo.substring(0, colon), "user information");
      password = colon < 0 ? null : decode(userInfo.substring(colon + 1), "user information");
    }
    String host;
    String portText;
    if (hostPort.startsWith("[")) {
      int close = hostPort.indexOf(']');
      if (close < 0) {
        throw new IllegalArgumentException("has an IPv6 host without its closing ']'");
      }
      host = hostPort.substring(1, close);
      String tail = hostPort.substring(close + 1);
      if (!tail.isEmpty() && !tail.startsWith(":")) {
        throw new IllegalArgumentException("has characters after its IPv6 host's ']'");
      }
      portText = tail.isEmpty() ? null : tail.substring(1);
    } else {
      int colon = hostPort.indexOf(':');
      host = colon < 0 ? hostPort : hostPort.substring(0, colon);
      portText = colon < 0 ? null : hostPort.substring(colon + 1);
    }
    if (host.isEmpty()) {
      throw new IllegalArgumentException(
          "names no host; give one, as in amqps://user@rabbit.example.com:5671/vhost (an '@' or"
              + " ':' in the user information may have cut it: "
              + ENCODE_ADVICE
              + ")");
    }
    checkHost(host, hostPort.startsWith("["));
    int port = portText == null || portText.isEmpty() ? -1 : port(portText);
    String path = afterAuthority;
    String queryText = "";
    int question = path.indexOf('?');
    if (question >= 0) {
      queryText = path.substring(question + 1);
      path = path.substring(0, question);
    }
    String virtualHost = null;
    if (!path.isEmpty()) {
      String encoded = path.substring(1);
      if (encoded.indexOf('/') >= 0) {
        throw new IllegalArgumentException(
            "has a '/' inside its virtual host; percent-encode it as %2F (the virtual host '/' is"
                + " amqp://host/%2F, and a URI without a path uses it too)");
      }
      virtualHost = decode(encoded, "virtual host");
    }
    return new AmqpUri(
        scheme.equals("amqps"), host, port, username, password, virtualHost, query(queryText));
  }

  /** The URI with its user information replaced by {@code ***}, safe for logs and messages. */
  String redacted() {
    StringBuilder out = new StringBuilder(tls ? "amqps://" : "amqp://");
    if (username != null) {
      out.append("***@");
    }
    out.append(host.indexOf(':') >= 0 ? "[" + host + "]" : host);
    if (port >= 0) {
      out.append(':').append(port);
    }
    if (virtualHost != null) {
      out.append('/').append(java.net.URLEncoder.encode(virtualHost, StandardCharsets.UTF_8));
    }
    return out.toString();
  }

  private static void checkUserInfo(String userInfo) {
    for (int i = 0; i < userInfo.length(); i++) {
      char c = userInfo.charAt(i);
      boolean allowed = unreserved(c) || SUB_DELIMS.indexOf(c) >= 0 || c == ':' || c == '%';
      if (!allowed) {
        throw new IllegalArgumentException(
            "has a character in its user name or password that must be percent-encoded; "
                + ENCODE_ADVICE);
      }
    }
  }

  private static void checkHost(String host, boolean ipv6) {
    for (int i = 0; i < host.length(); i++) {
      char c = host.charAt(i);
      boolean allowed =
          unreserved(c) || SUB_DELIMS.indexOf(c) >= 0 || c == '%' || (ipv6 && c == ':');
      if (!allowed) {
        throw new IllegalArgumentException(
            "has a host with a character no host name has; check the host part, and "
                + ENCODE_ADVICE);
      }
    }
  }

  private static int port(String text) {
    int port = -1;
    if (text.length() <= 5 && text.chars().allMatch(c -> c >= '0' && c <= '9')) {
      port = Integer.parseInt(text);
    }
    if (port < 1 || port > 65_535) {
      throw new IllegalArgumentException(
          "has a port that is not a number from 1 to 65535 (a ':' in the password may have been"
              + " taken for the port; "
              + ENCODE_ADVICE
              + ")");
    }
    return port;
  }

  private static Map<String, String> query(String text) {
    Map<String, String> query = new LinkedHashMap<>();
    if (text.isEmpty()) {
      return query;
    }
    for (String pair : text.split("&", -1)) {
      int equals = pair.indexOf('=');
      String name = decode(equals < 0 ? pair : pair.substring(0, equals), "query");
      String value = equals < 0 ? "" : decode(pair.substring(equals + 1), "query");
      if (!QUERY_PARAMETERS.contains(name)) {
        throw new IllegalArgumentException(
            "has a query parameter that the own connection does not know; known: "
                + String.join(", ", new java.util.TreeSet<>(QUERY_PARAMETERS)));
      }
      query.put(name, value);
    }
    return query;
  }

  /** Percent-decodes {@code text} as UTF-8; a {@code +} stays a plus. */
  private static String decode(String text, String part) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(text.length());
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '%') {
        int high = i + 2 < text.length() ? Character.digit(text.charAt(i + 1), 16) : -1;
        int low = i + 2 < text.length() ? Character.digit(text.charAt(i + 2), 16) : -1;
        if (high < 0 || low < 0) {
          throw new IllegalArgumentException(
              "has a '%' in its "
                  + part
                  + " that is not followed by two hex digits; "
                  + ENCODE_ADVICE);
        }
        out.write(high * 16 + low);
        i += 2;
      } else {
        out.write(c);
      }
    }
    return out.toString(StandardCharsets.UTF_8);
  }

  private static boolean unreserved(char c) {
    return (c >= 'a' && c <= 'z')
        || (c >= 'A' && c <= 'Z')
        || (c >= '0' && c <= '9')
        || c == '-'
        || c == '.'
        || c == '_'
        || c == '~';
  }

  private static int indexOfAny(String text, String characters) {
    for (int i = 0; i < text.length(); i++) {
      if (characters.indexOf(text.charAt(i)) >= 0) {
        return i;
      }
    }
    return -1;
  }

  /** {@code ", not x://"} when {@code scheme} is a plain scheme name, else nothing to show. */
  private static String schemeName(String scheme) {
    boolean plain =
        !scheme.isEmpty()
            && scheme.length() <= 16
            && scheme.chars().allMatch(c -> Character.isLetterOrDigit(c) || c == '+' || c == '-');
    return plain ? ", not " + scheme + "://" : "";
  }
}
