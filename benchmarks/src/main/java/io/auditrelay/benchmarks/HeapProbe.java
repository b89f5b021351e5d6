package io.auditrelay.benchmarks;

import io.auditrelay.store.BackingStore;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * {@code file.heap.backlog-ratio}: the heap a file store retains once opened on a backlog, measured
 * in a fresh JVM with the serial collector (whose used-heap figure after a full collection is
 * exact): used heap with the store open minus after it was closed and dropped, both after full
 * collections, so that everything else in the heap is the same in both figures; the median of five
 * such cycles.
 */
final class HeapProbe {

  private HeapProbe() {}

  /** Runs the probe in a child JVM for {@code backlog} events; returns the retained bytes. */
  static long retainedBytes(int backlog) throws Exception {
    return retainedBytes(backlog, null);
  }

  /**
   * Runs the probe in a child JVM on the file store of {@code dir} (as {@link
   * Fixtures#fileStore(Path, String)} made it), which holds {@code backlog} events, or on a store
   * of its own when {@code dir} is null; returns the retained bytes.
   */
  static long retainedBytes(int backlog, @Nullable Path dir) throws Exception {
    Process child =
        new ProcessBuilder(
                Fixtures.childJvm(
                    List.of("-XX:+UseSerialGC", "-Xmx4g"),
                    "",
                    HeapProbe.class,
                    Integer.toString(backlog),
                    dir == null ? "" : dir.toString()))
            .redirectErrorStream(true)
            .start();
    String result = null;
    try (BufferedReader out =
        new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = out.readLine()) != null) {
        if (line.startsWith("RETAINED ")) {
          result = line.substring("RETAINED ".length());
        }
      }
    }
    if (child.waitFor() != 0 || result == null) {
      throw new IllegalStateException("heap probe failed for a backlog of " + backlog);
    }
    return Long.parseLong(result);
  }

  public static void main(String[] args) throws Exception {
    int backlog = Integer.parseInt(args[0]);
    boolean own = args.length < 2 || args[1].isEmpty();
    Path dir = own ? Fixtures.tempDirectory("bench-heap") : Path.of(args[1]);
    try {
      if (own) {
        FileBacklog.fill(dir, backlog);
      }
      // Warm the classes the open needs, so that the measured open loads nothing new.
      Fixtures.fileStore(dir, "always").close();
      // Five cycles of open and close, the median difference: what an open creates once and keeps
      // for the JVM's life would otherwise count against the closed figure of that cycle.
      long[] retained = new long[5];
      for (int cycle = 0; cycle < retained.length; cycle++) {
        BackingStore store = Fixtures.fileStore(dir, "always");
        if (store.stats().events() != backlog) {
          throw new IllegalStateException("store reopened with " + store.stats().events());
        }
        long open = usedAfterGc();
        store.close();
        store = null;
        long closed = usedAfterGc();
        System.out.println("HEAP open=" + open + " closed=" + closed);
        retained[cycle] = open - closed;
      }
      java.util.Arrays.sort(retained);
      System.out.println("RETAINED " + Math.max(0, retained[retained.length / 2]));
    } finally {
      if (own) {
        Fixtures.delete(dir);
      }
    }
  }

  private static long usedAfterGc() throws InterruptedException {
    for (int i = 0; i < 3; i++) {
      System.gc();
      Thread.sleep(20);
    }
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }
}
