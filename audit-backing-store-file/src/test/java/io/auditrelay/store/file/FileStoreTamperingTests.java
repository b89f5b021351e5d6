package io.auditrelay.store.file;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.auditrelay.store.BackingStoreException;
import io.auditrelay.store.Claim;
import io.auditrelay.store.SerializedEvent;
import io.auditrelay.store.StoreObserver;
import io.auditrelay.store.StoredEvent;
import io.auditrelay.testsupport.LogCapture;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What someone with write access to the store directory, or a damaged disk, does to a stopped
 * store, at every segment position (first, middle, last holding records), with and without
 * preallocation. Each case fails on the code before: the missing range was marked done without a
 * line or a count, a damaged last record was cut as a torn tail, a renumbered record was taken as
 * the end of the log (50,000,040 ran the heap out marking the gap done one sequence at a time), and
 * {@code verify} said OK.
 */
class FileStoreTamperingTests {

  private static final int PER_SEGMENT = 10;
  private static final int EVENTS = 3 * PER_SEGMENT;

  @TempDir Path root;

  enum Where {
    FIRST,
    MIDDLE,
    TAIL
  }

  static Stream<Arguments> positions() {
    List<Arguments> all = new ArrayList<>();
    for (Where where : Where.values()) {
      for (boolean preallocate : new boolean[] {false, true}) {
        all.add(Arguments.of(where, preallocate));
      }
    }
    return all.stream();
  }

  /** Counts what the store reports. */
  static final class Counts implements StoreObserver {
    final AtomicLong quarantined = new AtomicLong();
    final AtomicLong lost = new AtomicLong();
    final AtomicLong tailCuts = new AtomicLong();

    @Override
    public void quarantined(String reason, long events) {
      assertThat(reason).isEqualTo("corrupt");
      quarantined.addAndGet(events);
    }

    @Override
    public void lost(long events) {
      lost.addAndGet(events);
    }

    @Override
    public void tailCut(long bytes) {
      tailCuts.incrementAndGet();
    }
  }

  private Path dir;
  private boolean preallocate;
  private final List<SerializedEvent> appended = new ArrayList<>();

  private static SerializedEvent event(int n) {
    String id = UUID.randomUUID().toString();
    return new SerializedEvent(
        id, ("{\"id\":\"" + id + "\",\"n\":" + n + "}").getBytes(StandardCharsets.UTF_8));
  }

  private FileBackingStore open() {
    // Segments of ten records: each record line is about 120 bytes, a header 23.
    return TestFileStores.store(
        dir, 1280, 1L << 30, FsyncPolicy.ALWAYS, preallocate, 10, Clock.systemUTC(), Disk.REAL);
  }

  /**
   * Thirty events in three segments of ten, then a second run that opens and closes, as a service
   * restarts: the newest segment is the empty one that run started.
   */
  private List<Path> segmentsWithRecords(Where where, boolean preallocate) throws IOException {
    this.dir = root.resolve(where + "-" + preallocate);
    this.preallocate = preallocate;
    try (FileBackingStore store = open()) {
      for (int i = 0; i < EVENTS; i++) {
        SerializedEvent e = event(i);
        appended.add(e);
        store.append(List.of(e));
      }
    }
    open().close();
    List<Path> segments;
    try (Stream<Path> files = Files.list(dir.resolve("segments"))) {
      segments = files.sorted().toList();
    }
    assertThat(segments).hasSize(4);
    for (int i = 0; i < 3; i++) {
      assertThat(lines(segments.get(i))).hasSize(PER_SEGMENT + 1);
    }
    return segments.subList(0, 3);
  }

  private static Path at(List<Path> segments, Where where) {
    return segments.get(where.ordinal());
  }

  /** The lines of a segment, header first, without the zeros of preallocation. */
  private static List<byte[]> lines(Path segment) throws IOException {
    byte[] bytes = Files.readAllBytes(segment);
    List<byte[]> lines = new ArrayList<>();
    int start = 0;
    for (int i = 0; i < bytes.length; i++) {
      if (bytes[i] == '\n') {
        lines.add(java.util.Arrays.copyOfRange(bytes, start, i + 1));
        start = i + 1;
      }
    }
    return lines;
  }

  private static void write(Path segment, List<byte[]> lines) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] line : lines) {
      out.write(line);
    }
    Files.write(segment, out.toByteArray());
  }

  /** Opens the store, claims and acknowledges until nothing is left; returns the ids delivered. */
  private List<String> drain(Counts counts) {
    List<String> delivered = new ArrayList<>();
    try (FileBackingStore store = open()) {
      store.observe(counts);
      for (Claim claim; !(claim = store.claim(100)).isEmpty(); ) {
        claim.events().stream().map(StoredEvent::id).forEach(delivered::add);
        store.acknowledge(claim);
      }
      assertThat(store.isEmpty()).as("nothing waits that cannot be claimed").isTrue();
    }
    return delivered;
  }

  private List<String> ids(int from, int to) {
    return appended.subList(from, to).stream().map(SerializedEvent::id).toList();
  }

  private List<String> idsWithout(int from, int to) {
    List<String> ids = new ArrayList<>(ids(0, EVENTS));
    ids.removeAll(ids(from, to));
    return ids;
  }

  private String verify() throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    int exit = FileStoreCli.run(new String[] {"verify", dir.toString()}, new PrintStream(bytes));
    return exit + "\n" + bytes.toString(StandardCharsets.UTF_8);
  }

  @ParameterizedTest(name = "{0}, preallocate {1}")
  @MethodSource("positions")
  void aSegmentTruncatedMidRecordIsReportedAndCountedLost(Where where, boolean preallocate)
      throws IOException {
    Path segment = at(segmentsWithRecords(where, preallocate), where);
    List<byte[]> lines = lines(segment);
    long keep = 0;
    for (int i = 0; i < lines.size() - 3; i++) {
      keep += lines.get(i).length;
    }
    try (FileChannel channel = FileChannel.open(segment, StandardOpenOption.WRITE)) {
      channel.truncate(keep + 20); // three records gone, the first of them cut mid-line
    }
    int first = where.ordinal() * PER_SEGMENT + PER_SEGMENT - 3;

    assertThat(verify()).startsWith("1\nCORRUPT").contains("3 record(s) missing");
    Counts counts = new Counts();
    try (LogCapture logs = new LogCapture()) {
      assertThat(drain(counts)).containsExactlyElementsOf(idsWithout(first, first + 3));
      assertThat(logs.text())
          .contains("Audit events LOST in file store")
          .contains("sequences " + (first + 1) + " to " + (first + 3));
    }
    assertThat(counts.lost).hasValue(3);
    assertThat(counts.tailCuts).hasValue(where == Where.TAIL ? 1 : 0);
  }

  @ParameterizedTest(name = "{0}, preallocate {1}")
  @MethodSource("positions")
  void aDeletedSegmentIsReportedAndCountedLost(Where where, boolean preallocate)
      throws IOException {
    Files.delete(at(segmentsWithRecords(where, preallocate), where));
    int first = where.ordinal() * PER_SEGMENT;

    assertThat(verify()).startsWith("1\nCORRUPT").contains("10 record(s) missing");
    Counts counts = new Counts();
    assertThat(drain(counts)).containsExactlyElementsOf(idsWithout(first, first + PER_SEGMENT));
    assertThat(counts.lost).hasValue(PER_SEGMENT);
  }

  @ParameterizedTest(name = "{0}, preallocate {1}")
  @MethodSource("positions")
  void swappedSegmentsAreQuarantinedNeverDeliveredOutOfPlace(Where where, boolean preallocate)
      throws IOException {
    List<Path> segments = segmentsWithRecords(where, preallocate);
    Path one = at(segments, where);
    Path other = segments.get((where.ordinal() + 1) % 3);
    Path swap = one.resolveSibling("swap");
    Files.move(one, swap);
    Files.move(other, one);
    Files.move(swap, other);
    int untouched = 3 - where.ordinal() - ((where.ordinal() + 1) % 3);

    assertThat(verify()).startsWith("1\nCORRUPT").contains("record out of place");
    Counts counts = new Counts();
    assertThat(drain(counts))
        .containsExactlyElementsOf(
            ids(untouched * PER_SEGMENT, untouched * PER_SEGMENT + PER_SEGMENT));
    assertThat(counts.quarantined).hasValue(2 * PER_SEGMENT);
    assertThat(counts.lost).hasValue(0);
  }

  @ParameterizedTest(name = "{0}, preallocate {1}")
  @MethodSource("positions")
  void aCompleteRecordWithABadChecksumIsQuarantinedNotCut(Where where, boolean preallocate)
      throws IOException {
    Path segment = at(segmentsWithRecords(where, preallocate), where);
    List<byte[]> lines = lines(segment);
    byte[] last = lines.get(lines.size() - 1);
    last[last.length - 3] ^= 1; // inside the payload; the newline stays
    write(segment, lines);
    int damaged = where.ordinal() * PER_SEGMENT + PER_SEGMENT - 1;

    assertThat(verify()).startsWith("1\nCORRUPT").contains("checksum mismatch");
    Counts counts = new Counts();
    assertThat(drain(counts)).containsExactlyElementsOf(idsWithout(damaged, damaged + 1));
    assertThat(counts.quarantined).hasValue(1);
    assertThat(counts.lost).hasValue(0);
    assertThat(counts.tailCuts).hasValue(0);
    try (Stream<Path> files = Files.list(dir.resolve("quarantine"))) {
      assertThat(files).hasSize(1);
    }
  }

  @ParameterizedTest(name = "{0}, preallocate {1}")
  @MethodSource("positions")
  void aRenumberedRecordIsQuarantinedAndNeverMovesTheEndOfTheLog(Where where, boolean preallocate)
      throws IOException {
    Path segment = at(segmentsWithRecords(where, preallocate), where);
    List<byte[]> lines = lines(segment);
    int index = lines.size() - 1;
    byte[] line = lines.get(index);
    RecordCodec.Decoded record = RecordCodec.decode(line, line.length - 1);
    lines.set(
        index,
        RecordCodec.encode(
            50_000_040,
            record.cumulativeBytes(),
            record.appendedAtMillis(),
            record.id(),
            record.payload()));
    write(segment, lines);
    int renumbered = where.ordinal() * PER_SEGMENT + PER_SEGMENT - 1;

    assertThat(verify()).startsWith("1\nCORRUPT").contains("sequence 50000040");
    Counts counts = new Counts();
    assertThat(drain(counts)).containsExactlyElementsOf(idsWithout(renumbered, renumbered + 1));
    assertThat(counts.quarantined).hasValue(1);
    assertThat(counts.lost).hasValue(0);
    try (FileBackingStore store = open()) {
      store.append(List.of(event(99)));
      assertThat(store.claim(10).events().get(0).sequence()).isLessThan(100);
    }
  }

  /** A position ahead of the log would mark every waiting record delivered: the open refuses. */
  @ParameterizedTest(name = "{0}, preallocate {1}")
  @MethodSource("positions")
  void aPositionAheadOfTheLogIsRefused(Where where, boolean preallocate) throws IOException {
    segmentsWithRecords(where, preallocate);
    Files.writeString(dir.resolve("position"), "1000 0\n");

    assertThat(verify()).startsWith("1\nCORRUPT").contains("the log ends at 30");
    assertThatThrownBy(this::open)
        .isInstanceOf(BackingStoreException.class)
        .hasMessageContaining("says every record through 1000 was delivered")
        .hasMessageContaining("the log ends at 30")
        .hasMessageContaining("Restore it, or delete it");
  }
}
