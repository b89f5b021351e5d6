package io.auditrelay.boot.autoconfigure;

import io.auditrelay.store.jdbc.JdbcBackingStoreFactory;
import javax.sql.DataSource;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

/**
 * Registers the {@code sql} store type when {@code audit-backing-store-jdbc} is present. Without
 * the param {@code url} the store uses the application's {@code DataSource} (the unique one, or the
 * primary), which is also what lets {@code audit.delivery-mode=transactional} join the
 * application's transactions.
 */
@AutoConfiguration(
    before = AuditAutoConfiguration.class,
    afterName = "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration")
@ConditionalOnClass(JdbcBackingStoreFactory.class)
@ConditionalOnBooleanProperty(name = "audit.enabled", matchIfMissing = true)
@EnableConfigurationProperties(AuditProperties.class)
public final class AuditSqlStoreAutoConfiguration {

  @Bean
  @ConditionalOnMissingBean
  JdbcBackingStoreFactory sqlBackingStoreFactory(
      ObjectProvider<DataSource> dataSource, AuditProperties properties) {
    return new JdbcBackingStoreFactory(dataSource::getIfUnique, properties.getSql().isMigrate());
  }
}
