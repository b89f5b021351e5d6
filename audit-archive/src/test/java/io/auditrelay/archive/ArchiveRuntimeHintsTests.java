package io.auditrelay.archive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.aot.hint.predicate.RuntimeHintsPredicates.resource;

import io.auditrelay.testsupport.AotHints;
import org.junit.jupiter.api.Test;
import org.springframework.aot.hint.RuntimeHints;
import org.springframework.core.io.Resource;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;

/** The native-image hints this module lists in {@code META-INF/spring/aot.factories}. */
class ArchiveRuntimeHintsTests {

  @Test
  void everyMigrationScriptOfEveryVendorIsIncluded() throws Exception {
    RuntimeHints hints = AotHints.registered();

    Resource[] scripts =
        new PathMatchingResourcePatternResolver()
            .getResources("classpath*:db/audit-archive/*/*.sql");
    assertThat(scripts).hasSizeGreaterThanOrEqualTo(4);
    for (Resource script : scripts) {
      String url = script.getURL().toString();
      String path = url.substring(url.lastIndexOf("db/audit-archive/"));
      assertThat(resource().forResource(path)).as(path).accepts(hints);
    }
  }
}
