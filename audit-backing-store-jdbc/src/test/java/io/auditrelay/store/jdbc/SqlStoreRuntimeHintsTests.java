package io.auditrelay.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.aot.hint.predicate.RuntimeHintsPredicates.reflection;
import static org.springframework.aot.hint.predicate.RuntimeHintsPredicates.resource;

import io.auditrelay.testsupport.AotHints;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.aot.hint.RuntimeHints;
import org.springframework.core.io.Resource;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;

/** The native-image hints this module lists in {@code META-INF/spring/aot.factories}. */
class SqlStoreRuntimeHintsTests {

  private final RuntimeHints hints = AotHints.registered();

  @Test
  void everyMigrationScriptOfEveryVendorIsIncluded() throws Exception {
    List<String> scripts =
        java.util.Arrays.stream(
                new PathMatchingResourcePatternResolver()
                    .getResources("classpath*:db/audit/*/*.sql"))
            .map(SqlStoreRuntimeHintsTests::path)
            .toList();
    assertThat(scripts)
        .contains(
            "db/audit/postgresql/V1__audit_event_tables.sql",
            "db/audit/mariadb/V1__audit_event_tables.sql",
            "db/audit/mysql/V1__audit_event_tables.sql",
            "db/audit/h2/V1__audit_event_tables.sql");
    for (String script : scripts) {
      assertThat(resource().forResource(script)).as(script).accepts(hints);
    }
  }

  @Test
  void theSqlStoreTypeCanBeFoundByServiceLoader() throws Exception {
    assertThat(resource().forResource("META-INF/services/io.auditrelay.store.BackingStoreFactory"))
        .accepts(hints);
    assertThat(reflection().onConstructorInvocation(JdbcBackingStoreFactory.class.getConstructor()))
        .accepts(hints);
  }

  private static String path(Resource script) {
    try {
      String url = script.getURL().toString();
      return url.substring(url.lastIndexOf("db/audit/"));
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
