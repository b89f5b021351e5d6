package io.auditrelay.benchmarks;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import io.auditrelay.core.Auditor;
import io.auditrelay.store.BackingStore;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * {@code scale.sql.replicas-*}: one SQL table (PostgreSQL) holding a backlog of {@link #EVENTS}
 * events, drained by 1, 2 and 4 Auditors, each in its own JVM, as the replicas of a service are.
 * Each replica starts, opens its store and says so; then all are told to go at once, and the figure
 * is the backlog over the time until the broker holds every event. Afterwards the replicas close
 * and the queue is counted again: outside crashes no event may be published twice, so it must hold
 * exactly the backlog. Not JMH: the figure spans several processes.
 */
final class SqlReplicas {

  /** The backlog each run drains. */
  static final int EVENTS = Integer.getInteger("audit.bench.replica-events", 200_000);

  private SqlReplicas() {}

  /**
   * Drains the backlog with each number of {@code replicas}, {@code rounds} rounds (each starting
   * with the next count); returns the median events/s per count, in the order given.
   */
  static Map<Integer, Double> measure(int rounds, int... replicas) throws Exception {
    Map<Integer, List<Double>> figures = new LinkedHashMap<>();
    for (int count : replicas) {
      figures.put(count, new ArrayList<>());
    }
    for (int round = 0; round < rounds; round++) {
      for (int i = 0; i < replicas.length; i++) {
        int count = replicas[(i + round) % replicas.length];
        figures.get(count).add(run(count));
      }
    }
    Map<Integer, Double> medians = new LinkedHashMap<>();
    figures.forEach(
        (count, list) -> medians.put(count, list.stream().sorted().toList().get(list.size() / 2)));
    return medians;
  }

  /** One run: fills a table, drains it with {@code count} replicas; returns events/s. */
  private static double run(int count) throws Exception {
    String table = Fixtures.unique("bench_replicas");
    String queue = Fixtures.unique("bench-replicas");
    try (BackingStore store = Fixtures.sqlStore(table)) {
      Fixtures.fill(store, EVENTS);
    }
    Fixtures.purge(queue); // declares it
    List<Replica> children = new ArrayList<>();
    try (Connection connection = Fixtures.rabbitConnection();
        Channel channel = connection.createChannel()) {
      for (int i = 0; i < count; i++) {
        children.add(Replica.start(table, queue, i));
      }
      for (Replica child : children) {
        child.await("READY");
      }
      long start = System.nanoTime();
      children.forEach(child -> child.tell("GO"));
      long deadline = start + TimeUnit.MINUTES.toNanos(20);
      while (channel.messageCount(queue) < EVENTS) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException(
              count + " replicas: " + channel.messageCount(queue) + " of " + EVENTS + " drained");
        }
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      children.forEach(child -> child.tell("STOP"));
      for (Replica child : children) {
        child.await("STOPPED");
        child.waitFor();
      }
      long published = channel.messageCount(queue);
      System.out.printf(
          "   replicas %d: %,d events drained in %.2f s (%,.0f events/s), %,d published,"
              + " %,d twice%n",
          count, EVENTS, seconds, EVENTS / seconds, published, published - EVENTS);
      if (published != EVENTS) {
        throw new IllegalStateException(
            count + " replicas published " + published + " messages for " + EVENTS + " events");
      }
      return EVENTS / seconds;
    } finally {
      children.forEach(Replica::destroy);
      Fixtures.deleteQueue(queue);
      Fixtures.dropSqlStore(table);
    }
  }

  /** A replica's JVM, spoken to line by line on its standard input and output. */
  private record Replica(Process process, BlockingQueue<String> lines) {

    static Replica start(String table, String queue, int index) throws IOException {
      List<String> command =
          Fixtures.childJvm(
              List.of("-Xmx1g"), "", SqlReplicas.class, table, queue, "replica-" + index);
      Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
      BlockingQueue<String> lines = new LinkedBlockingQueue<>();
      Thread reader =
          new Thread(
              () -> {
                try (BufferedReader out =
                    new BufferedReader(
                        new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                  String line;
                  while ((line = out.readLine()) != null) {
                    if (line.startsWith("REPLICA ")) {
                      lines.add(line.substring("REPLICA ".length()));
                    } else {
                      System.out.println("   [replica-" + index + "] " + line);
                    }
                  }
                } catch (IOException e) {
                  // the process ended
                }
              },
              "bench-replica-out-" + index);
      reader.setDaemon(true);
      reader.start();
      return new Replica(process, lines);
    }

    void await(String word) throws InterruptedException {
      String line = lines.poll(5, TimeUnit.MINUTES);
      if (!word.equals(line)) {
        throw new IllegalStateException("a replica said " + line + ", not " + word);
      }
    }

    void tell(String word) {
      try {
        OutputStream in = process.getOutputStream();
        in.write((word + "\n").getBytes(StandardCharsets.UTF_8));
        in.flush();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    void waitFor() throws InterruptedException {
      if (!process.waitFor(2, TimeUnit.MINUTES) || process.exitValue() != 0) {
        throw new IllegalStateException("a replica did not end cleanly");
      }
    }

    void destroy() {
      process.destroyForcibly();
    }
  }

  /**
   * A replica: {@code <table> <queue> <name>}. Opens the store, says {@code READY}; at {@code GO}
   * starts an Auditor on it; at {@code STOP} closes it and says {@code STOPPED}.
   */
  public static void main(String[] args) throws Exception {
    BufferedReader in =
        new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    BackingStore store = Fixtures.sqlStore(args[0]);
    System.out.println("REPLICA READY");
    expect(in, "GO");
    try (Auditor auditor = Fixtures.auditor(args[1], store).name(args[2]).build()) {
      expect(in, "STOP");
    }
    System.out.println("REPLICA STOPPED");
  }

  private static void expect(BufferedReader in, String word) throws IOException {
    String line = in.readLine();
    if (!word.equals(line)) {
      throw new IllegalStateException("expected " + word + ", read " + line);
    }
  }
}
