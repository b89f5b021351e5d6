package io.auditrelay.boot.autoconfigure;

import io.auditrelay.core.Auditor;
import io.auditrelay.store.BackingStore;
import io.auditrelay.store.BackingStoreException;
import io.auditrelay.store.BackingStoreFactory;
import io.auditrelay.store.BackingStoreRegistry;
import io.auditrelay.store.StoreConfig;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/**
 * The Auditor and its backing store. With {@code audit.enabled=false} a no-op Auditor takes its
 * place, so injection points keep working.
 *
 * <p>Under AOT ({@code spring-boot:process-aot}, native images) the {@code audit.enabled}
 * conditions are decided when the application is built. A value set at run time that contradicts
 * the built one fails startup with a message saying so, instead of being silently ignored.
 */
@AutoConfiguration(
    afterName = {
      BootRabbitModule.AMQP_AUTO_CONFIGURATION,
      BootRabbitModule.RABBITMQ_AUTO_CONFIGURATION,
      "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration"
    })
@EnableConfigurationProperties(AuditProperties.class)
public final class AuditAutoConfiguration {

  @Configuration(proxyBeanMethods = false)
  @ConditionalOnBooleanProperty(name = "audit.enabled", matchIfMissing = true)
  static class EnabledConfiguration {

    EnabledConfiguration(Environment environment) {
      // Before any bean of it: refuse before the store touches a directory or a database.
      requireBuiltSwitch(environment, true);
    }

    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    BackingStore auditBackingStore(
        AuditProperties properties,
        ObjectProvider<BackingStoreFactory> factories,
        Environment environment) {
      BackingStoreRegistry registry = BackingStoreRegistry.of(factories.orderedStream().toList());
      String json = properties.getBackingStore();
      String source = new SettingSources(environment).describe("audit.backing-store");
      StoreConfig config =
          json == null || json.isBlank()
              ? StoreConfig.memory(source)
              : StoreConfig.parse(json, source);
      try {
        return registry.create(config);
      } catch (BackingStoreException e) {
        // The store could not be opened (a directory refused, a database unreachable): one
        // sentence in the startup report, naming the setting, instead of a long stack trace.
        throw new AuditConfigurationException(
            source + ": the " + config.type() + " store could not be opened: " + e.getMessage(), e);
      }
    }

    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    Auditor auditor(
        AuditProperties properties,
        BackingStore auditBackingStore,
        ObjectProvider<AuditorBuilderCustomizer> customizers,
        ObjectProvider<RabbitConnectionDefaults> bootConnection,
        Environment environment) {
      AuditorFactory factory =
          new AuditorFactory(
              properties,
              environment.getProperty("spring.application.name"),
              new SettingSources(environment));
      Auditor auditor = factory.create(auditBackingStore, customizers.orderedStream().toList());
      AuditStartupReport.log(
          auditor,
          auditBackingStore,
          properties.getRabbitmq(),
          bootConnection.getIfAvailable(),
          factory.observer());
      return new ManagedAuditor(auditor);
    }
  }

  @Configuration(proxyBeanMethods = false)
  @ConditionalOnBooleanProperty(name = "audit.enabled", havingValue = false)
  static class DisabledConfiguration {

    DisabledConfiguration(Environment environment) {
      requireBuiltSwitch(environment, false);
    }

    @Bean
    @ConditionalOnMissingBean
    Auditor auditor() {
      return Auditor.noop();
    }
  }

  /**
   * Refuses a run-time {@code audit.enabled} that differs from {@code built}, the value the
   * conditions above were decided with. Without AOT both always agree; an AOT-processed application
   * keeps the conditions of its build, whatever the environment says when it starts.
   */
  static void requireBuiltSwitch(Environment environment, boolean built) {
    boolean now = environment.getProperty("audit.enabled", Boolean.class, true);
    if (now != built) {
      throw new AuditConfigurationException(
          new SettingSources(environment).describe("audit.enabled")
              + " is "
              + now
              + " at run time, but this application was built ahead of time (Spring AOT) with"
              + " auditing "
              + (built ? "on" : "off")
              + ", and AOT fixes that choice at build time. Run spring-boot:process-aot with"
              + " audit.enabled="
              + now
              + " for a build of its own, or start without -Dspring.aot.enabled=true.");
    }
  }
}
