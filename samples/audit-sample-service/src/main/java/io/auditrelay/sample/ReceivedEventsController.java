package io.auditrelay.sample;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.springframework.amqp.rabbit.annotation.RabbitListener;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Only while the sample runs its embedded broker: the events this service received back from its
 * own queue ({@code GET /audit/received}, oldest first), and {@code POST /sample/broker/stop} and
 * {@code /start} to simulate an outage.
 */
@RestController
@ConditionalOnBooleanProperty("sample.embedded-broker.active")
class ReceivedEventsController {

  private final List<String> bodies = new CopyOnWriteArrayList<>();

  @RabbitListener(queues = "${audit.rabbitmq.queue-name}")
  void receive(byte[] body) {
    bodies.add(new String(body, StandardCharsets.UTF_8));
  }

  @GetMapping(value = "/audit/received", produces = MediaType.APPLICATION_JSON_VALUE)
  String received() {
    return "[" + String.join(",", bodies) + "]";
  }

  @PostMapping("/sample/broker/stop")
  ResponseEntity<Map<String, Object>> stop() {
    EmbeddedBroker.current().stop();
    return ResponseEntity.ok(Map.of("broker", "stopped"));
  }

  @PostMapping("/sample/broker/start")
  ResponseEntity<Map<String, Object>> start() {
    EmbeddedBroker.current().startAgain();
    return ResponseEntity.ok(Map.of("broker", "started"));
  }
}
