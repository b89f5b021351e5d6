package io.auditrelay.store.file;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.auditrelay.store.BackingStoreConformanceTests;
import io.auditrelay.store.BackingStoreException;
import io.auditrelay.store.Claim;
import io.auditrelay.store.SerializedEvent;
import io.auditrelay.store.StoredEvent;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The file store against a real full disk, and against another process holding its directory. */
class FileStoreDiskTests {

  @TempDir Path tmp;

  private static boolean run(String... command) throws Exception {
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    return process.waitFor(30, TimeUnit.SECONDS) && process.exitValue() == 0;
  }

  @Test
  void aFullDiskFailsAppendsWithoutLosingWhatWasStoredAndRecoversWhenSpaceReturns()
      throws Exception {
    // Not under @TempDir: a mount point that cannot be unmounted must not fail the cleanup.
    Path mount = Files.createTempDirectory("audit-small-disk");
    Assumptions.assumeTrue(
        run("mount", "-t", "tmpfs", "-o", "size=192k", "tmpfs", mount.toString()),
        "mounting a tmpfs is not permitted here");
    try {
      Path dir = mount.resolve("store");
      FileBackingStore store =
          new FileBackingStore(
              dir,
              16 << 10,
              1L << 30,
              FsyncPolicy.ALWAYS,
              10,
              Clock.systemUTC(),
              c -> c.force(false));
      List<String> stored = new ArrayList<>();
      BackingStoreException full = null;
      for (int i = 0; i < 1000 && full == null; i++) {
        List<SerializedEvent> batch = BackingStoreConformanceTests.events(i * 5, 5);
        try {
          store.append(batch);
          batch.forEach(e -> stored.add(e.id()));
        } catch (BackingStoreException e) {
          full = e;
        }
      }
      assertThat(full).as("the disk filled up").isNotNull();
      assertThat(full.getMessage()).contains(dir.toString());

      // Everything whose append returned is there; draining it frees the disk.
      List<String> drained = new ArrayList<>();
      Claim claim;
      while (!(claim = store.claim(100)).isEmpty()) {
        claim.events().forEach(e -> drained.add(e.id()));
        store.acknowledge(claim);
      }
      assertThat(drained).containsExactlyElementsOf(stored);

      SerializedEvent after = BackingStoreConformanceTests.event(9999);
      store.append(List.of(after));
      store.close();
      try (FileBackingStore reopened =
          new FileBackingStore(
              dir,
              16 << 10,
              1L << 30,
              FsyncPolicy.ALWAYS,
              10,
              Clock.systemUTC(),
              c -> c.force(false))) {
        assertThat(reopened.claim(100).events())
            .extracting(StoredEvent::id)
            .containsExactly(after.id());
      }
    } finally {
      if (!run("umount", mount.toString())) {
        run("umount", "-l", mount.toString());
      }
    }
  }

  @Test
  void aSecondProcessOnTheSameDirectoryFailsFast() throws Exception {
    Path dir = tmp.resolve("shared");
    Process holder =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                CrashChild.class.getName(),
                dir.toString(),
                FsyncPolicy.NEVER.name(),
                "1",
                "7")
            .redirectErrorStream(true)
            .start();
    try (BufferedReader reader =
        new BufferedReader(
            new InputStreamReader(holder.getInputStream(), StandardCharsets.UTF_8))) {
      assertThat(reader.readLine()).isEqualTo("READY");

      assertThatThrownBy(
              () ->
                  new FileBackingStore(
                      dir,
                      64 << 10,
                      1L << 30,
                      FsyncPolicy.ALWAYS,
                      10,
                      Clock.systemUTC(),
                      c -> c.force(false)))
          .isInstanceOf(BackingStoreException.class)
          .hasMessageContaining(dir.toString())
          .hasMessageContaining("in use by another store");
    } finally {
      holder.destroyForcibly();
      holder.waitFor(10, TimeUnit.SECONDS);
    }
  }
}
