/**
 * The backing store SPI: where events wait, in FIFO order, while the broker cannot take them.
 *
 * <p>Implement {@link io.auditrelay.store.BackingStore} and a {@link
 * io.auditrelay.store.BackingStoreFactory}, register the factory as a Spring bean or through {@link
 * java.util.ServiceLoader}, and run the conformance suite of the {@code audit-core} test-jar
 * against it.
 */
@NullMarked
package io.auditrelay.store;

import org.jspecify.annotations.NullMarked;
