package io.auditrelay.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/** Runs the JDK's {@code keytool} as the docs tell users to, to make real key stores. */
public final class Keytool {
  private Keytool() {}

  /**
   * Creates a PKCS #12 key store at {@code store} holding an Ed25519 key pair under {@code alias},
   * with {@code password} for the store and the key.
   */
  public static void ed25519KeyStore(Path store, String password, String alias)
      throws IOException, InterruptedException {
    String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
    Process process =
        new ProcessBuilder(
                keytool,
                "-genkeypair",
                "-keyalg",
                "Ed25519",
                "-alias",
                alias,
                "-dname",
                "CN=audit",
                "-validity",
                "2",
                "-storetype",
                "PKCS12",
                "-keystore",
                store.toString(),
                "-storepass",
                password,
                "-keypass",
                password)
            .redirectErrorStream(true)
            .start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor()).as(output).isZero();
  }
}
