package io.auditrelay.boot.autoconfigure;

import io.auditrelay.store.memory.MemoryBackingStoreFactory;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/** Registers the {@code memory} store type. */
@AutoConfiguration(before = AuditAutoConfiguration.class)
@ConditionalOnBooleanProperty(name = "audit.enabled", matchIfMissing = true)
public final class AuditMemoryStoreAutoConfiguration {

  @Bean
  @ConditionalOnMissingBean
  MemoryBackingStoreFactory memoryBackingStoreFactory() {
    return new MemoryBackingStoreFactory();
  }
}
