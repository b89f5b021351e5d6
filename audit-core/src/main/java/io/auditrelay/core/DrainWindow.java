package io.auditrelay.core;

import io.auditrelay.core.PublishResult.Status;
import io.auditrelay.store.Claim;
import io.auditrelay.store.StoredEvent;
import io.micrometer.core.instrument.Timer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The drain's control state: the claims sent and not yet settled (at most {@code maxClaims}), the
 * rejections per event toward quarantine, and a delivered claim whose acknowledge failed. Used by
 * the delivery thread only.
 */
final class DrainWindow {

  /** A claim sent to the broker as publish batches, their confirms pending. */
  record Drained(Claim claim, List<Publisher.Sent> sent, List<Timer.Sample> samples) {}

  /**
   * What to do with the events of a settled claim, by sequence.
   *
   * @param retry events to release: not confirmed, for a reason that is not theirs
   * @param retryReason why the last event to retry was not confirmed
   * @param rejected events the broker refused, to release counting the refusal
   * @param rejectReason why the last refused event was refused
   * @param quarantineReason why the last event to quarantine is set aside
   */
  record Verdict(
      List<Long> confirmed,
      List<Long> retry,
      String retryReason,
      List<Long> rejected,
      String rejectReason,
      List<Long> quarantine,
      String quarantineReason) {}

  private final ArrayDeque<Drained> claims = new ArrayDeque<>();
  private final int maxClaims;
  private final int maxAttempts;

  /**
   * Rejections per event id, for quarantine, beside those the store keeps ({@link
   * StoredEvent#rejections()}); forgotten when the event leaves the store.
   */
  private final Map<String, Integer> attempts = new HashMap<>();

  private @Nullable Claim unacknowledged;

  DrainWindow(int maxClaims, int maxAttempts) {
    this.maxClaims = maxClaims;
    this.maxAttempts = maxAttempts;
  }

  boolean hasRoom() {
    return claims.size() < maxClaims;
  }

  boolean isFull() {
    return claims.size() >= maxClaims;
  }

  boolean isEmpty() {
    return claims.isEmpty();
  }

  void add(Drained drained) {
    claims.add(drained);
  }

  /** The oldest claim in flight, taken out to settle it; null when none is. */
  @Nullable Drained poll() {
    return claims.poll();
  }

  /** Delivered events whose acknowledge failed; acknowledged before anything else is drained. */
  @Nullable Claim unacknowledged() {
    return unacknowledged;
  }

  void unacknowledged(@Nullable Claim claim) {
    this.unacknowledged = claim;
  }

  /**
   * Sorts the events of a claim by their results: confirmed, to retry, or rejected {@code
   * maxAttempts} times and to quarantine. A rejection counts only when the broker took others, or
   * for the head: a broker that refuses everything (a full queue) quarantines at most one event per
   * backoff round. The count starts from what the store kept, so that it survives a restart with a
   * durable store.
   */
  Verdict judge(List<StoredEvent> events, List<PublishResult> results) {
    List<Long> confirmed = new ArrayList<>();
    List<Long> retry = new ArrayList<>();
    List<Long> rejected = new ArrayList<>();
    List<Long> quarantine = new ArrayList<>();
    String quarantineReason = "";
    String retryReason = "";
    String rejectReason = "";
    boolean anyConfirmed = results.stream().anyMatch(r -> r.status() == Status.CONFIRMED);
    for (int i = 0; i < events.size(); i++) {
      StoredEvent event = events.get(i);
      PublishResult result = results.get(i);
      if (result.status() == Status.CONFIRMED) {
        confirmed.add(event.sequence());
        attempts.remove(event.id());
      } else if (result.status() == Status.REJECTED && (anyConfirmed || i == 0)) {
        int count = Math.max(attempts.getOrDefault(event.id(), 0), event.rejections()) + 1;
        if (count >= maxAttempts) {
          quarantine.add(event.sequence());
          quarantineReason = "broker rejected it " + count + " times (" + result.reason() + ")";
          attempts.remove(event.id());
        } else {
          attempts.put(event.id(), count);
          rejected.add(event.sequence());
          rejectReason = result.reason();
        }
      } else {
        retry.add(event.sequence());
        retryReason = result.reason();
      }
    }
    return new Verdict(
        confirmed, retry, retryReason, rejected, rejectReason, quarantine, quarantineReason);
  }
}
