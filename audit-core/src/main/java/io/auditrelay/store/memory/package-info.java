/** The {@code memory} backing store: bounded, in the heap, lost when the process exits. */
@NullMarked
package io.auditrelay.store.memory;

import org.jspecify.annotations.NullMarked;
