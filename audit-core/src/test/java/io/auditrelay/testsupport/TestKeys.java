package io.auditrelay.testsupport;

import io.auditrelay.integrity.SigningKey;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPairGenerator;
import java.util.Base64;

/** Integrity keys in PEM files, shared by the JVMs of a crash test. */
public final class TestKeys {

  private TestKeys() {}

  /**
   * The Ed25519 key in {@code file}, written there first (PKCS #8 PEM, as {@code openssl genpkey
   * -algorithm ed25519} writes it) when the file does not exist yet.
   */
  public static SigningKey inPemFile(Path file) {
    if (!Files.exists(file)) {
      try {
        byte[] der =
            KeyPairGenerator.getInstance("Ed25519").generateKeyPair().getPrivate().getEncoded();
        Files.writeString(
            file,
            "-----BEGIN PRIVATE KEY-----\n"
                + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
                + "\n-----END PRIVATE KEY-----\n",
            StandardCharsets.US_ASCII);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException(e);
      }
    }
    return SigningKey.fromPem(file);
  }
}
