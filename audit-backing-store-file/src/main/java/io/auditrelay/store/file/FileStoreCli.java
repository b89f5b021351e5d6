package io.auditrelay.store.file;

import io.auditrelay.integrity.ChainLinks;
import io.auditrelay.store.BackingStoreException;
import io.auditrelay.store.QuarantineCommands;
import io.auditrelay.store.QuarantinedEvent;
import io.auditrelay.store.StoreParams;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Operator commands for a file store directory:
 *
 * <pre>
 * java -cp audit-backing-store-file.jar:audit-core.jar io.auditrelay.store.file.FileStoreCli stats  DIR
 * java -cp … io.auditrelay.store.file.FileStoreCli dump   DIR     # waiting events as JSON lines
 * java -cp … io.auditrelay.store.file.FileStoreCli verify DIR     # exit 0 OK, 1 CORRUPT or TAMPERED
 * java -cp … io.auditrelay.store.file.FileStoreCli list   DIR     # the quarantine, one line each
 * java -cp … io.auditrelay.store.file.FileStoreCli requeue DIR KEY|all
 * java -cp … io.auditrelay.store.file.FileStoreCli delete DIR KEY REASON
 * </pre>
 *
 * {@code stats}, {@code dump}, {@code verify} and {@code list} read only: they never take the
 * directory's lock, never truncate or delete, so they may inspect a directory that a running
 * service holds. What they print is then a snapshot; a last line that is still being written shows
 * up as an unterminated tail, which {@code verify} reports but does not count as corruption. {@code
 * requeue} and {@code delete} open the store, which takes its lock: they refuse while a service
 * holds the directory (stop it, or use the service's {@code /actuator/auditrelay}).
 */
public final class FileStoreCli {

  private FileStoreCli() {}

  public static void main(String[] args) throws IOException {
    System.exit(run(args, System.out));
  }

  /** Runs a command; returns the exit code. */
  static int run(String[] args, PrintStream out) throws IOException {
    boolean inspect = args.length == 2 && List.of("stats", "dump", "verify").contains(args[0]);
    if (!inspect && (args.length < 2 || !QuarantineCommands.VERBS.contains(args[0]))) {
      out.println(
          "usage: FileStoreCli stats|dump|verify DIRECTORY, or FileStoreCli VERB DIRECTORY ... with"
              + " VERB "
              + QuarantineCommands.USAGE);
      return 2;
    }
    Path dir = Path.of(args[1]).toAbsolutePath().normalize();
    if (!Files.isDirectory(dir.resolve("segments"))
        || !Files.isDirectory(dir.resolve("quarantine"))) {
      out.println(dir + " is not a file store directory (no segments/ and quarantine/ in it)");
      return 2;
    }
    if (args[0].equals("list") && args.length == 2) {
      // Read-only, without the lock: beside a running service too.
      long after = 0;
      List<QuarantinedEvent> page;
      Quarantine quarantine = Quarantine.open(dir.resolve("quarantine"), Disk.REAL, 0);
      do {
        page = quarantine.list(after, 500);
        for (QuarantinedEvent entry : page) {
          after = entry.key();
          QuarantineCommands.print(entry, out);
        }
      } while (!page.isEmpty());
      return 0;
    }
    if (!inspect) {
      try {
        return QuarantineCommands.run(
            args[0],
            List.of(args).subList(2, args.length),
            () ->
                new FileBackingStoreFactory()
                    .create(
                        new StoreParams(
                            "FileStoreCli", "file", Map.of("directory", dir.toString()))),
            out);
      } catch (BackingStoreException e) {
        out.println(e.getMessage() + " (stop the service that holds it first)");
        return 2;
      }
    }
    Scan scan = Scan.of(dir);
    switch (args[0]) {
      case "stats" -> {
        out.println("events " + scan.waiting.size());
        out.println("bytes " + scan.waiting.stream().mapToLong(r -> r.payload().length).sum());
        out.println(
            "oldest_age_seconds "
                + (scan.waiting.isEmpty()
                    ? 0
                    : Duration.between(
                            Instant.ofEpochMilli(scan.waiting.get(0).appendedAtMillis()),
                            Instant.now())
                        .toSeconds()));
        out.println("segments " + scan.segments);
        out.println("quarantined " + scan.quarantined);
        out.println("acknowledged_through " + scan.position);
        return 0;
      }
      case "dump" -> {
        for (RecordCodec.Decoded record : scan.waiting) {
          out.println(new String(record.payload(), StandardCharsets.UTF_8));
        }
        return 0;
      }
      default -> {
        if (!scan.tampered.isEmpty()) {
          out.println(
              "TAMPERED " + scan.tampered.size() + " problem(s) in " + scan.records + " records:");
          scan.tampered.forEach(location -> out.println("  " + location));
        }
        if (scan.corrupt.isEmpty() && scan.tampered.isEmpty()) {
          out.println(
              "OK "
                  + scan.records
                  + " records in "
                  + scan.segments
                  + " segments"
                  + (scan.openTail ? " (last line still being written or torn)" : ""));
          return 0;
        }
        if (!scan.corrupt.isEmpty()) {
          out.println(
              "CORRUPT " + scan.corrupt.size() + " problem(s) in " + scan.records + " records:");
          scan.corrupt.forEach(location -> out.println("  " + location));
        }
        return 1;
      }
    }
  }

  /**
   * One read of the whole directory. Every record is judged against its slot as the drain judges it
   * ({@link Slots}): damaged lines, records out of place, ranges missing from the sequence and a
   * position ahead of the log are each reported.
   */
  private static final class Scan {
    long position;
    int segments;
    long records;
    long quarantined;
    boolean openTail;
    final List<RecordCodec.Decoded> waiting = new ArrayList<>();
    final List<String> corrupt = new ArrayList<>();
    final List<String> tampered = new ArrayList<>();
    private final ChainLinks chain = new ChainLinks();
    private long expected;
    private long setAside;
    private long logEnd;

    static Scan of(Path dir) throws IOException {
      Scan scan = new Scan();
      Path position = dir.resolve("position");
      if (Files.exists(position)) {
        scan.position =
            Long.parseLong(
                Files.readString(position, StandardCharsets.US_ASCII).trim().split(" ")[0]);
      }
      try (Stream<Path> files = Files.list(dir.resolve("quarantine"))) {
        scan.quarantined = files.count();
      }
      TreeMap<Long, Path> segments = new TreeMap<>();
      try (Stream<Path> files = Files.list(dir.resolve("segments"))) {
        files
            .filter(f -> f.getFileName().toString().matches("\\d{20}\\.log"))
            .forEach(
                f -> segments.put(Long.parseLong(f.getFileName().toString().substring(0, 20)), f));
      }
      scan.segments = segments.size();
      scan.expected = scan.position + 1;
      scan.logEnd = 0;
      for (var entry : segments.entrySet()) {
        Long next = segments.higherKey(entry.getKey());
        scan.read(entry.getKey(), entry.getValue(), next);
      }
      if (!segments.isEmpty()) {
        scan.reach(segments.lastKey(), "before the newest segment");
        if (scan.position > scan.logEnd) {
          scan.corrupt.add(
              "position: says every record through "
                  + scan.position
                  + " was delivered, but the log ends at "
                  + scan.logEnd);
        }
      }
      return scan;
    }

    /** Reports the sequences below {@code sequence} not seen, less the lines set aside. */
    private void reach(long sequence, String where) {
      long missing = sequence - expected - setAside;
      if (missing > 0) {
        corrupt.add(
            "sequences "
                + expected
                + " to "
                + (sequence - 1)
                + " "
                + where
                + ": "
                + missing
                + " record(s) missing from the log");
      }
      setAside = 0;
      expected = Math.max(expected, sequence);
    }

    private void read(long first, Path segment, Long nextSegment) throws IOException {
      logEnd = Math.max(logEnd, first - 1);
      long slot = first;
      long tailBound = Slots.tailBound(first, Files.size(segment), 64 << 20);
      String name = segment.getFileName().toString();
      try (InputStream in = new BufferedInputStream(Files.newInputStream(segment), 1 << 16)) {
        // A preallocated segment ends in zeros: they are free space, not a record.
        LineReader reader = new LineReader(in, 0, 64 << 20, LineReader.endOfData(segment));
        LineReader.Line line;
        boolean header = true;
        while ((line = reader.next()) != null) {
          if (header) {
            header = false;
            long voidFrom = SegmentScanner.voidFrom(line);
            if (voidFrom >= 0 && voidFrom <= expected) {
              expected = Math.max(expected, first); // voided by the writer: never stored
            }
            continue;
          }
          String where = name + " offset " + line.offset();
          if (!line.complete()) {
            if (nextSegment == null) {
              openTail = true;
            } else {
              corrupt.add(where + ": unterminated record");
            }
            continue;
          }
          RecordCodec.Decoded decoded =
              line.bytes() == null ? null : RecordCodec.decode(line.bytes(), line.length());
          if (decoded == null) {
            corrupt.add(
                where + ": " + (line.bytes() == null ? "record over 64 MiB" : "checksum mismatch"));
            setAside++;
            continue;
          }
          long sequence = decoded.sequence();
          Slots.Verdict verdict = Slots.judge(sequence, slot, nextSegment, tailBound);
          if (verdict == Slots.Verdict.SUPERSEDED) {
            break; // superseded by a rewrite
          }
          if (verdict == Slots.Verdict.OUT_OF_PLACE) {
            corrupt.add(
                where
                    + ": record out of place: sequence "
                    + sequence
                    + " where the next is "
                    + slot);
            setAside++;
            continue;
          }
          if (sequence >= expected) {
            reach(sequence, "before " + where);
            expected = sequence + 1;
          }
          slot = sequence + 1;
          logEnd = Math.max(logEnd, sequence);
          records++;
          String problem = chain.next(decoded.payload());
          if (problem != null) {
            tampered.add(where + ": " + problem);
          }
          if (sequence > position) {
            waiting.add(decoded);
          }
        }
      }
    }
  }
}
