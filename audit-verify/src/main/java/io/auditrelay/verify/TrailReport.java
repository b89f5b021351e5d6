package io.auditrelay.verify;

import java.util.List;

/**
 * What a verifier proved of everything it was given.
 *
 * @param streams one report per stream epoch, by stream then epoch
 * @param messages messages received
 * @param unreadable messages that are not JSON objects, or whose stamp does not parse: injected or
 *     damaged
 * @param unstamped readable events without an integrity stamp: from a producer without integrity,
 *     or injected
 */
public record TrailReport(
    List<StreamReport> streams, long messages, long unreadable, long unstamped) {

  public TrailReport {
    streams = List.copyOf(streams);
  }

  /** Whether every stream is verified and nothing unreadable or unstamped was received. */
  public boolean verified() {
    return unreadable == 0
        && unstamped == 0
        && streams.stream().allMatch(s -> s.verdict() == StreamReport.Verdict.VERIFIED);
  }

  /** The report for people: one block per stream, then the totals. */
  public String describe() {
    StringBuilder s = new StringBuilder();
    streams.forEach(stream -> s.append(stream.describe()).append('\n'));
    s.append(messages).append(" message(s), ").append(streams.size()).append(" stream epoch(s)");
    if (unreadable > 0) {
      s.append(", ").append(unreadable).append(" UNREADABLE (injected or damaged)");
    }
    if (unstamped > 0) {
      s.append(", ").append(unstamped).append(" without an integrity stamp");
    }
    s.append(verified() ? ": VERIFIED" : ": NOT VERIFIED");
    return s.toString();
  }
}
