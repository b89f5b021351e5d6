package io.auditrelay.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.auditrelay.testsupport.FlappingLoad;
import io.auditrelay.testsupport.TcpProxy;
import io.auditrelay.testsupport.TestEvents;
import io.auditrelay.testsupport.VirtualThreads;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import jdk.jfr.consumer.RecordedEvent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledForJreRange;
import org.junit.jupiter.api.condition.JRE;

/**
 * The pipeline with its callers on virtual threads, as a Spring service with {@code
 * spring.threads.virtual.enabled=true} calls it from every request. Runs on Java 21 and later
 * ({@code .ci/run}'s Java 25 leg); the library itself is compiled for Java 17.
 */
@EnabledForJreRange(min = JRE.JAVA_21)
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class VirtualThreadCallersTests extends BrokerTestSupport {

  @Test
  void aThousandVirtualThreadsRecordingWhileTheBrokerFlapsLoseNothingAndKeepEachOnesOrder() {
    TcpProxy proxy = closeLater(TcpProxy.to(broker));
    Auditor auditor = closeLater(auditor(broker.via(proxy).uri()).queueCapacity(50_000).build());

    FlappingLoad.run(auditor, proxy, reader, 1000, 10, VirtualThreads.perTaskExecutor());

    assertThat(count("audit.events.recorded")).isEqualTo(10_000);
    assertThat(count("audit.events.lost")).isZero();
  }

  @Test
  void recordAndRecordDurablyNeverPinTheirVirtualThread() throws Exception {
    Auditor auditor = closeLater(auditor(broker.uri()).build());
    // Classes initialised on a platform thread first: a class initialiser pins by design.
    for (int n = 0; n < 20; n++) {
      assertThat(auditor.recordDurably(TestEvents.event(0, n), Duration.ofSeconds(30)))
          .isEqualTo(Durability.DURABLE);
    }
    List<Durability> outcomes = new ArrayList<>();

    List<RecordedEvent> pinned =
        VirtualThreads.pinnedDuring(
            () -> {
              ExecutorService callers = VirtualThreads.perTaskExecutor();
              try {
                List<Future<Durability>> calls = new ArrayList<>();
                for (int t = 1; t <= 500; t++) {
                  int producer = t;
                  calls.add(
                      callers.submit(
                          () -> {
                            assertThat(VirtualThreads.isVirtual(Thread.currentThread())).isTrue();
                            auditor.record(TestEvents.event(producer, 0));
                            return auditor.recordDurably(
                                TestEvents.event(producer, 1), Duration.ofSeconds(60));
                          }));
                }
                for (Future<Durability> call : calls) {
                  outcomes.add(call.get(90, TimeUnit.SECONDS));
                }
              } catch (Exception e) {
                throw new AssertionError(e);
              } finally {
                callers.shutdownNow();
              }
            });

    assertThat(outcomes).hasSize(500).containsOnly(Durability.DURABLE);
    assertThat(pinned)
        .as(() -> pinned.stream().map(VirtualThreads::describe).toList().toString())
        .isEmpty();
    reader.awaitAtLeast(20 + 1000, Duration.ofSeconds(60));
    assertThat(count("audit.events.lost")).isZero();
  }
}
