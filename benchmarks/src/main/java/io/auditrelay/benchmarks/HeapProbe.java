package io.auditrelay.benchmarks;

import io.auditrelay.store.BackingStore;
import io.auditrelay.store.SerializedEvent;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.List;

/**
 * {@code file.heap.backlog-ratio}: the heap a file store retains once opened on a backlog, measured
 * as the used heap after full collections with the store open minus before it was opened.
 */
final class HeapProbe {

  private HeapProbe() {}

  static long retainedBytes(int backlog) throws InterruptedException {
    Path dir = Fixtures.tempDirectory("bench-heap");
    try {
      try (BackingStore store = Fixtures.fileStore(dir, "never")) {
        List<SerializedEvent> batch = Fixtures.serialized(1000);
        for (int i = 0; i < backlog; i += 1000) {
          store.append(batch.subList(0, Math.min(1000, backlog - i)));
        }
      }
      long before = usedAfterGc();
      try (BackingStore store = Fixtures.fileStore(dir, "always")) {
        long after = usedAfterGc();
        if (store.stats().events() != backlog) {
          throw new IllegalStateException("store reopened with " + store.stats().events());
        }
        return Math.max(0, after - before);
      }
    } finally {
      Fixtures.delete(dir);
    }
  }

  private static long usedAfterGc() throws InterruptedException {
    for (int i = 0; i < 4; i++) {
      System.gc();
      Thread.sleep(50);
    }
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }
}
