package io.auditrelay.store.file;

import static org.assertj.core.api.Assertions.assertThat;

import io.auditrelay.store.BackingStoreConformanceTests;
import io.auditrelay.store.SerializedEvent;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileStoreCliTests {

  @TempDir Path tmp;

  private String run(String... args) throws Exception {
    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    int code = FileStoreCli.run(args, new PrintStream(buffer, true, StandardCharsets.UTF_8));
    return code + "\n" + buffer.toString(StandardCharsets.UTF_8);
  }

  @Test
  void reportsStatsDumpsAndVerifiesADirectoryHeldByARunningStore() throws Exception {
    Path dir = tmp.resolve("store");
    List<SerializedEvent> events = BackingStoreConformanceTests.events(0, 5);
    try (FileBackingStore store = TestFileStores.open(dir)) {
      store.append(events);
      store.acknowledge(store.claim(2));

      // the store is open and holds the lock: inspection still works
      assertThat(run("stats", dir.toString()))
          .startsWith("0\n")
          .contains("events 3\n")
          .contains("quarantined 0")
          .contains("acknowledged_through 2");
      String dump = run("dump", dir.toString());
      assertThat(dump.lines().skip(1).toList())
          .containsExactly(
              new String(events.get(2).payload(), StandardCharsets.UTF_8),
              new String(events.get(3).payload(), StandardCharsets.UTF_8),
              new String(events.get(4).payload(), StandardCharsets.UTF_8));
      assertThat(run("verify", dir.toString())).startsWith("0\nOK 5 records in 1 segments");
    }
  }

  @Test
  void verifyNamesCorruptRecordsAndExitsWithOne() throws Exception {
    Path dir = tmp.resolve("store");
    try (FileBackingStore store = TestFileStores.open(dir)) {
      store.append(BackingStoreConformanceTests.events(0, 3));
    }
    Path segment;
    try (Stream<Path> files = Files.list(dir.resolve("segments"))) {
      segment = files.findFirst().orElseThrow();
    }
    List<String> lines = new ArrayList<>(Files.readAllLines(segment));
    lines.set(2, lines.get(2).replace("\"n\":1", "\"n\":9"));
    Files.write(segment, lines);

    String out = run("verify", dir.toString());

    assertThat(out)
        .startsWith("1\nCORRUPT 1 problem(s) in 2 records:")
        .contains(segment.getFileName() + " offset")
        .contains("checksum mismatch");
  }

  @Test
  void printsUsageForAnUnknownCommandAndRefusesADirectoryThatIsNoStore() throws Exception {
    assertThat(run("frobnicate", "/x")).startsWith("2\nusage:");
    assertThat(run("stats", tmp.toString()))
        .startsWith("2\n")
        .contains("is not a file store directory");
  }

  /**
   * {@code list} reads the quarantine of a directory a running store holds; {@code requeue} and
   * {@code delete} refuse until it stopped, then work. Fails on the code before: the CLI knew
   * stats, dump and verify only.
   */
  @Test
  void listsTheQuarantineOfARunningStoreAndRequeuesAndDeletesOnceItStopped() throws Exception {
    Path dir = tmp.resolve("store");
    List<SerializedEvent> events = BackingStoreConformanceTests.events(0, 2);
    long first;
    long second;
    try (FileBackingStore store = TestFileStores.open(dir)) {
      store.append(events);
      io.auditrelay.store.Claim claim = store.claim(2);
      store.quarantine(claim.subset(List.of(claim.events().get(0).sequence())), "returned");
      store.quarantine(claim.subset(List.of(claim.events().get(1).sequence())), "returned");
      List<io.auditrelay.store.QuarantinedEvent> entries = store.quarantined(0, 10);
      first = entries.get(0).key();
      second = entries.get(1).key();

      String list = run("list", dir.toString());
      assertThat(list.lines().toList())
          .containsExactly(
              "0",
              first
                  + " "
                  + events.get(0).id()
                  + " 200 requeueable event "
                  + events.get(0).id()
                  + " sequence 1: returned",
              second
                  + " "
                  + events.get(1).id()
                  + " 200 requeueable event "
                  + events.get(1).id()
                  + " sequence 2: returned");
      assertThat(run("requeue", dir.toString(), Long.toString(first)))
          .startsWith("2\n")
          .contains("in use by another store")
          .contains("stop the service that holds it first");
    }

    assertThat(run("requeue", dir.toString(), Long.toString(first)))
        .isEqualTo("0\nrequeued " + first + "\n");
    assertThat(run("delete", dir.toString(), Long.toString(second), "a duplicate"))
        .isEqualTo("0\ndeleted " + second + "\n");
    assertThat(run("delete", dir.toString(), "x", "y")).startsWith("2\nusage:");
    try (FileBackingStore store = TestFileStores.open(dir)) {
      assertThat(store.quarantined(0, 10)).isEmpty();
      assertThat(store.claim(10).events().get(0).id()).isEqualTo(events.get(0).id());
    }
  }

  /** The one operator CLI finds the file store's commands for a directory. */
  @Test
  void theOneOperatorCliRunsTheFileStoresVerbsForADirectory() throws Exception {
    Path dir = tmp.resolve("store");
    try (FileBackingStore store = TestFileStores.open(dir)) {
      store.append(BackingStoreConformanceTests.events(0, 2));
    }
    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    int code =
        io.auditrelay.store.StoreCli.run(
            new String[] {"stats", dir.toString()},
            new PrintStream(buffer, true, StandardCharsets.UTF_8),
            java.util.Map.of());
    assertThat(code).isZero();
    assertThat(buffer.toString(StandardCharsets.UTF_8)).contains("events 2\n");
  }
}
