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
}
