package io.auditrelay.sample.petclinic;

import static org.mockito.ArgumentMatchers.any;
import static org.mockito.BDDMockito.given;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.redirectedUrl;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.webmvc.test.autoconfigure.WebMvcTest;
import org.springframework.test.context.bean.override.mockito.MockitoBean;
import org.springframework.test.web.servlet.MockMvc;

/**
 * A web slice as petclinic writes it, knowing nothing of auditing: the controller's {@code Auditor}
 * and {@code AuditRequestEvents} come from the slice's imports (module {@code audit-test}). Fails
 * without them (as on the code before, or with {@code -Daudit.test.recording=false}): no qualifying
 * bean of type Auditor.
 */
@WebMvcTest(OwnerController.class)
class OwnerControllerTests {

  private static final Owner GEORGE = new Owner(1, "George", "Franklin", "Madison");

  @Autowired MockMvc mockMvc;

  @MockitoBean OwnerRepository owners;

  @BeforeEach
  void setup() {
    given(owners.findById(1)).willReturn(Optional.of(GEORGE));
    given(owners.findByLastName("Frank")).willReturn(List.of(GEORGE));
    given(owners.save(any()))
        .willAnswer(
            call -> {
              Owner o = call.getArgument(0);
              return new Owner(o.id() == 0 ? 2 : o.id(), o.firstName(), o.lastName(), o.city());
            });
  }

  @Test
  void processCreationFormSuccess() throws Exception {
    mockMvc
        .perform(
            post("/owners/new")
                .param("firstName", "Joe")
                .param("lastName", "Bloggs")
                .param("city", "London"))
        .andExpect(status().is3xxRedirection())
        .andExpect(redirectedUrl("/owners/2"));
  }

  @Test
  void processCreationFormHasErrors() throws Exception {
    mockMvc
        .perform(
            post("/owners/new").param("firstName", "").param("lastName", "").param("city", "x"))
        .andExpect(status().isBadRequest());
  }

  @Test
  void processUpdateOwnerFormSuccess() throws Exception {
    mockMvc
        .perform(post("/owners/1/edit").param("city", "Madrid"))
        .andExpect(status().is3xxRedirection())
        .andExpect(redirectedUrl("/owners/1"));
  }

  @Test
  void showOwner() throws Exception {
    mockMvc
        .perform(get("/owners/1"))
        .andExpect(status().isOk())
        .andExpect(jsonPath("$.lastName").value("Franklin"));
  }

  @Test
  void findOwners() throws Exception {
    mockMvc
        .perform(get("/owners").param("lastName", "Frank"))
        .andExpect(status().isOk())
        .andExpect(jsonPath("$[0].firstName").value("George"));
  }

  @Test
  void showUnknownOwner() throws Exception {
    mockMvc.perform(get("/owners/99")).andExpect(status().isNotFound());
  }
}
