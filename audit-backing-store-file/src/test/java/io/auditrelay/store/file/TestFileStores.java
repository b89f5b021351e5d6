package io.auditrelay.store.file;

import io.auditrelay.store.BackingStore;
import io.auditrelay.store.BackingStoreRegistry;
import io.auditrelay.store.StoreConfig;
import java.nio.file.Path;
import java.time.Clock;

/** How the file store tests open stores and start child JVMs. */
final class TestFileStores {

  private TestFileStores() {}

  /** A store with 64 KiB segments, 1 GiB capacity and {@code fsync=always}. */
  static FileBackingStore open(Path dir) {
    return open(dir, FsyncPolicy.ALWAYS);
  }

  /**
   * A store with 64 KiB segments, 1 GiB capacity, the given policy and a 2 ms interval; segments
   * preallocated when the system property {@code audit.file-store.preallocate} is true (so a child
   * JVM opens its store as the test asks).
   */
  static FileBackingStore open(Path dir, FsyncPolicy policy) {
    return open(dir, policy, Boolean.getBoolean("audit.file-store.preallocate"));
  }

  /** A store with 64 KiB segments, 1 GiB capacity, the given policy and a 2 ms interval. */
  static FileBackingStore open(Path dir, FsyncPolicy policy, boolean preallocate) {
    return store(dir, 64 << 10, 1L << 30, policy, preallocate, 2, Clock.systemUTC(), Disk.REAL);
  }

  /** A store without preallocation, with the given limits, clock and disk. */
  static FileBackingStore store(
      Path dir,
      long maxFileSize,
      long maxTotalSize,
      FsyncPolicy policy,
      long intervalMillis,
      Clock clock,
      Disk disk) {
    return store(dir, maxFileSize, maxTotalSize, policy, false, intervalMillis, clock, disk);
  }

  /**
   * A store with the given settings, clock and disk, and the crash points that the system
   * properties of a child JVM arm ({@link HaltingCrashPoints}).
   */
  static FileBackingStore store(
      Path dir,
      long maxFileSize,
      long maxTotalSize,
      FsyncPolicy policy,
      boolean preallocate,
      long intervalMillis,
      Clock clock,
      Disk disk) {
    return new FileBackingStore(
        new FileStoreSettings(dir, maxFileSize, maxTotalSize, policy, preallocate, intervalMillis),
        clock,
        disk,
        HaltingCrashPoints.fromSystemProperties());
  }

  /**
   * A store built as a service builds it: the registry (found by {@code ServiceLoader}) parses
   * {@code AUDIT_BACKING_STORE} with type {@code file}, {@code directory} and the other params.
   *
   * @param params the JSON members after {@code directory}, each with its leading comma
   */
  static BackingStore fromConfig(Path dir, String params) {
    return BackingStoreRegistry.fromServiceLoader(TestFileStores.class.getClassLoader())
        .create(
            StoreConfig.parse(
                "{\"type\":\"file\",\"params\":{\"directory\":\"" + dir + "\"" + params + "}}",
                "AUDIT_BACKING_STORE"));
  }
}
