package io.auditrelay.store.file;

import org.jspecify.annotations.Nullable;

/**
 * Where a record may stand. The lines of a segment after its header carry consecutive sequences
 * from the segment's first one (its file name), so the line at a place, its <em>slot</em>, has one
 * sequence it should carry. The drain, the recovery and the CLI's {@code verify} judge every record
 * against its slot the same way, so that a missing, reordered or renumbered record is never taken
 * for a good one.
 */
final class Slots {

  private Slots() {}

  /** What a record is, at its place. */
  enum Verdict {
    /** It carries its slot's sequence. */
    IN_PLACE,
    /** It carries a later sequence of this segment: the lines between are missing. */
    AHEAD,
    /**
     * It carries its slot's sequence, which the next segment starts at or before: a rewrite after a
     * failed fsync superseded the rest of this segment.
     */
    SUPERSEDED,
    /** It carries a sequence it cannot have here (earlier, or past what the segment can hold). */
    OUT_OF_PLACE
  }

  /**
   * Judges a record of sequence {@code sequence} at slot {@code slot}.
   *
   * @param nextSegment the first sequence of the next segment, or null for the last one
   * @param tailBound for the last segment, the first sequence it cannot hold
   */
  static Verdict judge(long sequence, long slot, @Nullable Long nextSegment, long tailBound) {
    if (nextSegment != null && sequence == slot && sequence >= nextSegment) {
      return Verdict.SUPERSEDED;
    }
    long bound = nextSegment != null ? nextSegment : tailBound;
    if (sequence < slot || sequence >= bound) {
      return Verdict.OUT_OF_PLACE;
    }
    return sequence == slot ? Verdict.IN_PLACE : Verdict.AHEAD;
  }

  /** The first sequence a last segment of {@code bytes} bytes cannot hold. */
  static long tailBound(long firstSequence, long bytes, long maxFileSize) {
    return firstSequence + Math.max(bytes, maxFileSize) / SegmentScanner.MIN_LINE + 1;
  }
}
