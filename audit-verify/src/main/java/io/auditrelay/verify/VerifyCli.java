package io.auditrelay.verify;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.GetResponse;
import io.auditrelay.integrity.VerificationKeys;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Pattern;

/**
 * {@code java -jar audit-verify.jar}: verifies a trail and prints a report per stream epoch.
 *
 * <pre>
 * audit-verify [--key PUBLIC.pem]... --file EVENTS.jsonl
 * audit-verify [--key PUBLIC.pem]... --amqp URI --queue QUEUE
 * audit-verify [--key PUBLIC.pem]... --jdbc URL --table TABLE [--column COLUMN]
 * audit-verify keygen DIRECTORY
 * </pre>
 *
 * <p>Exit codes: 0 verified, 1 holes, tampering, unreadable or unstamped events, 2 usage or a
 * source that cannot be read. The queue is browsed, not consumed: every message is taken without an
 * acknowledgement and returned when the connection closes. Credentials in a URI are never printed;
 * a JDBC password is read from the environment variable {@code AUDIT_VERIFY_JDBC_PASSWORD}.
 */
public final class VerifyCli {

  private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_.]{0,127}");

  private VerifyCli() {}

  public static void main(String[] args) {
    System.exit(run(args, System.out, System.err));
  }

  /** Runs the CLI; returns the exit code. */
  static int run(String[] args, PrintStream out, PrintStream err) {
    try {
      if (args.length == 2 && args[0].equals("keygen")) {
        return keygen(Path.of(args[1]), out);
      }
      Options options = Options.parse(args);
      TrailVerifier verifier =
          new TrailVerifier(
              options.keys.isEmpty()
                  ? VerificationKeys.none()
                  : VerificationKeys.fromPem(options.keys));
      if (options.file != null) {
        readFile(options.file, verifier);
      } else if (options.amqp != null) {
        browseQueue(options.amqp, options.queue, verifier);
      } else {
        readTable(options, verifier);
      }
      TrailReport report = verifier.report();
      out.println(report.describe());
      return report.verified() ? 0 : 1;
    } catch (UsageException | IllegalArgumentException e) {
      err.println("audit-verify: " + e.getMessage());
      err.println(
          "usage: audit-verify [--key PUBLIC.pem]... (--file EVENTS.jsonl | --amqp URI --queue Q"
              + " | --jdbc URL --table T [--column C]) | keygen DIRECTORY");
      return 2;
    } catch (IOException | SQLException | GeneralSecurityException e) {
      err.println("audit-verify: the source cannot be read: " + e.getClass().getSimpleName());
      return 2;
    }
  }

  private static void readFile(Path file, TrailVerifier verifier) throws IOException {
    try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      for (String line; (line = reader.readLine()) != null; ) {
        if (!line.isBlank()) {
          verifier.accept(line.getBytes(StandardCharsets.UTF_8));
        }
      }
    }
  }

  private static void browseQueue(String uri, String queue, TrailVerifier verifier)
      throws IOException, GeneralSecurityException {
    ConnectionFactory factory = new ConnectionFactory();
    try {
      factory.setUri(uri);
    } catch (java.net.URISyntaxException e) {
      throw new UsageException("--amqp is not an AMQP URI (amqp://host:port/vhost)");
    }
    try (Connection connection = factory.newConnection("audit-verify");
        Channel channel = connection.createChannel()) {
      // Taken without acknowledgement: closing the channel returns every message to the queue.
      for (GetResponse response; (response = channel.basicGet(queue, false)) != null; ) {
        verifier.accept(response.getBody());
      }
    } catch (java.util.concurrent.TimeoutException e) {
      throw new IOException(e);
    }
  }

  private static void readTable(Options options, TrailVerifier verifier) throws SQLException {
    String password = System.getenv("AUDIT_VERIFY_JDBC_PASSWORD");
    try (var connection =
            DriverManager.getConnection(
                options.jdbc, System.getenv("AUDIT_VERIFY_JDBC_USER"), password);
        Statement statement = connection.createStatement()) {
      statement.setFetchSize(1000);
      try (ResultSet rows =
          statement.executeQuery("SELECT " + options.column + " FROM " + options.table)) {
        while (rows.next()) {
          String body = rows.getString(1);
          if (body != null) {
            verifier.accept(body.getBytes(StandardCharsets.UTF_8));
          }
        }
      }
    }
  }

  private static int keygen(Path directory, PrintStream out)
      throws IOException, GeneralSecurityException {
    KeyPair pair = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
    Files.createDirectories(directory);
    Path privateFile = directory.resolve("audit-signing.pem");
    Path publicFile = directory.resolve("audit-signing.pub.pem");
    Files.createFile(
        privateFile,
        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    Files.writeString(privateFile, pem("PRIVATE KEY", pair.getPrivate().getEncoded()));
    Files.writeString(publicFile, pem("PUBLIC KEY", pair.getPublic().getEncoded()));
    out.println(
        "Wrote "
            + privateFile
            + " (for audit.integrity.key-file; keep it secret) and "
            + publicFile
            + " (for consumers) of key "
            + VerificationKeys.keyId(pair.getPublic()));
    return 0;
  }

  private static String pem(String label, byte[] der) {
    return "-----BEGIN "
        + label
        + "-----\n"
        + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
        + "\n-----END "
        + label
        + "-----\n";
  }

  /** A command line that does not say what to do. */
  private static final class UsageException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    UsageException(String message) {
      super(message);
    }
  }

  /** The parsed command line. */
  private static final class Options {
    final List<Path> keys = new ArrayList<>();
    Path file;
    String amqp;
    String queue;
    String jdbc;
    String table;
    String column = "body";

    static Options parse(String[] args) {
      Options o = new Options();
      for (int i = 0; i < args.length; i++) {
        String flag = args[i];
        if (i + 1 >= args.length) {
          throw new UsageException(flag + " needs a value");
        }
        String value = args[++i];
        switch (flag) {
          case "--key" -> o.keys.add(Path.of(value));
          case "--file" -> o.file = Path.of(value);
          case "--amqp" -> o.amqp = value;
          case "--queue" -> o.queue = value;
          case "--jdbc" -> o.jdbc = value;
          case "--table" -> o.table = name("--table", value);
          case "--column" -> o.column = name("--column", value);
          default -> throw new UsageException("unknown option " + flag);
        }
      }
      int sources = (o.file != null ? 1 : 0) + (o.amqp != null ? 1 : 0) + (o.jdbc != null ? 1 : 0);
      if (sources != 1) {
        throw new UsageException("give exactly one of --file, --amqp, --jdbc");
      }
      if (o.amqp != null && o.queue == null) {
        throw new UsageException("--amqp needs --queue");
      }
      if (o.jdbc != null && o.table == null) {
        throw new UsageException("--jdbc needs --table");
      }
      return o;
    }

    private static String name(String flag, String value) {
      if (!NAME.matcher(value).matches()) {
        throw new UsageException(flag + " must be a plain SQL name (letters, digits, _ and .)");
      }
      return value;
    }
  }
}
