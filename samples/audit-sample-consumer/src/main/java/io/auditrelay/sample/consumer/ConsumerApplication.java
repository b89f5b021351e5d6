package io.auditrelay.sample.consumer;

import io.auditrelay.archive.AuditArchive;
import io.auditrelay.archive.VerifyingArchiveListener;
import io.auditrelay.integrity.VerificationKeys;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.file.Path;
import java.util.List;
import javax.sql.DataSource;
import org.springframework.amqp.rabbit.connection.ConnectionFactory;
import org.springframework.amqp.rabbit.listener.SimpleMessageListenerContainer;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;

/**
 * Archives every event of {@code archive.queue} into the {@code audit_archive} table of the
 * application's DataSource, and answers {@code GET /archive/verification} with the proof.
 */
@SpringBootApplication
public class ConsumerApplication {

  public static void main(String[] args) {
    SpringApplication.run(ConsumerApplication.class, args);
  }

  @Bean
  VerificationKeys producerKeys(@Value("${archive.public-keys:}") List<Path> files) {
    return files.isEmpty() ? VerificationKeys.none() : VerificationKeys.fromPem(files);
  }

  @Bean
  AuditArchive auditArchive(DataSource dataSource, VerificationKeys producerKeys) {
    return new AuditArchive(dataSource, AuditArchive.DEFAULT_TABLE, producerKeys, true);
  }

  @Bean
  SimpleMessageListenerContainer auditArchiveContainer(
      ConnectionFactory connectionFactory,
      AuditArchive archive,
      MeterRegistry registry,
      @Value("${archive.queue}") String queue) {
    SimpleMessageListenerContainer container =
        new SimpleMessageListenerContainer(connectionFactory);
    container.setQueueNames(queue);
    // The producer declares the queue; until it has, keep trying instead of failing the start.
    container.setMissingQueuesFatal(false);
    container.setMessageListener(new VerifyingArchiveListener(archive, registry));
    return container;
  }
}
