package io.auditrelay.cadf;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** Defensive list copies for the immutable model; null elements are kept for the validator. */
final class Lists {

  private Lists() {}

  static <T> @Nullable List<T> copy(@Nullable List<T> list) {
    if (list == null || list.isEmpty()) {
      return null;
    }
    return Collections.unmodifiableList(new ArrayList<>(list));
  }
}
