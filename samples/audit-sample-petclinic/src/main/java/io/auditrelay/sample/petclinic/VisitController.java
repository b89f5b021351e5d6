package io.auditrelay.sample.petclinic;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseBody;

/**
 * A pet's visits, post/redirect/get. It holds no auditing code: the request filter records each new
 * visit from the path map in application.properties.
 */
@Controller
class VisitController {

  private final Map<Integer, List<String>> visits = new ConcurrentHashMap<>();

  @PostMapping("/owners/{ownerId}/pets/{petId}/visits/new")
  String add(@PathVariable int ownerId, @PathVariable int petId, @RequestParam String description) {
    visits.computeIfAbsent(petId, id -> new CopyOnWriteArrayList<>()).add(description);
    return "redirect:/owners/" + ownerId + "/pets/" + petId + "/visits";
  }

  @GetMapping("/owners/{ownerId}/pets/{petId}/visits")
  @ResponseBody
  List<String> list(@PathVariable int ownerId, @PathVariable int petId) {
    return visits.getOrDefault(petId, List.of());
  }
}
