package io.auditrelay.store.file;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
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
  private final long limit;
  private long position;

  /** Reads {@code in}, which starts at {@code startOffset} of its file, to its end. */
  LineReader(InputStream in, long startOffset, int maxLine) {
    this(in, startOffset, maxLine, Long.MAX_VALUE);
  }

  /**
   * Reads {@code in}, which starts at {@code startOffset} of its file, up to offset {@code limit}.
   */
  LineReader(InputStream in, long startOffset, int maxLine, long limit) {
    this.in = in;
    this.maxLine = maxLine;
    this.buffer = new byte[Math.min(maxLine, 64 * 1024)];
    this.position = startOffset;
    this.limit = limit;
  }

  /**
   * The length of {@code file} without its trailing zero bytes: where its data ends when the rest
   * is preallocated (or, after a crash, zero-filled) space. Reads the file backwards from its end.
   */
  static long endOfData(Path file) throws IOException {
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      ByteBuffer block = ByteBuffer.allocate(64 * 1024);
      long end = channel.size();
      while (end > 0) {
        long start = Math.max(0, end - block.capacity());
        block.clear().limit((int) (end - start));
        while (block.hasRemaining() && channel.read(block, start + block.position()) >= 0) {
          // fill the block
        }
        for (int i = block.position() - 1; i >= 0; i--) {
          if (block.get(i) != 0) {
            return start + i + 1;
          }
        }
        end = start;
      }
      return 0;
    }
  }

  /** The next line, or null at the end; an unterminated last line comes back as incomplete. */
  @Nullable Line next() throws IOException {
    long start = position;
    byte[] line = buffer;
    int length = 0;
    boolean oversized = false;
    int b;
    while (position < limit && (b = in.read()) >= 0) {
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
