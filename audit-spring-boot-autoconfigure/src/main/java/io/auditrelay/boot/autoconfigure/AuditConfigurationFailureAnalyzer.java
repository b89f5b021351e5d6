package io.auditrelay.boot.autoconfigure;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** Presents an invalid Audit Relay configuration as a startup report that says what to change. */
public final class AuditConfigurationFailureAnalyzer
    extends AbstractFailureAnalyzer<IllegalArgumentException> {

  @Override
  protected FailureAnalysis analyze(Throwable rootFailure, IllegalArgumentException cause) {
    if (!(cause instanceof AuditConfigurationException)
        && !(cause instanceof io.auditrelay.store.BackingStoreConfigException)) {
      return null;
    }
    if (cause.getCause() instanceof io.auditrelay.store.BackingStoreException) {
      return new FailureAnalysis(
          "Audit Relay's backing store could not be opened: " + cause.getMessage(),
          "Fix what the message names (the directory and its permissions, the database and its"
              + " credentials), or choose another store in the setting named above; or set"
              + " audit.enabled=false (env AUDIT_ENABLED=false) to start without auditing.",
          cause);
    }
    return new FailureAnalysis(
        "Audit Relay is not configured correctly: " + cause.getMessage(),
        "Change the property or environment variable named above to a value the message accepts;"
            + " or set audit.enabled=false (env AUDIT_ENABLED=false) to start without auditing.",
        cause);
  }
}
