package io.auditrelay.store.file;

import io.auditrelay.testsupport.CrashChildren;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

/**
 * The child JVM of the crash oracle: several producers append to a file store ({@code fsync} policy
 * from the arguments) and print {@code ACK <id>} only after {@code append()} returned. It runs
 * until it is killed.
 *
 * <p>Arguments: directory, fsync policy, producers, seed.
 */
public final class CrashChild {

  private CrashChild() {}

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[0]);
    FsyncPolicy policy = FsyncPolicy.valueOf(args[1]);
    int producers = Integer.parseInt(args[2]);
    long seed = Long.parseLong(args[3]);
    PrintStream out = new PrintStream(System.out, false, StandardCharsets.UTF_8);
    FileBackingStore store = TestFileStores.open(dir, policy);
    out.println("READY");
    out.flush();
    List<Thread> threads = CrashChildren.produce(store, producers, seed, 5, 300, out);
    if (Boolean.getBoolean("audit.crash.drain")) {
      CrashChildren.drain(store, out);
    }
    for (Thread thread : threads) {
      thread.join();
    }
  }
}
