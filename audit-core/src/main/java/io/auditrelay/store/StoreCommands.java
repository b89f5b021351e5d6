package io.auditrelay.store;

import java.io.PrintStream;
import java.util.Map;

/**
 * The operator commands of one store type, for {@link StoreCli}: each store module registers one
 * with {@link java.util.ServiceLoader} ({@code
 * META-INF/services/io.auditrelay.store.StoreCommands}).
 */
public interface StoreCommands {

  /** Whether {@code location} (a directory, a JDBC URL) names a store of this type. */
  boolean accepts(String location);

  /**
   * Runs {@code args} ({@code VERB LOCATION ...}) and returns the exit code.
   *
   * @param env the environment, for credentials that never go on the command line
   */
  int run(String[] args, PrintStream out, Map<String, String> env);
}
