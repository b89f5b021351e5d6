package io.auditrelay.testsupport;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Child JVMs for crash tests (SIGKILL) and process faults. A crash child speaks a line protocol on
 * stdout ({@code ACK <x>}: durable, {@code DONE <x>}: delivered); its logs go to stderr (the
 * test-jar's logback configuration), so that no log line can split a protocol line.
 */
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

  /**
   * Starts a crash child: stdout is its protocol; stderr (its logs) is copied to this JVM's {@code
   * System.err}, so that it lands in the test's report rather than on the build's console.
   */
  public static Process start(List<String> options, String... mainAndArgs) {
    Process child;
    try {
      child = of(options, mainAndArgs).start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Thread logs =
        new Thread(
            () -> {
              try (BufferedReader lines =
                  new BufferedReader(
                      new InputStreamReader(child.getErrorStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = lines.readLine()) != null) {
                  System.err.println("[child] " + line);
                }
              } catch (IOException e) {
                // the child died
              }
            },
            "child-logs");
    logs.setDaemon(true);
    logs.start();
    return child;
  }

  /**
   * Reads the child's protocol on a thread of its own until its stdout closes: the argument of each
   * {@code ACK} line goes to {@code acked}, of each {@code DONE} line to {@code done}; any other
   * line is echoed. Returns the started thread.
   */
  public static Thread readProtocol(Process child, Consumer<String> acked, Consumer<String> done) {
    Thread reader =
        new Thread(
            () -> {
              try (BufferedReader lines =
                  new BufferedReader(
                      new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = lines.readLine()) != null) {
                  if (line.startsWith("ACK ")) {
                    acked.accept(line.substring(4));
                  } else if (line.startsWith("DONE ")) {
                    done.accept(line.substring(5));
                  } else {
                    System.out.println("[child] " + line);
                  }
                }
              } catch (IOException e) {
                // the child died
              }
            },
            "child-protocol");
    reader.start();
    return reader;
  }

  /**
   * Kills the child with SIGKILL and waits for it and for the end of its protocol: every line the
   * child wrote before it died is read.
   *
   * <p>Not {@link Process#destroyForcibly()}: on Linux it also closes the child's streams in this
   * JVM, and protocol lines still in the pipe were lost with them. A crash oracle then saw events
   * the child had announced as delivered and deleted as lost (twice, on PostgreSQL, 2026-11-22 and
   * 2026-11-30: half of one claim each time, the half its {@code DONE} lines named).
   */
  public static void kill(Process child, Thread reader) throws InterruptedException {
    child.toHandle().destroyForcibly();
    child.waitFor(30, TimeUnit.SECONDS);
    reader.join(10_000);
  }
}
