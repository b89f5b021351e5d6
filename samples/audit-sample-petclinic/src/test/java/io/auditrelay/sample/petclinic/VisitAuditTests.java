package io.auditrelay.sample.petclinic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import io.auditrelay.cadf.CadfEvent;
import io.auditrelay.cadf.Outcome;
import io.auditrelay.cadf.Resource;
import io.auditrelay.test.AuditAssertions;
import io.auditrelay.test.RecordingAuditor;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.webmvc.test.autoconfigure.WebMvcTest;
import org.springframework.test.web.servlet.MockMvc;

/**
 * Request auditing in a web slice: the filter comes with the slice's imports and records into the
 * recording Auditor, from the path map of application.properties, with no code in the controller.
 */
@WebMvcTest(VisitController.class)
class VisitAuditTests {

  @Autowired MockMvc mockMvc;

  @Autowired RecordingAuditor auditor;

  @Test
  void aNewVisitIsRecordedByTheFilterAndReadsAreNot() throws Exception {
    mockMvc
        .perform(post("/owners/1/pets/7/visits/new").param("description", "rabies shot"))
        .andExpect(status().isFound());
    mockMvc.perform(get("/owners/1/pets/7/visits")).andExpect(status().isOk());

    AuditAssertions.assertThat(auditor).hasRecorded(1);
    CadfEvent visit = auditor.events().get(0);
    assertThat(visit.target()).isEqualTo(Resource.of("7", "data/petclinic/pet"));
    assertThat(visit.action()).isEqualTo("create");
    assertThat(visit.outcome()).isEqualTo(Outcome.SUCCESS);
    assertThat(visit.reason().reasonCode()).isEqualTo("302");
    assertThat(visit.requestPath()).isEqualTo("/owners/1/pets/7/visits/new");
  }
}
