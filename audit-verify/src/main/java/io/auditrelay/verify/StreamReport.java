package io.auditrelay.verify;

import java.util.List;

/**
 * What a verifier proved of one stream epoch.
 *
 * @param stream the producer stream
 * @param epoch the epoch (one run of the producer)
 * @param verdict the summary: {@link Verdict#TAMPERED} when any problem was found, else {@link
 *     Verdict#INCOMPLETE} when a hole was found, else {@link Verdict#VERIFIED}
 * @param events distinct events received (duplicates not counted)
 * @param durableUpTo the sequence of the last checkpoint received (every event below it was durable
 *     when it was made, so a missing one is a hole); -1 when none
 * @param holes sequences missing below {@code durableUpTo} (or below the end): lost or deleted
 * @param cut sequences missing after the last checkpoint in an epoch without a clean end: events
 *     never proven durable, cut by a crash; {@code cutSize} counts them
 * @param cutSize how many sequences {@code cut} holds
 * @param ended whether the epoch's clean end was received
 * @param problems what was found altered, forged, injected or contradictory, each with its place
 * @param duplicates copies received of an event already received (same sequence, same bytes)
 * @param reordered events that arrived after an event with a higher sequence
 * @param signaturesChecked whether the checkpoints' signatures were checked (a key was given)
 * @param unsignedTail events after the last signed checkpoint: chained, but not yet covered by a
 *     signature
 */
public record StreamReport(
    String stream,
    String epoch,
    Verdict verdict,
    long events,
    long durableUpTo,
    List<SeqRange> holes,
    List<SeqRange> cut,
    long cutSize,
    boolean ended,
    List<String> problems,
    long duplicates,
    long reordered,
    boolean signaturesChecked,
    long unsignedTail) {

  /** The summary of a stream. */
  public enum Verdict {
    /** Complete, unaltered and (with a key) authentic up to its last checkpoint. */
    VERIFIED,
    /** Unaltered, with holes in its durable part. */
    INCOMPLETE,
    /** Something in it was altered, forged, injected or contradicts itself. */
    TAMPERED
  }

  public StreamReport {
    holes = List.copyOf(holes);
    cut = List.copyOf(cut);
    problems = List.copyOf(problems);
  }

  /** One line per finding, for people. */
  public String describe() {
    StringBuilder s = new StringBuilder();
    s.append(verdict)
        .append(' ')
        .append(stream)
        .append(" epoch ")
        .append(epoch)
        .append(": ")
        .append(events)
        .append(" events")
        .append(ended ? ", ended cleanly" : ", not ended (running, or stopped by a crash)")
        .append(signaturesChecked ? ", signatures checked" : ", signatures NOT checked (no key)");
    if (durableUpTo >= 0) {
      s.append(", durable up to ").append(durableUpTo);
    }
    for (SeqRange hole : holes) {
      s.append("\n  HOLE ").append(hole).append(" (").append(hole.size()).append(" missing)");
    }
    if (cutSize > 0) {
      s.append("\n  CUT after a crash: ")
          .append(cutSize)
          .append(" event(s) never proven durable, at ")
          .append(cut);
    }
    for (String problem : problems) {
      s.append("\n  TAMPERED ").append(problem);
    }
    if (duplicates > 0) {
      s.append("\n  ").append(duplicates).append(" duplicate(s) recognised and dropped");
    }
    if (reordered > 0) {
      s.append("\n  ").append(reordered).append(" event(s) arrived out of order");
    }
    if (signaturesChecked && unsignedTail > 0) {
      s.append("\n  ")
          .append(unsignedTail)
          .append(" event(s) after the last signed checkpoint (chained, not yet signed)");
    }
    return s.toString();
  }
}
