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
 * newline without being held in memory (a 100 MiB line costs no more heap than a short one). Reads
 * its stream in blocks and finds newlines within them; the stream may be read ahead of the last
 * line returned, so a reader owns its stream. Not thread-safe.
 */
final class LineReader {

  /** A line: its bytes (null when over the bound), its length, and where it started. */
  record Line(byte @Nullable [] bytes, int length, long offset, boolean complete) {}

  private final InputStream in;
  private final int maxLine;
  private final byte[] buffer;
  private final long limit;

  /** Read ahead of the lines: {@code block[blockPosition, blockEnd)} is not consumed yet. */
  private final byte[] block = new byte[64 * 1024];

  private int blockPosition;
  private int blockEnd;

  /** The file offset just after what was read into {@code block}. */
  private long readOffset;

  /** The file offset just after the last line returned. */
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
    this.readOffset = startOffset;
    this.limit = limit;
  }

  /**
   * The length of {@code file} without its trailing zero bytes: where its data ends when the rest
   * is preallocated (or, after a crash, zero-filled) space. Reads the file backwards from its end.
   */
  static long endOfData(Path file) throws IOException {
    try (FileChannel channel =
        FileChannel.open(file, StandardOpenOption.READ, StoreDirectory.NOFOLLOW)) {
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
    while (blockPosition < blockEnd || fill()) {
      int end = blockPosition;
      while (end < blockEnd && block[end] != '\n') {
        end++;
      }
      int chunk = end - blockPosition;
      if (!oversized) {
        int taken = Math.min(chunk, maxLine - length);
        if (length + taken > line.length) {
          byte[] bigger =
              new byte[(int) Math.min(maxLine, Math.max(2L * line.length, length + taken))];
          System.arraycopy(line, 0, bigger, 0, length);
          line = bigger;
        }
        System.arraycopy(block, blockPosition, line, length, taken);
        length += taken;
        oversized = taken < chunk;
      }
      position += chunk;
      if (end < blockEnd) { // the newline
        blockPosition = end + 1;
        position++;
        return new Line(oversized ? null : line, length, start, true);
      }
      blockPosition = blockEnd;
    }
    if (position == start) {
      return null;
    }
    return new Line(oversized ? null : line, length, start, false);
  }

  /** Reads the next block, never past the limit; false at the end. */
  private boolean fill() throws IOException {
    long wanted = Math.min(block.length, limit - readOffset);
    if (wanted <= 0) {
      return false;
    }
    int read = in.read(block, 0, (int) wanted);
    if (read <= 0) {
      return false;
    }
    readOffset += read;
    blockPosition = 0;
    blockEnd = read;
    return true;
  }

  long position() {
    return position;
  }
}
