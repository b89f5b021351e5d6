package io.auditrelay.store.file;

import java.io.IOException;
import java.io.InputStream;
import org.jspecify.annotations.Nullable;

/**
 * Reads newline-terminated lines with a bound: a line longer than {@code maxLine} is skipped to its
 * newline without being held in memory (a 100 MiB line costs no more heap than a short one). Not
 * thread-safe.
 */
final class LineReader {

  /** A line: its bytes (null when over the bound), its length, and where it started. */
  record Line(byte @Nullable [] bytes, int length, long offset, boolean complete) {}

  private final InputStream in;
  private final int maxLine;
  private final byte[] buffer;
  private long position;

  LineReader(InputStream in, long startOffset, int maxLine) {
    this.in = in;
    this.maxLine = maxLine;
    this.buffer = new byte[Math.min(maxLine, 64 * 1024)];
    this.position = startOffset;
  }

  /** The next line, or null at the end; an unterminated last line comes back as incomplete. */
  @Nullable Line next() throws IOException {
    long start = position;
    byte[] line = buffer;
    int length = 0;
    boolean oversized = false;
    int b;
    while ((b = in.read()) >= 0) {
      position++;
      if (b == '\n') {
        return new Line(oversized ? null : line, length, start, true);
      }
      if (!oversized) {
        if (length == line.length) {
          if (line.length >= maxLine) {
            oversized = true;
            continue;
          }
          byte[] bigger = new byte[Math.min(maxLine, line.length * 2)];
          System.arraycopy(line, 0, bigger, 0, length);
          line = bigger;
        }
        line[length++] = (byte) b;
      }
    }
    if (position == start) {
      return null;
    }
    return new Line(oversized ? null : line, length, start, false);
  }

  long position() {
    return position;
  }
}
