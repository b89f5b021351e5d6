/** The {@code file} backing store: a segmented, checksummed, group-committed append-only log. */
@NullMarked
package io.auditrelay.store.file;

import org.jspecify.annotations.NullMarked;
