package io.auditrelay.store.jdbc;

import io.auditrelay.store.BackingStoreException;
import java.sql.DatabaseMetaData;
import java.sql.SQLException;
import java.util.Locale;

/**
 * What differs between the supported databases: the migration scripts and identifier quoting;
 * {@link #detect} also tells whether {@code SELECT ... FOR UPDATE SKIP LOCKED} exists.
 */
enum SqlDialect {
  POSTGRESQL("postgresql", '"'),
  MARIADB("mariadb", '`'),
  MYSQL("mysql", '`'),
  H2("h2", '"');

  private final String vendor;
  private final char quote;

  SqlDialect(String vendor, char quote) {
    this.vendor = vendor;
    this.quote = quote;
  }

  /** The folder of the migration scripts: {@code db/audit/{vendor}}. */
  String location() {
    return location("db/audit");
  }

  /** The folder of this vendor's scripts under {@code scripts}: {@code {scripts}/{vendor}}. */
  String location(String scripts) {
    return "classpath:" + scripts + "/" + vendor;
  }

  /** The vendor's name, as in the scripts' folders. */
  String vendor() {
    return vendor;
  }

  /** A validated identifier, quoted for this database. */
  String quote(String identifier) {
    return quote + identifier + quote;
  }

  /**
   * The database behind a connection.
   *
   * @param skipLocked whether it has {@code SELECT ... FOR UPDATE SKIP LOCKED}; without it (MariaDB
   *     before 10.6, MySQL before 8.0) claims take a lease
   */
  record Detected(SqlDialect dialect, boolean skipLocked) {}

  /**
   * The dialect of the database behind {@code metadata}.
   *
   * @throws BackingStoreException for a database, or a version, that is not supported
   */
  static Detected detect(DatabaseMetaData metadata) throws SQLException {
    String product = metadata.getDatabaseProductName();
    String version = metadata.getDatabaseProductVersion();
    int major = metadata.getDatabaseMajorVersion();
    int minor = metadata.getDatabaseMinorVersion();
    String name = (product + " " + version).toLowerCase(Locale.ROOT);
    if (name.contains("mariadb")) {
      // MySQL Connector/J reports MariaDB as "MySQL" with a version such as 5.5.5-10.11.6-MariaDB.
      int[] mariadb = mariadbVersion(version, major, minor);
      return new Detected(MARIADB, mariadb[0] > 10 || (mariadb[0] == 10 && mariadb[1] >= 6));
    }
    if (name.startsWith("mysql")) {
      return new Detected(MYSQL, major >= 8);
    }
    boolean postgres = name.startsWith("postgresql") && major >= 10;
    boolean h2 = name.startsWith("h2") && (major > 2 || (major == 2 && minor >= 2));
    if (!postgres && !h2) {
      throw new BackingStoreException(
          "sql store: database "
              + product
              + " "
              + version
              + " is not supported; use PostgreSQL 10+, MariaDB, MySQL or H2 2.2+");
    }
    return new Detected(postgres ? POSTGRESQL : H2, true);
  }

  private static int[] mariadbVersion(String version, int major, int minor) {
    java.util.regex.Matcher m =
        java.util.regex.Pattern.compile("(\\d+)\\.(\\d+)\\.\\d+-MariaDB").matcher(version);
    if (m.find()) {
      return new int[] {Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2))};
    }
    return new int[] {major, minor};
  }
}
