package io.auditrelay.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs {@code rabbitmqctl} against the local RabbitMQ, for faults only a real broker can raise. */
public final class Rabbitmqctl {

  private Rabbitmqctl() {}

  /** Runs {@code rabbitmqctl <arguments>} and asserts that it succeeded within a minute. */
  public static void run(String... arguments) throws Exception {
    output(arguments);
  }

  /**
   * Runs {@code rabbitmqctl <arguments>}, asserts that it succeeded within a minute, and returns
   * what it printed.
   */
  public static String output(String... arguments) throws Exception {
    List<String> command = new ArrayList<>(List.of("rabbitmqctl"));
    command.addAll(List.of(arguments));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes());
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).as("rabbitmqctl %s: %s", List.of(arguments), output).isZero();
    return output;
  }
}
