package io.auditrelay.sample.petclinic;

import java.util.List;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/** The vets, read-only, as JSON: nothing to audit. */
@RestController
class VetController {

  record Vet(String name, List<String> specialties) {}

  @GetMapping("/vets")
  List<Vet> vets() {
    return List.of(
        new Vet("James Carter", List.of()), new Vet("Helen Leary", List.of("radiology")));
  }
}
