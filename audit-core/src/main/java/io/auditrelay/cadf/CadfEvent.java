package io.auditrelay.cadf;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * An immutable CADF event (DMTF DSP0262), with the OpenStack {@code requestPath} extension.
 *
 * <p>Build one with {@link #builder()}. {@code id}, {@code eventTime} and the observer may be left
 * out: the {@code Auditor} fills them in {@code record()} (a new random UUID, its {@link Clock},
 * its configured observer) and the id is never regenerated afterwards. {@link CadfValidator} states
 * the rules an event must meet to be recorded; construction itself does not validate, so that a
 * reader can report every broken rule at once.
 *
 * @param typeURI always {@link #TYPE_URI}
 * @param id the event's UUID, lower case with dashes; the deduplication key end to end
 * @param eventType activity (default), monitor or control
 * @param eventTime when the event happened; kept to the microsecond
 * @param action an {@link Actions} entry or a sub-path of one
 * @param outcome result of the action
 * @param initiator who acted (or {@code initiatorId})
 * @param initiatorId reference to who acted (or {@code initiator})
 * @param target what was acted on (or {@code targetId})
 * @param targetId reference to what was acted on (or {@code target})
 * @param observer who reports the event (or {@code observerId})
 * @param observerId reference to who reports the event (or {@code observer})
 * @param reason why; required for control events
 * @param name short name of the event
 * @param severity severity, free text
 * @param measurements measured values; required for monitor events
 * @param tags tags, by convention {@code name?value=v}
 * @param attachments extra content
 * @param reporterchain who observed, modified or relayed the event
 * @param requestPath the HTTP path, never with a query string
 */
// CadfWriter writes these fields in this order too: a field added here goes there as well.
@JsonPropertyOrder({
  "typeURI",
  "id",
  "eventType",
  "eventTime",
  "action",
  "outcome",
  "initiator",
  "initiatorId",
  "target",
  "targetId",
  "observer",
  "observerId",
  "reason",
  "name",
  "severity",
  "measurements",
  "tags",
  "attachments",
  "reporterchain",
  "requestPath"
})
public record CadfEvent(
    String typeURI,
    @Nullable String id,
    EventType eventType,
    @Nullable Instant eventTime,
    String action,
    Outcome outcome,
    @Nullable Resource initiator,
    @Nullable String initiatorId,
    @Nullable Resource target,
    @Nullable String targetId,
    @Nullable Resource observer,
    @Nullable String observerId,
    @Nullable Reason reason,
    @Nullable String name,
    @Nullable String severity,
    @Nullable List<Measurement> measurements,
    @Nullable List<String> tags,
    @Nullable List<Attachment> attachments,
    @Nullable List<Reporterstep> reporterchain,
    @Nullable String requestPath) {

  /** The only valid {@code typeURI} of an event. */
  public static final String TYPE_URI = "http://schemas.dmtf.org/cloud/audit/1.0/event";

  /**
   * Copies the lists (empty ones become null, so they are omitted on the wire) and truncates the
   * time to microseconds, the precision of the wire format.
   */
  public CadfEvent {
    eventTime = CadfTime.truncate(eventTime);
    measurements = Lists.copy(measurements);
    tags = Lists.copy(tags);
    attachments = Lists.copy(attachments);
    reporterchain = Lists.copy(reporterchain);
  }

  /** Starts an {@code activity} event with action {@code unknown} and outcome {@code unknown}. */
  public static Builder builder() {
    return new Builder();
  }

  /** Returns a builder holding this event's values. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.id = id;
    b.eventType = eventType;
    b.eventTime = eventTime;
    b.action = action;
    b.outcome = outcome;
    b.initiator = initiator;
    b.initiatorId = initiatorId;
    b.target = target;
    b.targetId = targetId;
    b.observer = observer;
    b.observerId = observerId;
    b.reason = reason;
    b.name = name;
    b.severity = severity;
    b.measurements = measurements == null ? null : new ArrayList<>(measurements);
    b.tags = tags == null ? null : new ArrayList<>(tags);
    b.attachments = attachments == null ? null : new ArrayList<>(attachments);
    b.reporterchain = reporterchain == null ? null : new ArrayList<>(reporterchain);
    b.requestPath = requestPath;
    return b;
  }

  /**
   * Returns this event with what {@code record()} fills in when it is missing: a new random UUID as
   * id, the time of {@code clock}, and {@code defaultObserver}. Returns {@code this} when nothing
   * is missing.
   */
  public CadfEvent withDefaults(Clock clock, Resource defaultObserver) {
    if (id != null && eventTime != null && hasObserver()) {
      return this;
    }
    Builder b = toBuilder();
    if (id == null) {
      b.id(EventIds.next());
    }
    if (eventTime == null) {
      b.eventTime(clock.instant());
    }
    if (!hasObserver()) {
      b.observer(defaultObserver);
    }
    return b.build();
  }

  /** Whether the event names its observer, inline or by reference. */
  public boolean hasObserver() {
    return observer != null || observerId != null;
  }

  /** Builds a {@link CadfEvent}. Not thread-safe. */
  public static final class Builder {
    private @Nullable String id;
    private EventType eventType = EventType.ACTIVITY;
    private @Nullable Instant eventTime;
    private String action = Actions.UNKNOWN;
    private Outcome outcome = Outcome.UNKNOWN;
    private @Nullable Resource initiator;
    private @Nullable String initiatorId;
    private @Nullable Resource target;
    private @Nullable String targetId;
    private @Nullable Resource observer;
    private @Nullable String observerId;
    private @Nullable Reason reason;
    private @Nullable String name;
    private @Nullable String severity;
    private @Nullable List<Measurement> measurements;
    private @Nullable List<String> tags;
    private @Nullable List<Attachment> attachments;
    private @Nullable List<Reporterstep> reporterchain;
    private @Nullable String requestPath;

    private Builder() {}

    /** Sets the id; leave it out to get a new random UUID in {@code record()}. */
    public Builder id(@Nullable String id) {
      this.id = id;
      return this;
    }

    public Builder eventType(EventType eventType) {
      this.eventType = eventType;
      return this;
    }

    /** Sets the time; leave it out to get the Auditor's clock time in {@code record()}. */
    public Builder eventTime(@Nullable Instant eventTime) {
      this.eventTime = eventTime;
      return this;
    }

    /** Sets the time from {@code clock}. */
    public Builder eventTime(Clock clock) {
      this.eventTime = clock.instant();
      return this;
    }

    /** Sets the action, an {@link Actions} entry or a sub-path of one. */
    public Builder action(String action) {
      this.action = action;
      return this;
    }

    public Builder outcome(Outcome outcome) {
      this.outcome = outcome;
      return this;
    }

    public Builder initiator(@Nullable Resource initiator) {
      this.initiator = initiator;
      return this;
    }

    public Builder initiatorId(@Nullable String initiatorId) {
      this.initiatorId = initiatorId;
      return this;
    }

    public Builder target(@Nullable Resource target) {
      this.target = target;
      return this;
    }

    public Builder targetId(@Nullable String targetId) {
      this.targetId = targetId;
      return this;
    }

    /** Sets the observer; leave it out to get the Auditor's configured observer. */
    public Builder observer(@Nullable Resource observer) {
      this.observer = observer;
      return this;
    }

    public Builder observerId(@Nullable String observerId) {
      this.observerId = observerId;
      return this;
    }

    public Builder reason(@Nullable Reason reason) {
      this.reason = reason;
      return this;
    }

    public Builder name(@Nullable String name) {
      this.name = name;
      return this;
    }

    public Builder severity(@Nullable String severity) {
      this.severity = severity;
      return this;
    }

    public Builder measurements(@Nullable List<Measurement> measurements) {
      this.measurements = measurements;
      return this;
    }

    /** Appends one measurement. */
    public Builder measurement(Measurement measurement) {
      if (measurements == null) {
        measurements = new ArrayList<>();
      }
      measurements.add(measurement);
      return this;
    }

    public Builder tags(@Nullable List<String> tags) {
      this.tags = tags;
      return this;
    }

    /** Appends one tag. */
    public Builder tag(String tag) {
      if (tags == null) {
        tags = new ArrayList<>();
      }
      tags.add(tag);
      return this;
    }

    public Builder attachments(@Nullable List<Attachment> attachments) {
      this.attachments = attachments;
      return this;
    }

    /** Appends one attachment. */
    public Builder attachment(Attachment attachment) {
      if (attachments == null) {
        attachments = new ArrayList<>();
      }
      attachments.add(attachment);
      return this;
    }

    public Builder reporterchain(@Nullable List<Reporterstep> reporterchain) {
      this.reporterchain = reporterchain;
      return this;
    }

    /**
     * Sets the request path. A query string or fragment is cut off here: it leaks tokens and
     * personal data into the audit trail.
     */
    public Builder requestPath(@Nullable String requestPath) {
      this.requestPath = stripQuery(requestPath);
      return this;
    }

    /** Builds the event; validation happens in {@code record()} or {@link CadfValidator}. */
    public CadfEvent build() {
      return new CadfEvent(
          TYPE_URI,
          id,
          eventType,
          eventTime,
          action,
          outcome,
          initiator,
          initiatorId,
          target,
          targetId,
          observer,
          observerId,
          reason,
          name,
          severity,
          measurements,
          tags,
          attachments,
          reporterchain,
          requestPath);
    }

    private static @Nullable String stripQuery(@Nullable String path) {
      if (path == null) {
        return null;
      }
      int cut = path.length();
      int query = path.indexOf('?');
      int fragment = path.indexOf('#');
      if (query >= 0) {
        cut = query;
      }
      if (fragment >= 0 && fragment < cut) {
        cut = fragment;
      }
      return path.substring(0, cut);
    }
  }
}
