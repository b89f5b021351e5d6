package io.auditrelay.sample.consumer;

import io.auditrelay.archive.AuditArchive;
import io.auditrelay.verify.TrailReport;
import java.util.Map;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/** Proves the archive from its table alone, as {@code audit-verify --jdbc} does. */
@RestController
class VerificationController {

  private final AuditArchive archive;

  VerificationController(AuditArchive archive) {
    this.archive = archive;
  }

  @GetMapping("/archive/verification")
  Map<String, Object> verification() {
    TrailReport report = archive.verify();
    return Map.of("verified", report.verified(), "report", report.describe());
  }
}
