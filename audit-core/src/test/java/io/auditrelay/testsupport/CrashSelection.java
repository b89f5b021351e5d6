package io.auditrelay.testsupport;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.junit.jupiter.params.provider.Arguments;

/**
 * Narrows a crash loop's combinations for a long run: {@code
 * -Daudit.crash.only=mariadb+transactional, write_ahead+never} runs the combinations whose
 * arguments contain every word of one of the comma-separated groups (case-insensitive). Without the
 * property every combination runs; a selection that matches none fails, so a mistyped one cannot
 * pass by running nothing.
 */
public final class CrashSelection {

  private CrashSelection() {}

  /** The combinations {@code audit.crash.only} selects; all of them when it is not set. */
  public static Stream<Arguments> selected(Stream<Arguments> combinations) {
    String only = System.getProperty("audit.crash.only", "").strip();
    if (only.isEmpty()) {
      return combinations;
    }
    List<Arguments> all = combinations.toList();
    List<Arguments> chosen = all.stream().filter(a -> matches(only, text(a))).toList();
    if (chosen.isEmpty()) {
      throw new IllegalArgumentException(
          "-Daudit.crash.only="
              + only
              + " matches none of: "
              + all.stream().map(CrashSelection::text).toList());
    }
    return chosen.stream();
  }

  static boolean matches(String only, String combination) {
    String lower = combination.toLowerCase(Locale.ROOT);
    return Arrays.stream(only.split(","))
        .map(group -> group.strip().toLowerCase(Locale.ROOT).split("\\+"))
        .anyMatch(words -> Arrays.stream(words).allMatch(w -> lower.contains(w.strip())));
  }

  private static String text(Arguments arguments) {
    return Arrays.toString(arguments.get());
  }
}
