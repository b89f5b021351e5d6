package io.auditrelay.store;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeSet;

/**
 * The store types known to an application, and the one place that turns a {@link StoreConfig} into
 * a store. Unknown types, unknown parameters, and types whose module is missing from the classpath
 * fail with a message that says what to do. Immutable and thread-safe.
 */
public final class BackingStoreRegistry {

  /** Store types shipped as separate modules, and the artifact that provides each. */
  private static final Map<String, String> MODULES =
      Map.of(
          "file", "io.auditrelay:audit-backing-store-file",
          "sql", "io.auditrelay:audit-backing-store-jdbc");

  private final Map<String, BackingStoreFactory> factories;

  private BackingStoreRegistry(Map<String, BackingStoreFactory> factories) {
    this.factories = factories;
  }

  /**
   * A registry of the given factories.
   *
   * @throws IllegalStateException when two factories claim the same type
   */
  public static BackingStoreRegistry of(Collection<? extends BackingStoreFactory> factories) {
    Map<String, BackingStoreFactory> byType = new LinkedHashMap<>();
    for (BackingStoreFactory factory : factories) {
      BackingStoreFactory previous = byType.putIfAbsent(factory.type(), factory);
      if (previous != null && previous.getClass() != factory.getClass()) {
        throw new IllegalStateException(
            "Two backing store factories claim type '"
                + factory.type()
                + "': "
                + previous.getClass().getName()
                + " and "
                + factory.getClass().getName());
      }
    }
    return new BackingStoreRegistry(Map.copyOf(byType));
  }

  /** A registry of the factories {@link ServiceLoader} finds with {@code classLoader}. */
  public static BackingStoreRegistry fromServiceLoader(ClassLoader classLoader) {
    List<BackingStoreFactory> found = new ArrayList<>();
    ServiceLoader.load(BackingStoreFactory.class, classLoader).forEach(found::add);
    return of(found);
  }

  /** The known type names. */
  public Set<String> types() {
    return new TreeSet<>(factories.keySet());
  }

  /**
   * Builds the configured store.
   *
   * @throws BackingStoreConfigException for an unknown type (listing the known ones, or naming the
   *     artifact that provides it), an unknown parameter (listing the accepted ones) or an invalid
   *     value
   * @throws BackingStoreException when the store cannot be opened
   */
  public BackingStore create(StoreConfig config) {
    BackingStoreFactory factory = factories.get(config.type());
    if (factory == null) {
      String module = MODULES.get(config.type());
      if (module != null) {
        throw new BackingStoreConfigException(
            config.source()
                + ": store type '"
                + config.type()
                + "' needs the dependency "
                + module
                + " on the classpath; add it, or choose one of: "
                + String.join(", ", types()));
      }
      throw new BackingStoreConfigException(
          config.source()
              + ": unknown store type '"
              + config.type()
              + "'; known types: "
              + String.join(", ", types()));
    }
    Set<String> accepted = factory.parameters();
    for (String name : config.params().names()) {
      if (!accepted.contains(name)) {
        throw new BackingStoreConfigException(
            config.source()
                + ": unknown param '"
                + name
                + "' for store type '"
                + config.type()
                + "'; accepted params: "
                + (accepted.isEmpty() ? "(none)" : String.join(", ", new TreeSet<>(accepted))));
      }
    }
    return factory.create(config.params());
  }
}
