package io.auditrelay.store.jdbc;

import io.auditrelay.store.BackingStore;
import io.auditrelay.store.StoreParams;
import io.auditrelay.testsupport.CrashChildren;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * The child JVM of the SQL crash oracle: producers append to a table and print {@code ACK <id>}
 * only after {@code append()} returned (the commit); a drainer claims, prints {@code DONE <id>} for
 * half of each claim (as if the broker had confirmed them), then acknowledges that half and
 * releases the rest. It runs until it is killed.
 *
 * <p>Arguments: JDBC URL, user name, table, producers, seed.
 */
public final class SqlCrashChild {

  private SqlCrashChild() {}

  public static void main(String[] args) throws Exception {
    String url = args[0];
    String username = args[1];
    String table = args[2];
    int producers = Integer.parseInt(args[3]);
    long seed = Long.parseLong(args[4]);
    PrintStream out = new PrintStream(System.out, false, StandardCharsets.UTF_8);
    BackingStore store =
        new JdbcBackingStoreFactory()
            .create(
                new StoreParams(
                    "child", "sql", Map.of("url", url, "username", username, "table_name", table)));
    List<Thread> threads = CrashChildren.produce(store, producers, seed, 20, 0, out);
    CrashChildren.drain(store, out);
    for (Thread thread : threads) {
      thread.join();
    }
  }
}
