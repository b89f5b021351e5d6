package io.auditrelay.boot.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import io.auditrelay.boot.health.AuditHealthIndicator;
import io.auditrelay.core.Auditor;
import io.auditrelay.core.AuditorState;
import io.auditrelay.integrity.VerificationKeys;
import io.auditrelay.testsupport.Keytool;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.amqp.rabbit.connection.ConnectionFactory;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** {@code audit.integrity.*}: keys from a PEM file, the public key in health, clear errors. */
class AuditIntegrityAutoConfigurationTests {

  @TempDir Path dir;

  private final ApplicationContextRunner contextRunner =
      new ApplicationContextRunner()
          .withConfiguration(AuditAutoConfigurationTests.ALL)
          .withBean(ConnectionFactory.class, AuditAutoConfigurationTests::unreachableBroker)
          .withPropertyValues(
              "audit.rabbitmq.queue-name=audit-integrity-unit",
              "audit.shutdown.timeout=1s",
              "spring.application.name=billing");

  private Path privateKeyFile(KeyPair pair) throws Exception {
    Path file = dir.resolve("signing.pem");
    String der = Base64.getMimeEncoder().encodeToString(pair.getPrivate().getEncoded());
    Files.writeString(
        file, "-----BEGIN PRIVATE KEY-----\n" + der + "\n-----END PRIVATE KEY-----\n");
    return file;
  }

  @Test
  void aKeyFileSignsTheStreamAndHealthShowsThePublicKeyNeverThePrivateOne() throws Exception {
    KeyPair pair = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
    Path key = privateKeyFile(pair);
    String privateBase64 = Base64.getEncoder().encodeToString(pair.getPrivate().getEncoded());
    contextRunner
        .withPropertyValues(
            "audit.integrity.enabled=true",
            "audit.integrity.key-file=" + key,
            "audit.integrity.stream=billing@pod-7")
        .run(
            context -> {
              assertThat(context).hasNotFailed();
              Auditor auditor = context.getBean(Auditor.class);
              auditor.record(AuditAutoConfigurationTests.event()).join();
              AuditorState.Trail trail = auditor.state().orElseThrow().trail();
              assertThat(trail).isNotNull();
              assertThat(trail.stream()).isEqualTo("billing@pod-7");
              assertThat(trail.keyId()).isEqualTo(VerificationKeys.keyId(pair.getPublic()));
              Health health = context.getBean(AuditHealthIndicator.class).health(true);
              @SuppressWarnings("unchecked")
              Map<String, Object> integrity =
                  (Map<String, Object>) health.getDetails().get("integrity");
              assertThat(integrity)
                  .containsEntry("stream", "billing@pod-7")
                  .containsEntry("keyId", trail.keyId());
              Path published = dir.resolve("published.pem");
              Files.writeString(published, (String) integrity.get("publicKey"));
              assertThat(VerificationKeys.fromPem(java.util.List.of(published)).keyIds())
                  .containsExactly(trail.keyId());
              assertThat(health.toString()).doesNotContain(privateBase64.substring(16, 40));
            });
  }

  @Test
  void aKeyStoreMadeByKeytoolSignsTheStreamAndItsPasswordIsNeverShown() throws Exception {
    Path store = dir.resolve("audit.p12");
    Keytool.ed25519KeyStore(store, "Pa55-w0rd/x", "audit");
    contextRunner
        .withPropertyValues(
            "audit.integrity.enabled=true",
            "audit.integrity.key-store=" + store,
            "audit.integrity.key-store-password=Pa55-w0rd/x",
            "audit.integrity.key-alias=audit")
        .run(
            context -> {
              assertThat(context).hasNotFailed();
              AuditorState.Trail trail =
                  context.getBean(Auditor.class).state().orElseThrow().trail();
              java.security.KeyStore keys =
                  java.security.KeyStore.getInstance(store.toFile(), "Pa55-w0rd/x".toCharArray());
              assertThat(trail.keyId())
                  .isEqualTo(VerificationKeys.keyId(keys.getCertificate("audit").getPublicKey()));
              Health health = context.getBean(AuditHealthIndicator.class).health(true);
              assertThat(health.toString()).doesNotContain("Pa55-w0rd");
            });
    contextRunner
        .withPropertyValues(
            "audit.integrity.enabled=true",
            "audit.integrity.key-store=" + store,
            "audit.integrity.key-store-password=Wr0ng-Pa55",
            "audit.integrity.key-alias=audit")
        .run(
            context ->
                assertThat(context)
                    .getFailure()
                    .rootCause()
                    .hasMessageContaining("audit.p12")
                    .hasMessageContaining("check its path and password")
                    .hasMessageNotContaining("Wr0ng-Pa55"));
    contextRunner
        .withPropertyValues("audit.integrity.enabled=true", "audit.integrity.key-store=" + store)
        .run(
            context ->
                assertThat(context)
                    .getFailure()
                    .rootCause()
                    .hasMessageContaining("audit.integrity.key-alias is required"));
  }

  @Test
  void withoutAStreamTheServiceAndHostNameIt() {
    contextRunner
        .withPropertyValues("audit.integrity.enabled=true")
        .run(
            context -> {
              AuditorState.Trail trail =
                  context.getBean(Auditor.class).state().orElseThrow().trail();
              assertThat(trail.stream()).startsWith("billing@");
              assertThat(trail.keyId()).isEqualTo("none");
              assertThat(trail.publicKeyPem()).isNull();
            });
  }

  @Test
  void aMissingOrWrongKeyFileFailsStartupNamingThePropertyAndTheFile() throws Exception {
    Path notAKey = dir.resolve("not-a-key.pem");
    Files.writeString(notAKey, "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n");
    contextRunner
        .withPropertyValues("audit.integrity.enabled=true", "audit.integrity.key-file=" + notAKey)
        .run(
            context ->
                assertThat(context)
                    .getFailure()
                    .rootCause()
                    .hasMessageContaining("audit.integrity")
                    .hasMessageContaining("not-a-key.pem")
                    .hasMessageContaining("openssl genpkey"));
    contextRunner
        .withPropertyValues("audit.integrity.enabled=true", "audit.integrity.checkpoint-events=0")
        .run(
            context ->
                assertThat(context)
                    .getFailure()
                    .rootCause()
                    .hasMessageContaining("audit.integrity.checkpoint-events must be positive"));
  }
}
