package io.auditrelay.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The crash oracle's harness: killing a child never loses what it wrote before it died. */
class ChildJvmTests {

  /** Writes {@code DONE 0} … {@code DONE 999}, then a marker file, then waits to be killed. */
  public static final class Announcer {
    public static void main(String[] args) throws Exception {
      for (int i = 0; i < 1000; i++) {
        System.out.println("DONE " + i);
      }
      System.out.flush();
      Files.createFile(Path.of(args[0]));
      Thread.sleep(Long.MAX_VALUE);
    }
  }

  @Test
  void readsEveryLineTheChildWroteBeforeItWasKilled(@TempDir Path dir) throws Exception {
    Path written = dir.resolve("written");
    Process child = ChildJvm.start(List.of(), Announcer.class.getName(), written.toString());
    Awaitility.await().atMost(30, TimeUnit.SECONDS).until(() -> Files.exists(written));

    // Killed before a single line was read: the lines wait in the pipe.
    ChildJvm.kill(child, new Thread(() -> {}));
    assertThat(child.exitValue()).isEqualTo(137);
    Set<String> done = ConcurrentHashMap.newKeySet();
    ChildJvm.readProtocol(child, acked -> {}, done::add).join(10_000);

    assertThat(done).hasSize(1000);
  }
}
