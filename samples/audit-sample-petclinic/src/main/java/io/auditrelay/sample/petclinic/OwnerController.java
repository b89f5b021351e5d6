package io.auditrelay.sample.petclinic;

import io.auditrelay.boot.web.AuditRequestEvents;
import io.auditrelay.cadf.Actions;
import io.auditrelay.cadf.Resource;
import io.auditrelay.core.Auditor;
import java.util.List;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseBody;
import org.springframework.web.server.ResponseStatusException;

/**
 * Form-based owners, post/redirect/get as in petclinic: a POST that creates or edits answers 302
 * and the browser follows to the owner's page. Each change is audited the README's way.
 */
@Controller
class OwnerController {

  private final OwnerRepository owners;
  private final Auditor auditor;
  private final AuditRequestEvents requestEvents;

  OwnerController(OwnerRepository owners, Auditor auditor, AuditRequestEvents requestEvents) {
    this.owners = owners;
    this.auditor = auditor;
    this.requestEvents = requestEvents;
  }

  @PostMapping("/owners/new")
  String create(
      @RequestParam String firstName, @RequestParam String lastName, @RequestParam String city) {
    if (firstName.isBlank() || lastName.isBlank()) {
      throw new ResponseStatusException(HttpStatus.BAD_REQUEST, "first and last name required");
    }
    Owner owner = owners.save(new Owner(0, firstName, lastName, city));
    auditor.record(requestEvents.event(target(owner), HttpStatus.FOUND.value()));
    return "redirect:/owners/" + owner.id();
  }

  @PostMapping("/owners/{id}/edit")
  String update(@PathVariable int id, @RequestParam String city) {
    Owner owner = owners.findById(id).orElseThrow(() -> notFound(id));
    Owner changed = owners.save(new Owner(id, owner.firstName(), owner.lastName(), city));
    // A form POST that edits: the action is update, not the create a POST would suggest.
    auditor.record(
        requestEvents
            .builder(HttpStatus.FOUND.value())
            .action(Actions.UPDATE)
            .target(target(changed))
            .build());
    return "redirect:/owners/" + id;
  }

  @GetMapping("/owners/{id}")
  @ResponseBody
  Owner show(@PathVariable int id) {
    return owners.findById(id).orElseThrow(() -> notFound(id));
  }

  @GetMapping("/owners")
  @ResponseBody
  List<Owner> find(@RequestParam(defaultValue = "") String lastName) {
    return owners.findByLastName(lastName);
  }

  private static Resource target(Owner owner) {
    return Resource.builder(Integer.toString(owner.id()), "data/petclinic/owner")
        .name(owner.firstName() + " " + owner.lastName())
        .build();
  }

  private static ResponseStatusException notFound(int id) {
    return new ResponseStatusException(HttpStatus.NOT_FOUND, "no owner " + id);
  }
}
