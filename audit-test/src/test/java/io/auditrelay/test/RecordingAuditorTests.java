package io.auditrelay.test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.auditrelay.cadf.Actions;
import io.auditrelay.cadf.CadfEvent;
import io.auditrelay.cadf.CadfValidationException;
import io.auditrelay.cadf.Outcome;
import io.auditrelay.cadf.Resource;
import io.auditrelay.cadf.ResourceTypes;
import org.junit.jupiter.api.Test;

class RecordingAuditorTests {

  private final RecordingAuditor auditor = new RecordingAuditor();

  private static CadfEvent event(String action, String target) {
    return CadfEvent.builder()
        .action(action)
        .outcome(Outcome.SUCCESS)
        .initiatorId("user-1")
        .target(Resource.of(target, ResourceTypes.DATA))
        .build();
  }

  @Test
  void recordsCompleteEventsLikeTheRealAuditor() {
    assertThat(auditor.record(event(Actions.CREATE, "a"))).isCompleted();

    CadfEvent recorded = auditor.events().get(0);
    assertThat(recorded.id()).isNotNull();
    assertThat(recorded.eventTime()).isNotNull();
    assertThat(recorded.observer()).isEqualTo(Resource.reference("target"));
  }

  @Test
  void refusesWhatTheRealAuditorRefuses() {
    assertThatThrownBy(() -> auditor.record(event("frobnicate", "a")))
        .isInstanceOf(CadfValidationException.class);
    AuditAssertions.assertThat(auditor).recordedNothing();
  }

  @Test
  void comparesEventsIgnoringIdAndTime() {
    auditor.record(event(Actions.CREATE, "a"));
    auditor.record(event(Actions.UPDATE, "a"));
    auditor.record(event(Actions.DELETE, "a"));

    AuditAssertions.assertThat(auditor)
        .hasRecorded(3)
        .recordedInOrder(event(Actions.CREATE, "a"), event(Actions.DELETE, "a"))
        .recordedExactly(
            event(Actions.CREATE, "a"), event(Actions.UPDATE, "a"), event(Actions.DELETE, "a"));
  }

  @Test
  void failsWhenTheOrderDiffers() {
    auditor.record(event(Actions.CREATE, "a"));
    auditor.record(event(Actions.DELETE, "a"));

    assertThatThrownBy(
            () ->
                AuditAssertions.assertThat(auditor)
                    .recordedInOrder(event(Actions.DELETE, "a"), event(Actions.CREATE, "a")))
        .isInstanceOf(AssertionError.class);
    assertThatThrownBy(
            () ->
                AuditAssertions.assertThat(auditor)
                    .recordedExactly(event(Actions.CREATE, "b"), event(Actions.DELETE, "a")))
        .isInstanceOf(AssertionError.class);
  }
}
