package io.auditrelay.cadf;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

class EventIdsTests {

  @Test
  void idsAreVersion4UuidsInLowerCaseThatTheValidatorAccepts() {
    for (int i = 0; i < 10 * EventIds.BLOCK; i++) { // every stripe refilled several times
      String id = EventIds.next();
      UUID uuid = UUID.fromString(id);
      assertThat(uuid.version()).isEqualTo(4);
      assertThat(uuid.variant()).isEqualTo(2);
      assertThat(uuid.toString()).isEqualTo(id);
      assertThat(CadfValidator.isLowerCaseUuid(id)).as(id).isTrue();
    }
  }

  @Test
  void noIdRepeatsAcrossThreadsAndRefills() throws InterruptedException {
    Set<String> ids = ConcurrentHashMap.newKeySet();
    int perThread = 50_000;
    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < 8; t++) {
      Thread thread =
          new Thread(
              () -> {
                for (int i = 0; i < perThread; i++) {
                  ids.add(EventIds.next());
                }
              });
      thread.start();
      threads.add(thread);
    }
    for (Thread thread : threads) {
      thread.join();
    }
    assertThat(ids).hasSize(8 * perThread);
  }

  @Test
  void theRandomBitsAreNotBiased() {
    // Each of the 122 random bits is set in about half of 20,000 ids (a stuck or repeated block
    // would show as a bit far from 10,000: 5 standard deviations is ±354).
    int n = 20_000;
    int[] ones = new int[128];
    for (int i = 0; i < n; i++) {
      UUID uuid = UUID.fromString(EventIds.next());
      for (int bit = 0; bit < 64; bit++) {
        ones[bit] += (int) (uuid.getMostSignificantBits() >>> bit & 1);
        ones[64 + bit] += (int) (uuid.getLeastSignificantBits() >>> bit & 1);
      }
    }
    for (int bit = 0; bit < 128; bit++) {
      boolean fixed = bit >= 12 && bit < 16 || bit >= 126; // version, variant
      if (!fixed) {
        assertThat(ones[bit]).as("bit %d", bit).isBetween(n / 2 - 354, n / 2 + 354);
      }
    }
  }
}
