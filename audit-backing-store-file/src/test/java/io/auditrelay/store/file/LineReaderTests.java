package io.auditrelay.store.file;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The bounded line reader reads in blocks: lines that span blocks, lines at the bound and past it,
 * a limit inside a line and an unterminated last line come out as they did byte by byte.
 */
class LineReaderTests {

  /** Hands out at most {@code step} bytes per read, so that every line spans reads. */
  private static InputStream trickle(String text, int step) {
    return new ByteArrayInputStream(text.getBytes(StandardCharsets.US_ASCII)) {
      @Override
      public synchronized int read(byte[] b, int off, int len) {
        return super.read(b, off, Math.min(len, step));
      }
    };
  }

  private static List<String> lines(LineReader reader) throws IOException {
    List<String> out = new ArrayList<>();
    LineReader.Line line;
    while ((line = reader.next()) != null) {
      String text =
          line.bytes() == null
              ? "<oversized " + line.length() + ">"
              : new String(line.bytes(), 0, line.length(), StandardCharsets.US_ASCII);
      out.add(text + (line.complete() ? "" : "<incomplete>") + "@" + line.offset());
    }
    return out;
  }

  @Test
  void readsLinesThatSpanReadsWithTheirOffsets() throws IOException {
    LineReader reader = new LineReader(trickle("ab\ncdefg\n\nh", 2), 100, 1024);

    assertThat(lines(reader)).containsExactly("ab@100", "cdefg@103", "@109", "h<incomplete>@110");
    assertThat(reader.position()).isEqualTo(111);
  }

  @Test
  void keepsALineOfExactlyTheBoundAndSkipsALongerOne() throws IOException {
    LineReader reader = new LineReader(trickle("abcd\nabcde\nxy\n", 3), 0, 4);

    assertThat(lines(reader)).containsExactly("abcd@0", "<oversized 4>@5", "xy@11");
  }

  @Test
  void stopsAtTheLimitInsideALine() throws IOException {
    LineReader reader = new LineReader(trickle("ab\ncdef\ngh\n", 5), 0, 1024, 6);

    assertThat(lines(reader)).containsExactly("ab@0", "cde<incomplete>@3");
    assertThat(reader.position()).isEqualTo(6);
  }

  @Test
  void skipsALineLongerThanABlockWithoutHoldingIt() throws IOException {
    String longLine = "x".repeat(200_000);
    LineReader reader = new LineReader(trickle(longLine + "\nok\n", 70_000), 0, 1000);

    assertThat(lines(reader)).containsExactly("<oversized 1000>@0", "ok@200001");
  }
}
