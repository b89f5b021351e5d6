package io.auditrelay.store.file;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import io.auditrelay.cadf.Actions;
import io.auditrelay.cadf.CadfEvent;
import io.auditrelay.cadf.CadfJson;
import io.auditrelay.cadf.Outcome;
import io.auditrelay.cadf.Resource;
import io.auditrelay.cadf.ResourceTypes;
import io.auditrelay.core.Auditor;
import io.auditrelay.core.DeliveryMode;
import io.auditrelay.store.BackingStore;
import io.auditrelay.store.BackingStoreRegistry;
import io.auditrelay.store.StoreConfig;
import io.auditrelay.testsupport.AmqpBroker;
import io.auditrelay.testsupport.FlappingLoad;
import io.auditrelay.testsupport.QueueReader;
import io.auditrelay.testsupport.RealServers;
import io.auditrelay.testsupport.TcpProxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * The file store under the Auditor: a backlog written while the broker is down survives a restart.
 */
class FileStoreAuditorIntegrationTests {

  private final AmqpBroker broker = RealServers.rabbitmq();

  private static CadfEvent event(int n) {
    return CadfEvent.builder()
        .action(Actions.UPDATE)
        .outcome(Outcome.SUCCESS)
        .initiatorId("user-1")
        .target(Resource.of("thing-" + n, ResourceTypes.DATA))
        .tag("n?value=" + n)
        .build();
  }

  private Auditor auditor(String uri, String queue, Path dir, DeliveryMode mode) {
    return Auditor.builder()
        .rabbitUri(uri)
        .queueName(queue)
        .deliveryMode(mode)
        .backingStore(
            TestFileStores.store(
                dir,
                1 << 20,
                1L << 30,
                FsyncPolicy.ALWAYS,
                10,
                Clock.systemUTC(),
                c -> c.force(false)))
        .initialBackoff(Duration.ofMillis(20))
        .maxBackoff(Duration.ofMillis(200))
        .shutdownTimeout(Duration.ofMillis(500))
        .shutdownHook(false)
        .build();
  }

  /**
   * A file store that cannot hold one event of the maximum size fails the build, naming the param.
   * Fails on the code before: with {@code max_file_size = max_total_size = 1} the Auditor started,
   * health was UP, and every event was refused by the store for ever.
   */
  @Test
  void aStoreThatCannotHoldOneEventOfTheMaximumSizeFailsTheBuild() throws Exception {
    Path dir = Files.createTempDirectory("audit-file-small").resolve("store");
    BackingStore store =
        BackingStoreRegistry.of(List.of(new FileBackingStoreFactory()))
            .create(
                StoreConfig.parse(
                    "{\"type\":\"file\",\"params\":{\"directory\":\""
                        + dir
                        + "\",\"max_file_size\":1,\"max_total_size\":1}}",
                    "test"));
    try (store) {
      assertThatIllegalArgumentException()
          .isThrownBy(
              () ->
                  Auditor.builder()
                      .rabbitUri("amqp://127.0.0.1:1") // never reached: the build fails first
                      .queueName("q")
                      .backingStore(store)
                      .shutdownHook(false)
                      .build())
          .withMessageContaining("The file store cannot hold an event of maxEventSize (1048576")
          .withMessageContaining("raise max_total_size");
    }
  }

  /**
   * The compliance pattern under load with a file store smaller than one publish batch (64 KiB),
   * the broker down, then up: every kept event delivered, none withdrawn, no wedge (its
   * memory-store twin in {@code AuditorIntegrationTests} names the smaller tests that show each
   * failure on the code before).
   */
  @Test
  void sixtyFourThreadsWithdrawingOnATinyFileStoreLoseNothingAndPublishNothingWithdrawn()
      throws Exception {
    String queue = "audit-file-flood-" + UUID.randomUUID();
    Path dir = Files.createTempDirectory("audit-file-flood").resolve("store");
    try (TcpProxy proxy = TcpProxy.to(broker);
        QueueReader reader = new QueueReader(broker, queue).declare()) {
      io.micrometer.core.instrument.simple.SimpleMeterRegistry registry =
          new io.micrometer.core.instrument.simple.SimpleMeterRegistry();
      try (Auditor auditor =
          Auditor.builder()
              .rabbitUri(broker.via(proxy).uri())
              .queueName(queue)
              .backingStore(
                  TestFileStores.store(
                      dir,
                      16 << 10,
                      64 << 10,
                      FsyncPolicy.ALWAYS,
                      10,
                      Clock.systemUTC(),
                      Disk.REAL))
              .maxEventSize(32 << 10)
              .batchSize(100)
              .initialBackoff(Duration.ofMillis(20))
              .maxBackoff(Duration.ofMillis(200))
              .meterRegistry(registry)
              .shutdownHook(false)
              .build()) {
        io.auditrelay.testsupport.WithdrawingFlood.brokerDownThenUp(auditor, proxy, reader);
        assertThat(registry.get("audit.events.lost").counter().count()).isZero();
      }
    }
  }

  @Test
  void aBacklogStoredWhileTheBrokerWasDownIsDeliveredInOrderAfterARestart() throws Exception {
    RealServers.report(getClass().getSimpleName(), broker.describe());
    String queue = "audit-file-it-" + UUID.randomUUID();
    Path dir = Files.createTempDirectory("audit-file-it").resolve("store");
    try (TcpProxy down = TcpProxy.refusingTo(broker);
        QueueReader reader = new QueueReader(broker, queue)) {
      Auditor first = auditor(broker.via(down).uri(), queue, dir, DeliveryMode.BUFFER_ON_FAILURE);
      List<CompletableFuture<Void>> futures = new ArrayList<>();
      for (int i = 0; i < 500; i++) {
        futures.add(first.record(event(i)));
      }
      CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).join();
      first.close(); // the broker is still down: the backlog stays on disk, nothing is lost

      Auditor second = auditor(broker.uri(), queue, dir, DeliveryMode.WRITE_AHEAD);
      for (int i = 500; i < 600; i++) {
        second.record(event(i)).join();
      }
      var delivered = reader.awaitAtLeast(600, Duration.ofSeconds(60));
      second.close();

      assertThat(delivered)
          .extracting(d -> CadfJson.read(d.body()).tags().get(0))
          .containsExactlyElementsOf(
              IntStream.range(0, 600).mapToObj(i -> "n?value=" + i).toList());
      reader.delete();
    }
  }

  /** 64 threads recording during broker flaps, in each mode that uses the store. */
  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.EnumSource(
      value = DeliveryMode.class,
      names = {"BUFFER_ON_FAILURE", "WRITE_AHEAD"})
  @org.junit.jupiter.api.Timeout(value = 240, unit = java.util.concurrent.TimeUnit.SECONDS)
  void sixtyFourThreadsDuringBrokerFlapsLoseNothing(DeliveryMode mode) throws Exception {
    RealServers.report(getClass().getSimpleName(), broker.describe());
    String queue = "audit-file-flaps-" + UUID.randomUUID();
    Path dir = Files.createTempDirectory("audit-file-flaps").resolve("store");
    try (TcpProxy proxy = TcpProxy.to(broker);
        QueueReader reader = new QueueReader(broker, queue).declare();
        Auditor auditor = auditor(broker.via(proxy).uri(), queue, dir, mode)) {
      FlappingLoad.run(auditor, proxy, reader, 64, 100);
      reader.delete();
    }
  }
}
