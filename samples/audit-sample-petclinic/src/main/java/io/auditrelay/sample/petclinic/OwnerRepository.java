package io.auditrelay.sample.petclinic;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.stereotype.Repository;

/** The owners, in memory. Thread-safe. */
@Repository
public class OwnerRepository {

  private final Map<Integer, Owner> owners = new ConcurrentHashMap<>();
  private final AtomicInteger ids = new AtomicInteger();

  /** Stores a new owner (id 0) under a new id, or replaces the owner with its id. */
  public Owner save(Owner owner) {
    Owner saved =
        owner.id() == 0
            ? new Owner(ids.incrementAndGet(), owner.firstName(), owner.lastName(), owner.city())
            : owner;
    owners.put(saved.id(), saved);
    return saved;
  }

  public Optional<Owner> findById(int id) {
    return Optional.ofNullable(owners.get(id));
  }

  public List<Owner> findByLastName(String lastName) {
    List<Owner> found = new ArrayList<>();
    owners.values().stream().filter(o -> o.lastName().startsWith(lastName)).forEach(found::add);
    return found;
  }
}
