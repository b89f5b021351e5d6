/** An application in spring-petclinic's shape, audited with Audit Relay. */
@NullMarked
package io.auditrelay.sample.petclinic;

import org.jspecify.annotations.NullMarked;
