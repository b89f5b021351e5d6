package io.auditrelay.cadf;

import java.util.Set;

/**
 * The CADF action taxonomy. An action is one of these constants or a sub-path of one ({@code
 * update/set-quota}); a bare prefix without {@code /} ({@code createXYZ}) is not valid.
 */
public final class Actions {

  public static final String BACKUP = "backup";
  public static final String CAPTURE = "capture";
  public static final String CREATE = "create";
  public static final String CONFIGURE = "configure";
  public static final String READ = "read";
  public static final String READ_LIST = "read/list";
  public static final String UPDATE = "update";
  public static final String DELETE = "delete";
  public static final String MONITOR = "monitor";
  public static final String START = "start";
  public static final String STOP = "stop";
  public static final String DEPLOY = "deploy";
  public static final String UNDEPLOY = "undeploy";
  public static final String ENABLE = "enable";
  public static final String DISABLE = "disable";
  public static final String SEND = "send";
  public static final String RECEIVE = "receive";
  public static final String AUTHENTICATE = "authenticate";
  public static final String AUTHENTICATE_LOGIN = "authenticate/login";
  public static final String REVOKE = "revoke";
  public static final String RENEW = "renew";
  public static final String RESTORE = "restore";
  public static final String EVALUATE = "evaluate";
  public static final String ALLOW = "allow";
  public static final String DENY = "deny";
  public static final String NOTIFY = "notify";
  public static final String UNKNOWN = "unknown";

  private static final Set<String> ALL =
      Set.of(
          BACKUP,
          CAPTURE,
          CREATE,
          CONFIGURE,
          READ,
          READ_LIST,
          UPDATE,
          DELETE,
          MONITOR,
          START,
          STOP,
          DEPLOY,
          UNDEPLOY,
          ENABLE,
          DISABLE,
          SEND,
          RECEIVE,
          AUTHENTICATE,
          AUTHENTICATE_LOGIN,
          REVOKE,
          RENEW,
          RESTORE,
          EVALUATE,
          ALLOW,
          DENY,
          NOTIFY,
          UNKNOWN);

  private Actions() {}

  /** Whether {@code action} is a taxonomy entry or a sub-path of one. */
  public static boolean isValid(String action) {
    return Taxonomy.contains(ALL, action);
  }

  /**
   * Maps an HTTP method to an action: GET, HEAD, OPTIONS read; POST create; PUT, PATCH update;
   * DELETE delete; anything else unknown.
   */
  public static String ofHttpMethod(String method) {
    return switch (method.toUpperCase(java.util.Locale.ROOT)) {
      case "GET", "HEAD", "OPTIONS" -> READ;
      case "POST" -> CREATE;
      case "PUT", "PATCH" -> UPDATE;
      case "DELETE" -> DELETE;
      default -> UNKNOWN;
    };
  }
}
