package io.auditrelay.integrity;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What an Auditor needs to make its trail verifiable: the stream name, the signing key (optional),
 * older keys whose stamps may still wait in the store, and how often to checkpoint. Immutable.
 *
 * <p>Without a signing key, every event is still stamped and chained, and checkpoints are still
 * made: a consumer detects holes, cuts, duplicates and reordering, but not forgery, and the drain
 * checks only the events this process stamped.
 */
public final class Integrity {

  /** Checkpoint every this many events, by default. */
  public static final int DEFAULT_CHECKPOINT_EVENTS = 10_000;

  /** Checkpoint at least this often while events flow, by default. */
  public static final Duration DEFAULT_CHECKPOINT_INTERVAL = Duration.ofSeconds(1);

  private final String stream;
  private final @Nullable SigningKey signingKey;
  private final List<SigningKey> previousKeys;
  private final int checkpointEvents;
  private final Duration checkpointInterval;

  private Integrity(Builder b) {
    this.stream = b.stream;
    this.signingKey = b.signingKey;
    this.previousKeys = List.copyOf(b.previousKeys);
    this.checkpointEvents = b.checkpointEvents;
    this.checkpointInterval = b.checkpointInterval;
  }

  /**
   * Starts the settings of stream {@code stream}: one name per producer (a replica of a service is
   * a producer of its own, for example {@code billing@pod-7}).
   */
  public static Builder builder(String stream) {
    return new Builder(stream);
  }

  public String stream() {
    return stream;
  }

  public @Nullable SigningKey signingKey() {
    return signingKey;
  }

  public List<SigningKey> previousKeys() {
    return previousKeys;
  }

  public int checkpointEvents() {
    return checkpointEvents;
  }

  public Duration checkpointInterval() {
    return checkpointInterval;
  }

  @Override
  public String toString() {
    return "Integrity[stream="
        + stream
        + ", key="
        + (signingKey == null ? IntegrityStamp.NO_KEY : signingKey.keyId())
        + ", checkpoint every "
        + checkpointEvents
        + " events or "
        + checkpointInterval
        + "]";
  }

  /** Builds {@link Integrity}. Not thread-safe. */
  public static final class Builder {
    private final String stream;
    private @Nullable SigningKey signingKey;
    private List<SigningKey> previousKeys = List.of();
    private int checkpointEvents = DEFAULT_CHECKPOINT_EVENTS;
    private Duration checkpointInterval = DEFAULT_CHECKPOINT_INTERVAL;

    private Builder(String stream) {
      this.stream = stream;
    }

    /** The key that signs checkpoints and keys the drain's MAC; none by default. */
    public Builder signingKey(@Nullable SigningKey signingKey) {
      this.signingKey = signingKey;
      return this;
    }

    /**
     * Keys used before the current one: the drain checks stored events stamped under them. Keep a
     * key here until no event stamped under it can be in the store.
     */
    public Builder previousKeys(List<SigningKey> previousKeys) {
      this.previousKeys = List.copyOf(previousKeys);
      return this;
    }

    /** A checkpoint after at most this many events; 10,000 by default. */
    public Builder checkpointEvents(int checkpointEvents) {
      this.checkpointEvents = checkpointEvents;
      return this;
    }

    /** A checkpoint at least this often while events flow; 1 s by default. */
    public Builder checkpointInterval(Duration checkpointInterval) {
      this.checkpointInterval = checkpointInterval;
      return this;
    }

    /**
     * Builds the settings.
     *
     * @throws IllegalArgumentException naming the setting that is invalid
     */
    public Integrity build() {
      if (stream == null || stream.isBlank() || stream.length() > 200) {
        throw new IllegalArgumentException(
            "integrity stream must be a name of 1 to 200 characters, such as service@host");
      }
      if (checkpointEvents < 1) {
        throw new IllegalArgumentException(
            "integrity checkpointEvents must be positive, not " + checkpointEvents);
      }
      Objects.requireNonNull(checkpointInterval, "checkpointInterval");
      if (checkpointInterval.isZero() || checkpointInterval.isNegative()) {
        throw new IllegalArgumentException(
            "integrity checkpointInterval must be a positive duration, not " + checkpointInterval);
      }
      return new Integrity(this);
    }
  }
}
