package io.auditrelay.store.file;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class LineBreaksTests {

  @Test
  void findsALineBreakAtEveryPositionAndInEveryLength() {
    Random random = new Random(7);
    for (int length = 0; length <= 40; length++) {
      byte[] clean = new byte[length];
      for (int i = 0; i < length; i++) {
        // Every byte value but the two, the neighbours of both included.
        byte b;
        do {
          b = (byte) random.nextInt(256);
        } while (b == '\n' || b == '\r');
        clean[i] = b;
      }
      assertThat(LineBreaks.in(clean)).as("length %d without a break", length).isFalse();
      for (int at = 0; at < length; at++) {
        for (byte brk : new byte[] {'\n', '\r'}) {
          byte[] bytes = Arrays.copyOf(clean, length);
          bytes[at] = brk;
          assertThat(LineBreaks.in(bytes))
              .as("length %d, break %d at %d", length, brk, at)
              .isTrue();
        }
      }
    }
  }

  @Test
  void bytesNextToTheBreaksAreNotBreaks() {
    // The zero-byte test borrows across bytes; values one off and high bytes must not trip it.
    byte[] near = {0x09, 0x0B, 0x0C, 0x0E, (byte) 0x8A, (byte) 0x8D, 0x00, (byte) 0xFF, 0x0B, 0x0C};
    assertThat(LineBreaks.in(near)).isFalse();
    byte[] all = new byte[256];
    for (int i = 0; i < 256; i++) {
      all[i] = (byte) i;
    }
    all['\n'] = 'x';
    all['\r'] = 'x';
    assertThat(LineBreaks.in(all)).isFalse();
  }
}
