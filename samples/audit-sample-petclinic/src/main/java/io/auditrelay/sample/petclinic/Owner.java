package io.auditrelay.sample.petclinic;

/** An owner of pets. */
public record Owner(int id, String firstName, String lastName, String city) {}
