package io.auditrelay.store.file;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.auditrelay.store.BackingStoreConformanceTests;
import io.auditrelay.store.BackingStoreException;
import io.auditrelay.store.Claim;
import io.auditrelay.store.SerializedEvent;
import io.auditrelay.store.StoredEvent;
import io.auditrelay.testsupport.ChildJvm;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
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
          TestFileStores.store(
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

      // The live store goes on past the segment a failed write left behind.
      SerializedEvent after = BackingStoreConformanceTests.event(9999);
      store.append(List.of(after));
      Claim live = store.claim(100);
      assertThat(live.events()).extracting(StoredEvent::id).containsExactly(after.id());
      store.release(live);
      store.close();
      try (FileBackingStore reopened =
          TestFileStores.store(
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

  /**
   * Runs {@link OpenChild} as user nobody (root ignores file modes), with a copy of the few class
   * directories and jars it needs in a world-readable place.
   */
  private String openAsNobody(Path dir) throws Exception {
    Path cp = Files.createTempDirectory("audit-cp");
    List<String> entries = new ArrayList<>();
    int n = 0;
    for (String entry : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
      Path source = Path.of(entry);
      boolean needed =
          entry.contains("audit-core")
              || entry.contains("audit-backing-store-file")
              || source.getFileName().toString().startsWith("slf4j-api");
      if (!needed || !Files.exists(source)) {
        continue;
      }
      Path target = cp.resolve("e" + (n++) + (Files.isDirectory(source) ? "" : ".jar"));
      if (Files.isDirectory(source)) {
        try (var walk = Files.walk(source)) {
          for (Path p : walk.toList()) {
            Path t = target.resolve(source.relativize(p).toString());
            if (Files.isDirectory(p)) {
              Files.createDirectories(t);
            } else {
              Files.copy(p, t);
            }
          }
        }
      } else {
        Files.copy(source, target);
      }
      entries.add(target.toString());
    }
    run("chmod", "-R", "a+rX", cp.toString());
    Process child =
        new ProcessBuilder(
                "setpriv",
                "--reuid=65534",
                "--regid=65534",
                "--clear-groups",
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                String.join(java.io.File.pathSeparator, entries),
                OpenChild.class.getName(),
                dir.toString())
            .redirectErrorStream(true)
            .start();
    String output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    child.waitFor(30, TimeUnit.SECONDS);
    return output;
  }

  /**
   * The production wiring really syncs: a store built from its JSON, as a service builds it,
   * appends 50 events one at a time under {@code fsync=always} and the kernel sees at least 50
   * {@code fdatasync} calls ({@code strace} on a child JVM); under {@code never} it sees almost
   * none. Every other durability test brings a {@code Disk} of its own, so a production {@code
   * Disk} whose force did nothing passed them all; it fails here.
   */
  @Test
  void theProductionDiskSyncsEveryAppendUnderFsyncAlways() throws Exception {
    assertThat(run("strace", "-V")).as("strace is installed (.ci/run installs it)").isTrue();
    assertThat(fdatasyncs("always", 50)).isGreaterThanOrEqualTo(50);
    assertThat(fdatasyncs("never", 50)).isLessThan(5);
  }

  /** The fdatasync calls of a child JVM appending {@code count} events under {@code policy}. */
  private long fdatasyncs(String policy, int count) throws Exception {
    Path dir = Files.createTempDirectory("audit-sync").resolve("store");
    Path trace = Files.createTempFile("audit-strace", ".txt");
    List<String> command =
        new ArrayList<>(
            List.of("strace", "-f", "-qq", "-e", "trace=fdatasync", "-o", trace.toString()));
    command.addAll(
        ChildJvm.of(List.of(), SyncCountChild.class.getName(), dir.toString(), policy, "" + count)
            .command());
    Process child = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(output).contains("APPENDED " + count);
    try (Stream<String> lines = Files.lines(trace)) {
      return lines.filter(line -> line.contains("fdatasync(")).count();
    }
  }

  @Test
  void refusesAReadOnlyDirectoryAndOneOwnedBySomeoneElseWithAClearMessage() throws Exception {
    Assumptions.assumeTrue(
        run("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "true"),
        "cannot drop privileges with setpriv here");
    Path base = Files.createTempDirectory("audit-perm");
    run("chmod", "755", base.toString());
    Path readOnly = Files.createDirectory(base.resolve("read-only"));
    run("chown", "65534:65534", readOnly.toString());
    run("chmod", "500", readOnly.toString());
    Path rootOwned = Files.createDirectory(base.resolve("root-owned"));
    run("chmod", "755", rootOwned.toString());

    String readOnlyResult = openAsNobody(readOnly);
    String rootOwnedResult = openAsNobody(rootOwned);

    assertThat(readOnlyResult)
        .contains("FAILED cannot open file store directory " + readOnly)
        .contains("AccessDenied");
    assertThat(rootOwnedResult)
        .contains("FAILED file store directory " + rootOwned + " is owned by root, not by nobody");
  }

  @Test
  void aSecondProcessOnTheSameDirectoryFailsFast() throws Exception {
    Path dir = tmp.resolve("shared");
    Process holder =
        io.auditrelay.testsupport.ChildJvm.of(
                List.of(),
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

      assertThatThrownBy(() -> TestFileStores.open(dir))
          .isInstanceOf(BackingStoreException.class)
          .hasMessageContaining(dir.toString())
          .hasMessageContaining("in use by another store");
    } finally {
      holder.destroyForcibly();
      holder.waitFor(10, TimeUnit.SECONDS);
    }
  }
}
