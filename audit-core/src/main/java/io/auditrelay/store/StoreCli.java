package io.auditrelay.store;

import java.io.PrintStream;
import java.util.Map;
import java.util.ServiceLoader;

/**
 * The one operator CLI of every store: the same verbs for a file store directory and a SQL store's
 * tables, run by the commands the store's module provides ({@link StoreCommands}).
 *
 * <pre>
 * java -cp "$CP" io.auditrelay.store.StoreCli stats|dump|verify|list LOCATION [TABLE]
 * java -cp "$CP" io.auditrelay.store.StoreCli requeue LOCATION [TABLE] KEY|all
 * java -cp "$CP" io.auditrelay.store.StoreCli delete  LOCATION [TABLE] KEY REASON
 * </pre>
 *
 * LOCATION is a file store's directory or a JDBC URL ({@code TABLE} only then); the SQL store takes
 * its user and password from {@code AUDIT_STORE_JDBC_USER} and {@code AUDIT_STORE_JDBC_PASSWORD}.
 * Exit 0 done, 1 a finding or nothing done, 2 usage or the store cannot be read.
 */
public final class StoreCli {

  private StoreCli() {}

  public static void main(String[] args) {
    System.exit(run(args, System.out, System.getenv()));
  }

  /**
   * Runs a command with the store commands on the class path, in the environment {@code env};
   * returns the exit code.
   */
  public static int run(String[] args, PrintStream out, Map<String, String> env) {
    ClassLoader loader = StoreCli.class.getClassLoader();
    if (args.length < 2) {
      out.println(
          "usage: StoreCli stats|dump|verify|list|requeue|delete LOCATION ... (LOCATION: a file"
              + " store directory or a JDBC URL)");
      return 2;
    }
    for (StoreCommands commands : ServiceLoader.load(StoreCommands.class, loader)) {
      if (commands.accepts(args[1])) {
        return commands.run(args, out, env);
      }
    }
    out.println(
        "no store module on the class path takes "
            + (args[1].startsWith("jdbc:") ? "a JDBC URL" : "a directory")
            + ": add audit-backing-store-"
            + (args[1].startsWith("jdbc:") ? "jdbc" : "file")
            + " and its dependencies to the class path");
    return 2;
  }
}
