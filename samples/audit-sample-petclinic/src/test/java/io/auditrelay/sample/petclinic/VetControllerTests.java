package io.auditrelay.sample.petclinic;

import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.webmvc.test.autoconfigure.WebMvcTest;
import org.springframework.test.web.servlet.MockMvc;

/** A slice of a controller that audits nothing. */
@WebMvcTest(VetController.class)
class VetControllerTests {

  @Autowired MockMvc mockMvc;

  @Test
  void showVetListJson() throws Exception {
    mockMvc
        .perform(get("/vets"))
        .andExpect(status().isOk())
        .andExpect(jsonPath("$[1].specialties[0]").value("radiology"));
  }
}
