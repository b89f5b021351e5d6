package io.auditrelay.store.file;

import io.auditrelay.store.BackingStore;
import io.auditrelay.store.BackingStoreFactory;
import io.auditrelay.store.StoreParams;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Locale;
import java.util.Set;

/**
 * Factory of the {@code file} store. Params: {@code directory} (required, absolute), {@code
 * max_file_size} (segment size, default 64MiB), {@code max_total_size} (default 1GiB), {@code
 * fsync} ({@code always} (default), {@code interval}, {@code never}), {@code fsync_interval_ms}
 * (default 10), {@code preallocate} (fill each new segment with zeros to {@code max_file_size};
 * default false).
 */
public final class FileBackingStoreFactory implements BackingStoreFactory {

  @Override
  public String type() {
    return "file";
  }

  @Override
  public Set<String> parameters() {
    return Set.of(
        "directory",
        "max_file_size",
        "max_total_size",
        "fsync",
        "fsync_interval_ms",
        "preallocate");
  }

  @Override
  public BackingStore create(StoreParams params) {
    String directory = params.requiredString("directory");
    Path path = Path.of(directory);
    if (!path.isAbsolute() || !path.normalize().equals(path)) {
      throw params.invalid("directory", directory, "an absolute path without '.' or '..'");
    }
    long maxFileSize = params.size("max_file_size", 64L << 20);
    long maxTotalSize = params.size("max_total_size", 1L << 30);
    if (maxTotalSize < maxFileSize) {
      throw params.invalid(
          "max_total_size", maxTotalSize, "at least max_file_size (" + maxFileSize + ")");
    }
    FsyncPolicy fsync =
        FsyncPolicy.valueOf(
            params
                .choice("fsync", Set.of("always", "interval", "never"), "always")
                .toUpperCase(Locale.ROOT));
    long interval = params.positiveLong("fsync_interval_ms", 10);
    boolean preallocate = params.bool("preallocate", false);
    return new FileBackingStore(
        new FileStoreSettings(path, maxFileSize, maxTotalSize, fsync, preallocate, interval),
        Clock.systemUTC(),
        Disk.REAL,
        CrashPoints.NONE);
  }
}
