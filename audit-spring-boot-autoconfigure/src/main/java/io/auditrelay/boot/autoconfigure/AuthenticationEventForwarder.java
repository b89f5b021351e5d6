package io.auditrelay.boot.autoconfigure;

import io.auditrelay.cadf.Actions;
import io.auditrelay.cadf.CadfEvent;
import io.auditrelay.cadf.Outcome;
import io.auditrelay.cadf.Reason;
import io.auditrelay.cadf.Resource;
import io.auditrelay.cadf.ResourceTypes;
import io.auditrelay.core.Auditor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.actuate.audit.AuditEvent;
import org.springframework.boot.actuate.audit.listener.AuditApplicationEvent;
import org.springframework.context.ApplicationListener;

/**
 * Records Actuator's login audit events ({@code AUTHENTICATION_SUCCESS}, {@code
 * AUTHENTICATION_FAILURE}, published by Spring Security) as CADF {@code authenticate/login} events.
 */
final class AuthenticationEventForwarder implements ApplicationListener<AuditApplicationEvent> {

  private static final Logger log = LoggerFactory.getLogger(AuthenticationEventForwarder.class);

  private final Auditor auditor;

  AuthenticationEventForwarder(Auditor auditor) {
    this.auditor = auditor;
  }

  @Override
  public void onApplicationEvent(AuditApplicationEvent applicationEvent) {
    AuditEvent event = applicationEvent.getAuditEvent();
    Outcome outcome =
        switch (event.getType()) {
          case "AUTHENTICATION_SUCCESS" -> Outcome.SUCCESS;
          case "AUTHENTICATION_FAILURE" -> Outcome.FAILURE;
          default -> null;
        };
    if (outcome == null) {
      return;
    }
    String principal =
        event.getPrincipal() == null || event.getPrincipal().isBlank()
            ? "anonymous"
            : event.getPrincipal();
    CadfEvent.Builder cadf =
        CadfEvent.builder()
            .eventTime(event.getTimestamp())
            .action(Actions.AUTHENTICATE_LOGIN)
            .outcome(outcome)
            .initiator(
                Resource.builder(principal, ResourceTypes.SERVICE_SECURITY_ACCOUNT_USER)
                    .name(principal)
                    .build())
            .target(Resource.of("authentication", ResourceTypes.SERVICE_SECURITY));
    Object type = event.getData().get("type");
    if (outcome == Outcome.FAILURE && type != null) {
      cadf.reason(new Reason("authentication", String.valueOf(type), null, null));
    }
    try {
      auditor.record(cadf.build());
    } catch (RuntimeException e) {
      // The login itself must not fail because of auditing; the rejection is counted in metrics.
      log.error("Could not record the {} event for a login", event.getType(), e);
    }
  }
}
