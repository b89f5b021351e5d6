package io.auditrelay.store.file;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/**
 * A test seam: the points of the store where a crash test halts the JVM (as SIGKILL would). The
 * factory gives every store {@link #NONE}, which does nothing; only tests construct a store with
 * another one.
 */
interface CrashPoints {

  /** No crash anywhere: what production stores use. */
  CrashPoints NONE = point -> {};

  /** The points, in the order one append and one acknowledge pass them. */
  enum Point {
    BEFORE_WRITE,
    /** Half of the first record of a write is on disk. */
    MID_WRITE,
    AFTER_WRITE_BEFORE_FSYNC,
    AFTER_FSYNC_BEFORE_RETURN,
    BEFORE_POSITION_RENAME,
    /**
     * Entering {@code acknowledge}: in the Auditor's drain this is the point between the broker's
     * confirm and the store's acknowledge.
     */
    BEFORE_ACKNOWLEDGE
  }

  /** The store reached {@code point}. */
  void reached(Point point);

  /**
   * The store is about to write records to {@code channel}, {@code first} the first of them. The
   * default reports {@link Point#BEFORE_WRITE}; a crash test may write part of {@code first} and
   * halt ({@link Point#MID_WRITE}).
   */
  default void writing(FileChannel channel, ByteBuffer first) throws IOException {
    reached(Point.BEFORE_WRITE);
  }
}
