package io.auditrelay.store.file;

import java.nio.file.Path;
import java.time.Clock;

/** Child JVM for permission tests: opens a store on {@code args[0]}, prints the outcome. */
public final class OpenChild {

  private OpenChild() {}

  public static void main(String[] args) {
    try (FileBackingStore store =
        new FileBackingStore(
            Path.of(args[0]),
            64 << 10,
            1L << 30,
            FsyncPolicy.ALWAYS,
            10,
            Clock.systemUTC(),
            c -> c.force(false))) {
      System.out.println("OPENED");
    } catch (RuntimeException e) {
      System.out.println("FAILED " + e.getMessage());
      System.exit(1);
    }
  }
}
