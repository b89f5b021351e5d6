package io.auditrelay.store.file;

import java.nio.file.Path;

/** Child JVM for permission tests: opens a store on {@code args[0]}, prints the outcome. */
public final class OpenChild {

  private OpenChild() {}

  public static void main(String[] args) {
    try (FileBackingStore store = TestFileStores.open(Path.of(args[0]))) {
      System.out.println("OPENED");
    } catch (RuntimeException e) {
      System.out.println("FAILED " + e.getMessage());
      System.exit(1);
    }
  }
}
