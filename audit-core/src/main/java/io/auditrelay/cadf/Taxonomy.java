package io.auditrelay.cadf;

import java.util.Set;

/** Shared rule of the CADF taxonomies: an entry, or a sub-path of one separated by {@code /}. */
final class Taxonomy {

  private Taxonomy() {}

  static boolean contains(Set<String> entries, String value) {
    if (entries.contains(value)) {
      return true;
    }
    int slash = value.indexOf('/');
    while (slash > 0) {
      if (entries.contains(value.substring(0, slash))) {
        // "create/" (empty last segment) and "create//x" are not sub-paths.
        return !value.endsWith("/") && !value.contains("//");
      }
      slash = value.indexOf('/', slash + 1);
    }
    return false;
  }
}
