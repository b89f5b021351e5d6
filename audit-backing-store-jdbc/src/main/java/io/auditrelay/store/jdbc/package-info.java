/** The {@code sql} backing store: one row per event in a table of the application's database. */
@NullMarked
package io.auditrelay.store.jdbc;

import org.jspecify.annotations.NullMarked;
