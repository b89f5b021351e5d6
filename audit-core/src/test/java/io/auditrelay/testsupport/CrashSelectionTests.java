package io.auditrelay.testsupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.provider.Arguments;

class CrashSelectionTests {

  private static Stream<Arguments> combinations() {
    return Stream.of(
        Arguments.of("MariaDB at jdbc:mariadb://h/test", "WRITE_AHEAD"),
        Arguments.of("MariaDB at jdbc:mariadb://h/test", "TRANSACTIONAL"),
        Arguments.of("PostgreSQL at jdbc:postgresql://h/test", "TRANSACTIONAL"));
  }

  private static List<String> selected() {
    return CrashSelection.selected(combinations()).map(a -> a.get()[0] + " " + a.get()[1]).toList();
  }

  @AfterEach
  void clear() {
    System.clearProperty("audit.crash.only");
  }

  @Test
  void withoutTheSelectionEveryCombinationRuns() {
    assertThat(selected()).hasSize(3);
  }

  @Test
  void runsTheCombinationsThatHoldEveryWordOfOneGroup() {
    System.setProperty("audit.crash.only", "mariadb+transactional, POSTGRESQL");

    assertThat(selected())
        .containsExactly(
            "MariaDB at jdbc:mariadb://h/test TRANSACTIONAL",
            "PostgreSQL at jdbc:postgresql://h/test TRANSACTIONAL");
  }

  @Test
  void aSelectionThatMatchesNothingFailsNamingTheCombinations() {
    System.setProperty("audit.crash.only", "mysql");

    assertThatThrownBy(CrashSelectionTests::selected)
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("-Daudit.crash.only=mysql matches none of")
        .hasMessageContaining("WRITE_AHEAD");
  }
}
