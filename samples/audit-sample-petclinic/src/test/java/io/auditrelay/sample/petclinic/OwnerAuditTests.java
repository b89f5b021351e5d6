package io.auditrelay.sample.petclinic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import io.auditrelay.cadf.CadfEvent;
import io.auditrelay.cadf.Outcome;
import io.auditrelay.test.AuditAssertions;
import io.auditrelay.test.RecordingAuditor;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.webmvc.test.autoconfigure.WebMvcTest;
import org.springframework.context.annotation.Import;
import org.springframework.test.web.servlet.MockMvc;

/** What a team adds once it audits: the events a request recorded, from the recording Auditor. */
@WebMvcTest(OwnerController.class)
@Import(OwnerRepository.class)
class OwnerAuditTests {

  @Autowired MockMvc mockMvc;

  @Autowired RecordingAuditor auditor;

  @Test
  void aFormThatEditsIsRecordedAsASuccessfulUpdate() throws Exception {
    mockMvc
        .perform(
            post("/owners/new")
                .param("firstName", "Betty")
                .param("lastName", "Davis")
                .param("city", "Sun Prairie"))
        .andExpect(status().is3xxRedirection());
    mockMvc.perform(post("/owners/1/edit").param("city", "Madison")).andExpect(status().isFound());

    AuditAssertions.assertThat(auditor).hasRecorded(2);
    CadfEvent update = auditor.events().get(1);
    assertThat(update.action()).isEqualTo("update");
    assertThat(update.outcome()).isEqualTo(Outcome.SUCCESS);
    assertThat(update.reason().reasonCode()).isEqualTo("302");
    assertThat(update.target().id()).isEqualTo("1");
    assertThat(update.requestPath()).isEqualTo("/owners/1/edit");
  }

  @Test
  void eachTestStartsWithNothingRecorded() {
    // The context is shared with the test above, whichever runs first: the recording Auditor is
    // emptied before every test method.
    AuditAssertions.assertThat(auditor).recordedNothing();
  }
}
