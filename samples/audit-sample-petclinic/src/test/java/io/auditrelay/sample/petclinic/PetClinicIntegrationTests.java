package io.auditrelay.sample.petclinic;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.client.RestClient;

/** The running application over HTTP, as petclinic's integration tests use it. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class PetClinicIntegrationTests {

  @Value("${local.server.port}")
  int port;

  @Test
  void createsAnOwnerAndShowsIt() {
    RestClient http = RestClient.create("http://localhost:" + port);
    ResponseEntity<Void> created =
        http.post()
            .uri("/owners/new")
            .contentType(MediaType.APPLICATION_FORM_URLENCODED)
            .body("firstName=Jean&lastName=Coleman&city=Monona")
            .retrieve()
            .toBodilessEntity();

    assertThat(created.getStatusCode()).isEqualTo(HttpStatus.FOUND);
    String location = created.getHeaders().getLocation().getPath();
    Map<?, ?> owner = http.get().uri(location).retrieve().body(Map.class);
    assertThat(owner.get("lastName")).isEqualTo("Coleman");
  }
}
