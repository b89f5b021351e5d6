package io.auditrelay.boot.autoconfigure;

import org.springframework.boot.context.properties.source.ConfigurationProperty;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.origin.Origin;
import org.springframework.core.env.Environment;
import org.springframework.core.env.PropertySource;
import org.springframework.core.env.SystemEnvironmentPropertySource;

/**
 * Names a setting in an error the way its reader can find it: the property, and where its value
 * came from (the environment variable, the line of a properties file, a command-line argument), or,
 * when it is not set, the environment variable that would set it. Never the value itself.
 */
final class SettingSources {

  private final Environment environment;

  SettingSources(Environment environment) {
    this.environment = environment;
  }

  /**
   * {@code audit.x (set in …)} when the environment sets it, else {@code audit.x (env AUDIT_X)}.
   */
  String describe(String property) {
    ConfigurationPropertyName name = ConfigurationPropertyName.of(property);
    for (ConfigurationPropertySource source : ConfigurationPropertySources.get(environment)) {
      ConfigurationProperty value = source.getConfigurationProperty(name);
      if (value == null) {
        continue;
      }
      Object underlying = source.getUnderlyingSource();
      if (underlying instanceof SystemEnvironmentPropertySource) {
        break; // the environment variable, named below
      }
      Origin origin = value.getOrigin();
      return property
          + " (set in "
          + (origin != null
              ? origin.toString()
              : underlying instanceof PropertySource<?> named
                  ? "property source '" + named.getName() + "'"
                  : "the environment")
          + ")";
    }
    return property + " (env " + AuditEnvironmentVariables.variable(property) + ")";
  }
}
