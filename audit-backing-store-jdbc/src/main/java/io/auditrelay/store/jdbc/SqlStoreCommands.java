package io.auditrelay.store.jdbc;

import io.auditrelay.store.StoreCommands;
import java.io.PrintStream;
import java.util.Map;

/** {@link SqlStoreCli} under the one operator CLI: JDBC URLs. */
public final class SqlStoreCommands implements StoreCommands {

  @Override
  public boolean accepts(String location) {
    return location.startsWith("jdbc:");
  }

  @Override
  public int run(String[] args, PrintStream out, Map<String, String> env) {
    return SqlStoreCli.run(args, out, env);
  }
}
