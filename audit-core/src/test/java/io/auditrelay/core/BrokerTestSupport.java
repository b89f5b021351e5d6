package io.auditrelay.core;

import io.auditrelay.testsupport.AmqpBroker;
import io.auditrelay.testsupport.QueueReader;
import io.auditrelay.testsupport.RealServers;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * What the Auditor suites against a broker share: the broker (RabbitMQ when reachable, else the
 * embedded Qpid), a unique queue and its reader per test, a meter registry, an Auditor builder with
 * short backoffs, and resources closed after each test in reverse order.
 */
abstract class BrokerTestSupport {

  final AmqpBroker broker = RealServers.rabbitmq();
  final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final List<AutoCloseable> resources = new ArrayList<>();
  String queue;
  QueueReader reader;

  @BeforeEach
  void openQueue() {
    RealServers.report(getClass().getSimpleName(), broker.describe());
    queue = "audit-it-" + UUID.randomUUID();
    reader = new QueueReader(broker, queue);
  }

  @AfterEach
  void closeResources() throws Exception {
    Collections.reverse(resources);
    for (AutoCloseable resource : resources) {
      resource.close();
    }
    reader.delete();
    reader.close();
  }

  /** An Auditor on {@link #queue} through {@code uri}, with short backoffs and timeouts. */
  AuditorBuilder auditor(String uri) {
    return Auditor.builder()
        .rabbitUri(uri)
        .queueName(queue)
        .meterRegistry(registry)
        .initialBackoff(Duration.ofMillis(20))
        .maxBackoff(Duration.ofMillis(300))
        .confirmTimeout(Duration.ofSeconds(3))
        .connectionTimeout(Duration.ofSeconds(2))
        .shutdownTimeout(Duration.ofSeconds(30))
        .shutdownHook(false);
  }

  /** Closes {@code resource} after the test. */
  <T extends AutoCloseable> T closeLater(T resource) {
    resources.add(resource);
    return resource;
  }

  /** The sum of the counters named {@code meter}. */
  double count(String meter) {
    return registry.find(meter).counters().stream().mapToDouble(c -> c.count()).sum();
  }
}
