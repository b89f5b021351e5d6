package io.auditrelay.store.file;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Finds a line break in a payload, which a record of one line must not hold. Every appended byte
 * passes here on the appending thread, so it reads eight bytes at a time: a word holds a {@code \n}
 * or {@code \r} when its XOR with that byte repeated has a zero byte (the exact "has a zero byte"
 * test of Hacker's Delight, 6-1).
 */
final class LineBreaks {

  private static final VarHandle WORDS =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
  private static final long ONES = 0x0101010101010101L;
  private static final long HIGHS = 0x8080808080808080L;
  private static final long LFS = '\n' * ONES;
  private static final long CRS = '\r' * ONES;

  private LineBreaks() {}

  /** Whether {@code bytes} holds a {@code \n} or a {@code \r}. */
  static boolean in(byte[] bytes) {
    int i = 0;
    for (; i + Long.BYTES <= bytes.length; i += Long.BYTES) {
      long word = (long) WORDS.get(bytes, i);
      long lf = word ^ LFS;
      long cr = word ^ CRS;
      if (((((lf - ONES) & ~lf) | ((cr - ONES) & ~cr)) & HIGHS) != 0) {
        return true;
      }
    }
    for (; i < bytes.length; i++) {
      if (bytes[i] == '\n' || bytes[i] == '\r') {
        return true;
      }
    }
    return false;
  }
}
