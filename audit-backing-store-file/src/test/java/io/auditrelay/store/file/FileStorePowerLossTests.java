package io.auditrelay.store.file;

import static org.assertj.core.api.Assertions.assertThat;

import io.auditrelay.store.Claim;
import io.auditrelay.store.SerializedEvent;
import io.auditrelay.store.StoredEvent;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Power loss, the SQLite way, at file-content level: every fsync reports how much of which file is
 * durable; at a simulated crash each file keeps its durable prefix, and its unsynced tail is, at
 * random, kept, dropped, torn to a prefix, or replaced by garbage. The store reopened on that copy
 * must return every event whose append returned and was not acknowledged, byte for byte, and never
 * anything it was not given. CPU only: {@code -Daudit.powerloss.seeds=N} (default 300 in {@code
 * verify}); a failing seed is printed for replay with {@code -Daudit.powerloss.seed}.
 *
 * <p>Not modelled yet: loss of unsynced directory entries (creates, renames, deletes). The store
 * fsyncs the directory after each of them.
 */
class FileStorePowerLossTests {

  @TempDir Path tmp;

  @Test
  void returnsEveryDurableEventAfterAPowerLossAtAnyPoint() throws Exception {
    Long only = Long.getLong("audit.powerloss.seed");
    int seeds = Integer.getInteger("audit.powerloss.seeds", 300);
    long base = only != null ? only : System.nanoTime();
    for (int i = 0; i < (only != null ? 1 : seeds); i++) {
      long seed = base + i;
      try {
        runOne(seed);
      } catch (AssertionError | RuntimeException e) {
        throw new AssertionError(
            "power-loss seed " + seed + " failed (replay with -Daudit.powerloss.seed=" + seed + ")",
            e);
      }
    }
    System.out.printf(
        "[audit-powerloss] %d seeds from %d passed%n", only != null ? 1 : seeds, base);
  }

  private void runOne(long seed) throws IOException {
    SplittableRandom random = new SplittableRandom(seed);
    Path live = tmp.resolve(seed + "-live");
    Map<Path, Long> durable = new ConcurrentHashMap<>();
    FileBackingStore.Syncer recording =
        new FileBackingStore.Syncer() {
          @Override
          public void force(FileChannel channel) {}

          @Override
          public void force(Path path, FileChannel channel) throws IOException {
            durable.put(path, channel.size());
          }
        };
    FileBackingStore store =
        new FileBackingStore(
            live, 2048, 1L << 30, FsyncPolicy.ALWAYS, 10, Clock.systemUTC(), recording);
    Map<String, byte[]> appended = new HashMap<>();
    Set<String> acknowledged = new HashSet<>();
    int operations = 20 + random.nextInt(120);
    int counter = 0;
    for (int op = 0; op < operations; op++) {
      if (random.nextInt(100) < 65) {
        List<SerializedEvent> batch = new ArrayList<>();
        for (int k = 1 + random.nextInt(5); k > 0; k--) {
          String id = "e" + (counter++);
          batch.add(
              new SerializedEvent(
                  id,
                  ("{\"id\":\"" + id + "\",\"pad\":\"" + "y".repeat(random.nextInt(200)) + "\"}")
                      .getBytes(StandardCharsets.UTF_8)));
        }
        store.append(batch);
        batch.forEach(e -> appended.put(e.id(), e.payload()));
      } else {
        Claim claim = store.claim(1 + random.nextInt(10));
        List<Long> ack = new ArrayList<>();
        List<Long> back = new ArrayList<>();
        for (StoredEvent event : claim.events()) {
          (random.nextBoolean() ? ack : back).add(event.sequence());
        }
        store.acknowledge(claim.subset(ack));
        claim.subset(ack).events().forEach(e -> acknowledged.add(e.id()));
        store.release(claim.subset(back));
      }
    }
    Path crashed = tmp.resolve(seed + "-crashed");
    copyAsAfterPowerLoss(live, crashed, durable, random);
    store.close();

    try (FileBackingStore reopened =
        new FileBackingStore(
            crashed, 2048, 1L << 30, FsyncPolicy.ALWAYS, 10, Clock.systemUTC(), c -> {})) {
      Set<String> recovered = new HashSet<>();
      Claim claim;
      while (!(claim = reopened.claim(100)).isEmpty()) {
        for (StoredEvent event : claim.events()) {
          assertThat(appended).as("only events that were appended").containsKey(event.id());
          assertThat(event.payload())
              .as("bytes of %s", event.id())
              .isEqualTo(appended.get(event.id()));
          assertThat(recovered.add(event.id())).as("no duplicate of %s", event.id()).isTrue();
        }
        reopened.acknowledge(claim);
      }
      Set<String> mustSurvive = new HashSet<>(appended.keySet());
      mustSurvive.removeAll(acknowledged);
      mustSurvive.removeAll(recovered);
      assertThat(mustSurvive).as("durable events lost").isEmpty();
    }
  }

  /** Copies the store as a power loss would leave it. */
  private static void copyAsAfterPowerLoss(
      Path live, Path crashed, Map<Path, Long> durable, SplittableRandom random)
      throws IOException {
    try (Stream<Path> files = Files.walk(live)) {
      for (Path source : files.toList()) {
        Path target = crashed.resolve(live.relativize(source).toString());
        if (Files.isDirectory(source)) {
          Files.createDirectories(target);
          continue;
        }
        String name = source.getFileName().toString();
        if (name.equals("LOCK") || name.equals("position.tmp")) {
          continue;
        }
        byte[] content = Files.readAllBytes(source);
        if (name.equals("position")) {
          Files.write(target, content); // only ever renamed into place after an fsync
          continue;
        }
        int kept = (int) Math.min(content.length, durable.getOrDefault(source, 0L));
        byte[] tail = java.util.Arrays.copyOfRange(content, kept, content.length);
        byte[] mutated =
            switch (random.nextInt(4)) {
              case 0 -> tail; // written after all
              case 1 -> new byte[0]; // dropped
              case 2 ->
                  java.util.Arrays.copyOf(
                      tail, tail.length == 0 ? 0 : random.nextInt(tail.length)); // torn
              default -> {
                byte[] garbage = new byte[tail.length];
                for (int i = 0; i < garbage.length; i++) {
                  garbage[i] = (byte) random.nextInt(256);
                }
                yield garbage; // garbage sectors
              }
            };
        byte[] result = new byte[kept + mutated.length];
        System.arraycopy(content, 0, result, 0, kept);
        System.arraycopy(mutated, 0, result, kept, mutated.length);
        Files.write(target, result);
      }
    }
  }
}
