package io.auditrelay.boot.autoconfigure;

import io.auditrelay.store.file.FileBackingStoreFactory;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/** Registers the {@code file} store type when {@code audit-backing-store-file} is present. */
@AutoConfiguration(before = AuditAutoConfiguration.class)
@ConditionalOnClass(FileBackingStoreFactory.class)
@ConditionalOnBooleanProperty(name = "audit.enabled", matchIfMissing = true)
public final class AuditFileStoreAutoConfiguration {

  @Bean
  @ConditionalOnMissingBean
  FileBackingStoreFactory fileBackingStoreFactory() {
    return new FileBackingStoreFactory();
  }
}
