package io.auditrelay.benchmarks;

import io.auditrelay.store.BackingStore;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * {@code file.reopen.backlog-ratio}: the time to open a file store that holds a backlog of 1,000
 * and of 1,000,000 events (written once per trial, {@code fsync=never}); the runner reports the
 * ratio. Opening reads the position file and the tail segment only, so it should not grow with the
 * backlog.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class FileReopen {

  @Param({"1000", "1000000"})
  public int backlog;

  private Path dir;

  @Setup(Level.Trial)
  public void fill() {
    dir = Fixtures.tempDirectory("bench-reopen");
    FileBacklog.fill(dir, backlog);
  }

  @Benchmark
  public long open() {
    try (BackingStore store = Fixtures.fileStore(dir, "always")) {
      return store.stats().events();
    }
  }

  @TearDown(Level.Trial)
  public void clean() {
    Fixtures.delete(dir);
  }
}
