package io.auditrelay.store.file;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The crash points of a child JVM: halts it (as SIGKILL would, without shutdown hooks) when the
 * point named in the system property {@code audit.file-store.crash-point} is reached for the {@code
 * audit.file-store.crash-after}-th time.
 */
final class HaltingCrashPoints implements CrashPoints {

  private final Point armed;
  private final AtomicInteger countdown;

  private HaltingCrashPoints(Point armed, int after) {
    this.armed = armed;
    this.countdown = new AtomicInteger(after);
  }

  /** The points the system properties arm, or {@link CrashPoints#NONE} when none is set. */
  static CrashPoints fromSystemProperties() {
    String point = System.getProperty("audit.file-store.crash-point");
    return point == null
        ? NONE
        : new HaltingCrashPoints(
            Point.valueOf(point), Integer.getInteger("audit.file-store.crash-after", 1));
  }

  @Override
  public void reached(Point point) {
    if (due(point)) {
      halt();
    }
  }

  @Override
  public void writing(FileChannel channel, ByteBuffer first) throws IOException {
    reached(Point.BEFORE_WRITE);
    if (due(Point.MID_WRITE)) {
      channel.write(first.slice(0, first.remaining() / 2));
      halt();
    }
  }

  private boolean due(Point point) {
    return point == armed && countdown.decrementAndGet() == 0;
  }

  private static void halt() {
    Runtime.getRuntime().halt(137);
  }
}
