package io.auditrelay.archive;

import org.jspecify.annotations.Nullable;

/**
 * What {@link AuditArchive#store} did with one event.
 *
 * @param outcome what became of it
 * @param eventId its CADF id, or null when it has none
 * @param problem what is wrong with it, for {@link Outcome#SUSPECT}, {@link Outcome#CONFLICT} and
 *     {@link Outcome#UNREADABLE}; null otherwise
 */
public record ArchiveResult(Outcome outcome, @Nullable String eventId, @Nullable String problem) {

  /** What became of an event. */
  public enum Outcome {
    /** Archived, and nothing wrong seen. */
    STORED,
    /**
     * Archived as evidence, with the problem in its row's {@code problem} column: it does not link
     * to a neighbour already archived, or its checkpoint does not prove itself.
     */
    SUSPECT,
    /** The same event, byte for byte, was archived before: dropped. */
    DUPLICATE,
    /**
     * Not archived: another event with the same id, or the same position in the same stream, is
     * archived with other bytes (one of the two is forged or altered).
     */
    CONFLICT,
    /** Not archived: not a JSON object with a CADF id that a text column can keep. */
    UNREADABLE
  }
}
