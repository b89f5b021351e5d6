package io.auditrelay.testsupport;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Starts a child JVM on the test class path, for crash tests (SIGKILL) and process faults. */
public final class ChildJvm {

  private ChildJvm() {}

  /** {@code java <options> -cp <this class path> <main and args>}. */
  public static ProcessBuilder of(List<String> options, String... mainAndArgs) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(options);
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.addAll(List.of(mainAndArgs));
    return new ProcessBuilder(command);
  }
}
