package io.auditrelay;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Anchor lesson 30: the Go library's documentation promised what its code did not keep. Every test
 * that {@code docs/} names as the proof of a promise or a fault row must exist: each {@code
 * `SomethingTests.method…`} (and {@code `.method…`}, which continues the class named before it on
 * the same line) is looked up in the test sources of every module.
 */
class DocumentedTestsExistTests {

  private static final Pattern REFERENCE =
      Pattern.compile("`([A-Z][A-Za-z0-9]*(?:Tests|Child))?(?:[.#]([a-z][A-Za-z0-9]*)(…)?)?`");

  private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

  @Test
  void everyTestNamedInTheDocsExists() throws IOException {
    Map<String, String> sources = testSources();
    assertThat(sources).as("test sources found under %s", ROOT).hasSizeGreaterThan(20);
    List<String> missing = new ArrayList<>();
    int checked = 0;
    List<Path> docs;
    try (Stream<Path> files = Files.walk(ROOT.resolve("docs"))) {
      docs = files.filter(f -> f.toString().endsWith(".md")).sorted().toList();
    }
    for (Path doc : docs) {
      int lineNumber = 0;
      for (String line : Files.readAllLines(doc)) {
        lineNumber++;
        String currentClass = null;
        Matcher matcher = REFERENCE.matcher(line);
        while (matcher.find()) {
          String className = matcher.group(1);
          String method = matcher.group(2);
          if (className == null && method == null) {
            continue;
          }
          if (className != null) {
            currentClass = className;
          } else if (currentClass == null) {
            continue; // `.something` that does not continue a test reference
          }
          String where = ROOT.relativize(doc) + ":" + lineNumber + " " + matcher.group();
          String source = sources.get(currentClass);
          checked++;
          if (source == null) {
            missing.add(where + " (no class " + currentClass + ")");
          } else if (method != null) {
            // a test method or a helper that a row names (prefix when the name ends in …)
            String declaration = " " + method + (matcher.group(3) != null ? "" : "(");
            if (!source.contains(declaration)) {
              missing.add(where + " (no method " + method + " in " + currentClass + ")");
            }
          }
        }
      }
    }
    assertThat(checked).as("references checked").isGreaterThan(50);
    assertThat(missing).as("tests named in docs/ that do not exist").isEmpty();
    System.out.printf("[audit-docs] %d test references in docs/ checked%n", checked);
  }

  /** Every test source file of the project by simple class name. */
  private static Map<String, String> testSources() throws IOException {
    Map<String, String> sources = new HashMap<>();
    try (Stream<Path> files = Files.walk(ROOT)) {
      for (Path file :
          files
              .filter(f -> f.toString().endsWith(".java"))
              .filter(f -> f.toString().contains("/src/test/java/"))
              .filter(f -> !f.toString().contains("/target/"))
              .toList()) {
        String name = file.getFileName().toString();
        sources.put(name.substring(0, name.length() - ".java".length()), Files.readString(file));
      }
    }
    return sources;
  }
}
