package io.auditrelay.boot.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * No production class of the project can make a connection that trusts every certificate: none
 * refers to the AMQP client's {@code TrustEverythingTrustManager}, calls {@code useSslProtocol()}
 * without a context (which installs it), calls a {@code setUri} of the AMQP client or of Spring
 * AMQP or the {@code CachingConnectionFactory(URI)} constructor (which call it for {@code
 * amqps://}), switches off Spring's certificate validation, or implements a trust manager of its
 * own. Read from the compiled classes of every library module, so no code path is missed.
 *
 * <p>Fails on the code before verified TLS: {@code AuditorBuilder} called {@code new
 * CachingConnectionFactory(URI)}.
 */
class NoTrustEverythingTests {

  private static final List<String> MODULES =
      List.of(
          "audit-core",
          "audit-backing-store-file",
          "audit-backing-store-jdbc",
          "audit-spring-boot-autoconfigure");

  @Test
  void noProductionClassCanTrustEveryCertificate() throws IOException {
    Path root = Path.of("").toAbsolutePath().getParent();
    List<String> violations = new ArrayList<>();
    int classes = 0;
    for (String module : MODULES) {
      Path dir = root.resolve(module).resolve("target").resolve("classes");
      assertThat(dir).as("compiled classes of " + module).isDirectory();
      try (Stream<Path> files = Files.walk(dir)) {
        for (Path file : files.filter(f -> f.toString().endsWith(".class")).toList()) {
          classes++;
          try (InputStream in = Files.newInputStream(file)) {
            for (String reference : ClassReferences.read(in)) {
              if (forbidden(reference)) {
                violations.add(root.relativize(file) + " -> " + reference);
              }
            }
          }
        }
      }
    }
    assertThat(classes).as("classes read").isGreaterThan(100);
    assertThat(violations).isEmpty();
  }

  @Test
  void recognisesWhatItForbids() {
    assertThat(forbidden("class com/rabbitmq/client/TrustEverythingTrustManager")).isTrue();
    assertThat(forbidden("method com/rabbitmq/client/ConnectionFactory.useSslProtocol()V"))
        .isTrue();
    assertThat(
            forbidden(
                "method org/springframework/amqp/rabbit/connection/CachingConnectionFactory.<init>(Ljava/net/URI;)V"))
        .isTrue();
    assertThat(
            forbidden(
                "method com/rabbitmq/client/ConnectionFactory.useSslProtocol(Ljavax/net/ssl/SSLContext;)V"))
        .isFalse();
    assertThat(forbidden("implements javax/net/ssl/X509TrustManager")).isTrue();
  }

  private static boolean forbidden(String reference) {
    return reference.contains("TrustEverythingTrustManager")
        || reference.equals("method com/rabbitmq/client/ConnectionFactory.useSslProtocol()V")
        || reference.equals(
            "method com/rabbitmq/client/ConnectionFactory.useSslProtocol(Ljava/lang/String;)V")
        || (reference.startsWith("method com/rabbitmq/") && reference.contains(".setUri("))
        || (reference.startsWith("method org/springframework/amqp/")
            && reference.contains(".setUri("))
        || (reference.startsWith("method org/springframework/amqp/")
            && reference.contains(".<init>(Ljava/net/URI;)"))
        || reference.contains("setSkipServerCertificateValidation")
        || reference.equals("implements javax/net/ssl/X509TrustManager")
        || reference.equals("implements javax/net/ssl/X509ExtendedTrustManager")
        || reference.equals("implements javax/net/ssl/TrustManager")
        || reference.equals("extends javax/net/ssl/X509ExtendedTrustManager");
  }

  /** The classes and methods a class file refers to, and what it extends and implements. */
  static final class ClassReferences {

    static List<String> read(InputStream stream) throws IOException {
      DataInputStream in = new DataInputStream(stream);
      if (in.readInt() != 0xCAFEBABE) {
        throw new IOException("not a class file");
      }
      in.readUnsignedShort(); // minor
      in.readUnsignedShort(); // major
      int count = in.readUnsignedShort();
      Object[] pool = new Object[count];
      int[][] refs = new int[count][];
      int[] tags = new int[count];
      for (int i = 1; i < count; i++) {
        int tag = in.readUnsignedByte();
        tags[i] = tag;
        switch (tag) {
          case 1 -> pool[i] = in.readUTF();
          case 3, 4 -> in.readInt();
          case 5, 6 -> {
            in.readLong();
            i++;
          }
          case 7, 8, 16, 19, 20 -> refs[i] = new int[] {in.readUnsignedShort()};
          case 9, 10, 11, 12, 17, 18 ->
              refs[i] = new int[] {in.readUnsignedShort(), in.readUnsignedShort()};
          case 15 -> refs[i] = new int[] {in.readUnsignedByte(), in.readUnsignedShort()};
          default -> throw new IOException("unknown constant pool tag " + tag);
        }
      }
      List<String> result = new ArrayList<>();
      for (int i = 1; i < count; i++) {
        if (tags[i] == 7) {
          result.add("class " + pool[refs[i][0]]);
        } else if (tags[i] == 10 || tags[i] == 11) {
          String owner = (String) pool[refs[refs[i][0]][0]];
          int[] nameAndType = refs[refs[i][1]];
          result.add("method " + owner + "." + pool[nameAndType[0]] + pool[nameAndType[1]]);
        }
      }
      in.readUnsignedShort(); // access
      in.readUnsignedShort(); // this
      int superIndex = in.readUnsignedShort();
      if (superIndex != 0) {
        result.add("extends " + pool[refs[superIndex][0]]);
      }
      int interfaces = in.readUnsignedShort();
      for (int n = 0; n < interfaces; n++) {
        result.add("implements " + pool[refs[in.readUnsignedShort()][0]]);
      }
      return result;
    }
  }
}
