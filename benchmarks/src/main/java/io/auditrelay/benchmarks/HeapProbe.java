package io.auditrelay.benchmarks;

import io.auditrelay.store.BackingStore;
import io.auditrelay.store.SerializedEvent;
import java.nio.file.Path;
import java.util.List;
import org.openjdk.jol.info.GraphLayout;

/**
 * {@code file.heap.backlog-ratio}: the heap a file store retains once opened on a backlog: the size
 * of the object graph reachable from the open store (JOL's {@code GraphLayout}), which is what the
 * library keeps alive for as long as the store is open.
 */
final class HeapProbe {

  private HeapProbe() {}

  static long retainedBytes(int backlog) {
    Path dir = Fixtures.tempDirectory("bench-heap");
    try {
      try (BackingStore store = Fixtures.fileStore(dir, "never")) {
        List<SerializedEvent> batch = Fixtures.serialized(1000);
        for (int i = 0; i < backlog; i += 1000) {
          store.append(batch.subList(0, Math.min(1000, backlog - i)));
        }
      }
      try (BackingStore store = Fixtures.fileStore(dir, "always")) {
        if (store.stats().events() != backlog) {
          throw new IllegalStateException("store reopened with " + store.stats().events());
        }
        return GraphLayout.parseInstance(store).totalSize();
      }
    } finally {
      Fixtures.delete(dir);
    }
  }
}
