package io.auditrelay.verify;

/**
 * A range of sequences of one stream epoch, both ends included.
 *
 * @param from the first sequence
 * @param to the last sequence; not less than {@code from}
 */
public record SeqRange(long from, long to) {

  public SeqRange {
    if (to < from) {
      throw new IllegalArgumentException("to " + to + " is before from " + from);
    }
  }

  /** How many sequences the range holds. */
  public long size() {
    return to - from + 1;
  }

  @Override
  public String toString() {
    return from == to ? Long.toString(from) : from + ".." + to;
  }
}
