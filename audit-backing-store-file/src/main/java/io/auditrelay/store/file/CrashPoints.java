package io.auditrelay.store.file;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * Test-only hook: halts the JVM (as SIGKILL would, without shutdown hooks) when the named point set
 * in the system property {@code audit.file-store.crash-point} is reached for the {@code
 * audit.file-store.crash-after}-th time. Unset in production, where {@link #reached} is one
 * comparison against null.
 */
final class CrashPoints {

  static final String BEFORE_WRITE = "before-write";
  static final String MID_WRITE = "mid-write";
  static final String AFTER_WRITE_BEFORE_FSYNC = "after-write-before-fsync";
  static final String AFTER_FSYNC_BEFORE_RETURN = "after-fsync-before-return";
  static final String BEFORE_POSITION_RENAME = "before-position-rename";

  /**
   * Entering {@code acknowledge}: in the Auditor's drain this is the point between the broker's
   * confirm and the store's acknowledge.
   */
  static final String BEFORE_ACKNOWLEDGE = "before-acknowledge";

  private static final String ARMED = System.getProperty("audit.file-store.crash-point");
  private static final AtomicInteger COUNTDOWN =
      new AtomicInteger(Integer.getInteger("audit.file-store.crash-after", 1));

  private CrashPoints() {}

  /** Whether {@code point} is the armed one and its turn has come. */
  static boolean due(String point) {
    return point.equals(ARMED) && COUNTDOWN.decrementAndGet() == 0;
  }

  /** Halts the JVM at {@code point} when it is due. */
  static void reached(String point) {
    if (due(point)) {
      halt();
    }
  }

  static void halt() {
    Runtime.getRuntime().halt(137);
  }
}
