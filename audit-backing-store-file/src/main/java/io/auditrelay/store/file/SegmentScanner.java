package io.auditrelay.store.file;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.jspecify.annotations.Nullable;

/**
 * Reads one segment, line by line, as the store's recovery, drain and peek all need it: the header
 * first when the scan starts at offset 0, then records, each decoded or reported unreadable, and an
 * unterminated line last. One scan, one open file: close it. Not thread-safe.
 */
final class SegmentScanner implements AutoCloseable {

  static final String HEADER_PREFIX = "AUDITRELAY-SEGMENT 1 ";

  /**
   * The header field naming the first of the sequences before the segment that the store voided (a
   * write or a rewrite failed; never reported stored): {@code void-from=<sequence>}.
   */
  static final String VOID_FROM = "void-from=";

  /**
   * The fewest bytes a record line can take (checksum, four numbers and an id, each with its space,
   * a payload and the newline): a segment of {@code n} bytes holds fewer than {@code n / MIN_LINE}
   * records, which bounds the sequences a segment can plausibly hold.
   */
  static final int MIN_LINE = 16;

  /** What a line of a segment is. */
  enum Kind {
    /** The first line, a valid segment header. */
    HEADER,
    /** The first line, which is not a segment header. */
    BAD_HEADER,
    /** A record whose checksum and format are good. */
    RECORD,
    /** A terminated line that is no record: a checksum mismatch, or over the length bound. */
    UNREADABLE,
    /** An unterminated line: being written, or the end of a torn or abandoned write. */
    INCOMPLETE
  }

  /**
   * One line: its kind, the line itself, the record when it is one, and the offset after it.
   *
   * @param end the offset just after the line, where a scan resumes
   */
  record Item(Kind kind, LineReader.Line line, RecordCodec.@Nullable Decoded record, long end) {

    /**
     * For a header: the first voided sequence it names ({@link #VOID_FROM}), or -1 when it names
     * none.
     */
    long voidFrom() {
      return kind == Kind.HEADER ? SegmentScanner.voidFrom(line) : -1;
    }

    /** Why an unreadable line could not be read, for the quarantine. */
    String unreadableReason(int maxRecord) {
      return line.bytes() == null
          ? "record longer than " + maxRecord + " bytes"
          : "checksum mismatch";
    }
  }

  /** The first voided sequence a header line names ({@link #VOID_FROM}), or -1 when none. */
  static long voidFrom(LineReader.Line header) {
    if (header.bytes() == null) {
      return -1;
    }
    String text = new String(header.bytes(), 0, header.length(), StandardCharsets.US_ASCII);
    int at = text.indexOf(" " + VOID_FROM);
    if (at < 0) {
      return -1;
    }
    try {
      return Long.parseLong(text.substring(at + 1 + VOID_FROM.length()).trim());
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  private final InputStream in;
  private final LineReader reader;
  private boolean header;

  private SegmentScanner(InputStream in, LineReader reader, boolean header) {
    this.in = in;
    this.reader = reader;
    this.header = header;
  }

  /**
   * Scans {@code segment} from {@code offset} (0: from its header) up to offset {@code limit}
   * ({@link Long#MAX_VALUE}: to its end), reading records of at most {@code maxRecord} bytes.
   */
  static SegmentScanner open(Path segment, long offset, int maxRecord, long limit)
      throws IOException {
    InputStream raw = Files.newInputStream(segment, StoreDirectory.NOFOLLOW);
    try {
      raw.skipNBytes(offset);
      LineReader reader =
          new LineReader(new BufferedInputStream(raw, 1 << 16), offset, maxRecord, limit);
      return new SegmentScanner(raw, reader, offset == 0);
    } catch (IOException | RuntimeException e) {
      raw.close();
      throw e;
    }
  }

  /** The next line, or null at the end of the scanned range. */
  @Nullable Item next() throws IOException {
    LineReader.Line line = reader.next();
    if (line == null) {
      return null;
    }
    long end = reader.position();
    if (!line.complete()) {
      return new Item(Kind.INCOMPLETE, line, null, end);
    }
    if (header) {
      header = false;
      boolean valid =
          line.bytes() != null
              && new String(line.bytes(), 0, line.length(), StandardCharsets.US_ASCII)
                  .startsWith(HEADER_PREFIX);
      return new Item(valid ? Kind.HEADER : Kind.BAD_HEADER, line, null, end);
    }
    RecordCodec.Decoded decoded =
        line.bytes() == null ? null : RecordCodec.decode(line.bytes(), line.length());
    return new Item(decoded == null ? Kind.UNREADABLE : Kind.RECORD, line, decoded, end);
  }

  @Override
  public void close() throws IOException {
    in.close();
  }
}
