package io.auditrelay.store.file;

import io.auditrelay.store.BackingStore;
import io.auditrelay.store.SerializedEvent;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;

/**
 * Child JVM for the real-disk test: builds a store as a service does (the registry, params from
 * JSON, so the production {@code Disk}), with {@code args[1]} as its fsync policy, and appends
 * {@code args[2]} events one at a time.
 */
public final class SyncCountChild {

  private SyncCountChild() {}

  public static void main(String[] args) {
    int count = Integer.parseInt(args[2]);
    try (BackingStore store =
        TestFileStores.fromConfig(Path.of(args[0]), ",\"fsync\":\"" + args[1] + "\"")) {
      for (int i = 0; i < count; i++) {
        String id = UUID.randomUUID().toString();
        store.append(
            List.of(
                new SerializedEvent(id, ("{\"n\":" + i + "}").getBytes(StandardCharsets.UTF_8))));
      }
    }
    System.out.println("APPENDED " + count);
  }
}
