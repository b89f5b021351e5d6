package io.auditrelay.store.file;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.auditrelay.store.BackingStore;
import io.auditrelay.store.BackingStoreConfigException;
import io.auditrelay.store.BackingStoreConformanceTests;
import io.auditrelay.store.Claim;
import io.auditrelay.store.SerializedEvent;
import io.auditrelay.store.StoredEvent;
import io.auditrelay.testsupport.LogCapture;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The file store with {@code preallocate}: the conformance suite, and the zero-filled space a new
 * segment starts with, which recovery, the drain and the CLI must never take for a record or for a
 * torn one.
 */
class FilePreallocationTests extends BackingStoreConformanceTests {

  private static final int SEGMENT = 64 << 10;

  @TempDir Path tmp;
  private int stores;

  private Path dir() {
    return tmp.resolve("store-" + (++stores));
  }

  private static FileBackingStore open(Path dir, long maxFileSize, long maxTotalSize) {
    return TestFileStores.store(
        dir,
        maxFileSize,
        maxTotalSize,
        FsyncPolicy.ALWAYS,
        true,
        10,
        Clock.systemUTC(),
        c -> c.force(false));
  }

  @Override
  protected BackingStore createStore() {
    return open(dir(), SEGMENT, 1L << 30);
  }

  @Override
  protected BackingStore createStoreHolding(int events) {
    long size = (long) events * (EVENT_BYTES + FileBackingStore.RECORD_OVERHEAD);
    return open(dir(), size, size);
  }

  private static List<Path> segments(Path dir) throws IOException {
    try (Stream<Path> files = Files.list(dir.resolve("segments"))) {
      return files.sorted().toList();
    }
  }

  private static List<String> ids(List<? extends Object> events) {
    return events.stream()
        .map(e -> e instanceof StoredEvent s ? s.id() : ((SerializedEvent) e).id())
        .toList();
  }

  private static List<String> drain(FileBackingStore store) {
    List<String> ids = new ArrayList<>();
    Claim claim;
    while (!(claim = store.claim(100)).isEmpty()) {
      ids.addAll(ids(claim.events()));
      store.acknowledge(claim);
    }
    return ids;
  }

  private static String cli(String command, Path dir) throws IOException {
    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    int code =
        FileStoreCli.run(
            new String[] {command, dir.toString()},
            new PrintStream(buffer, true, StandardCharsets.UTF_8));
    return code + "\n" + buffer.toString(StandardCharsets.UTF_8);
  }

  @Test
  void fillsANewSegmentToItsSizeAndEndsAClosedOneWithItsLastRecord() throws IOException {
    Path dir = dir();
    try (FileBackingStore store = open(dir, 4096, 1L << 30)) {
      List<SerializedEvent> appended = events(0, 40);
      store.append(appended);

      List<Path> segments = segments(dir);
      assertThat(segments).hasSizeGreaterThan(2);
      Path tail = segments.get(segments.size() - 1);
      assertThat(Files.size(tail)).as("the tail is preallocated").isEqualTo(4096);
      for (Path closed : segments.subList(0, segments.size() - 1)) {
        assertThat(Files.size(closed)).isLessThan(4096);
        assertThat(LineReader.endOfData(closed)).isEqualTo(Files.size(closed));
        assertThat(Files.readAllBytes(closed)[(int) Files.size(closed) - 1]).isEqualTo((byte) '\n');
      }
      assertThat(cli("verify", dir)).startsWith("0\nOK 40 records in " + segments.size());
      assertThat(cli("stats", dir)).contains("events 40");
      assertThat(drain(store)).containsExactlyElementsOf(ids(appended));
    }
  }

  @Test
  void reopensAPreallocatedTailQuietlyAndAppendsAfterItsLastRecord() throws IOException {
    Path dir = dir();
    List<SerializedEvent> appended = events(0, 5);
    try (FileBackingStore first = open(dir, SEGMENT, 1L << 30)) {
      first.append(appended);
    }
    assertThat(Files.size(segments(dir).get(0))).isEqualTo(SEGMENT);

    try (LogCapture logs = new LogCapture();
        FileBackingStore second = open(dir, SEGMENT, 1L << 30)) {
      SerializedEvent after = event(99);
      second.append(List.of(after));

      assertThat(logs.text()).doesNotContain("torn");
      assertThat(Files.size(segments(dir).get(0)))
          .as("the old tail gave its zeros back")
          .isEqualTo(LineReader.endOfData(segments(dir).get(0)));
      List<String> expected = new ArrayList<>(ids(appended));
      expected.add(after.id());
      assertThat(drain(second)).containsExactlyElementsOf(expected);
      assertThat(second.stats().quarantinedEvents()).isZero();
    }
  }

  @Test
  void cutsGarbageBeforeTheZerosBackAsATornTail() throws IOException {
    Path dir = dir();
    List<SerializedEvent> appended = events(0, 5);
    try (FileBackingStore first = open(dir, SEGMENT, 1L << 30)) {
      first.append(appended);
    }
    Path segment = segments(dir).get(0);
    long end = LineReader.endOfData(segment);
    try (FileChannel channel = FileChannel.open(segment, StandardOpenOption.WRITE)) {
      channel.write(
          ByteBuffer.wrap(
              "0badc0de 6 1234 17000 torn-id {\"half\":".getBytes(StandardCharsets.UTF_8)),
          end);
    }

    try (LogCapture logs = new LogCapture();
        FileBackingStore second = open(dir, SEGMENT, 1L << 30)) {
      SerializedEvent after = event(99);
      second.append(List.of(after));

      assertThat(logs.text()).contains("torn tail");
      List<String> expected = new ArrayList<>(ids(appended));
      expected.add(after.id());
      assertThat(drain(second)).containsExactlyElementsOf(expected);
      assertThat(second.stats().quarantinedEvents()).isZero();
    }
  }

  @Test
  void isSwitchedOnByItsParamAndRefusesAValueThatIsNotABoolean() throws IOException {
    Path dir = dir();
    try (BackingStore store =
        TestFileStores.fromConfig(dir, ",\"max_file_size\":\"128KiB\",\"preallocate\":true")) {
      store.append(events(0, 1));
      assertThat(Files.size(segments(dir).get(0))).isEqualTo(128 << 10);
    }
    assertThatThrownBy(() -> TestFileStores.fromConfig(dir(), ",\"preallocate\":\"yes\""))
        .isInstanceOf(BackingStoreConfigException.class)
        .hasMessageContaining("preallocate")
        .hasMessageContaining("true or false");
  }
}
