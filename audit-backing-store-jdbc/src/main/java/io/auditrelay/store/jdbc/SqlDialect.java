package io.auditrelay.store.jdbc;

import io.auditrelay.store.BackingStoreException;
import java.sql.DatabaseMetaData;
import java.sql.SQLException;
import java.util.Locale;

/**
 * What differs between the supported databases: the migration scripts, identifier quoting and
 * whether {@code SELECT ... FOR UPDATE SKIP LOCKED} exists. Detected from the JDBC metadata.
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
    return "classpath:db/audit/" + vendor;
  }

  String vendor() {
    return vendor;
  }

  /** A validated identifier, quoted for this database. */
  String quote(String identifier) {
    return quote + identifier + quote;
  }

  /**
   * The dialect of the database behind {@code metadata}.
   *
   * @throws BackingStoreException for a database, or a version, without {@code SKIP LOCKED}
   */
  static SqlDialect detect(DatabaseMetaData metadata) throws SQLException {
    String product = metadata.getDatabaseProductName();
    String version = metadata.getDatabaseProductVersion();
    int major = metadata.getDatabaseMajorVersion();
    int minor = metadata.getDatabaseMinorVersion();
    String name = (product + " " + version).toLowerCase(Locale.ROOT);
    SqlDialect dialect;
    boolean supported;
    if (name.contains("mariadb")) {
      // MySQL Connector/J reports MariaDB as "MySQL" with a version such as 5.5.5-10.11.6-MariaDB.
      int[] mariadb = mariadbVersion(version, major, minor);
      dialect = MARIADB;
      supported = mariadb[0] > 10 || (mariadb[0] == 10 && mariadb[1] >= 6);
    } else if (name.startsWith("postgresql")) {
      dialect = POSTGRESQL;
      supported = major >= 10;
    } else if (name.startsWith("mysql")) {
      dialect = MYSQL;
      supported = major >= 8;
    } else if (name.startsWith("h2")) {
      dialect = H2;
      supported = major > 2 || (major == 2 && minor >= 2);
    } else {
      throw new BackingStoreException(
          "sql store: database "
              + product
              + " "
              + version
              + " is not supported; use PostgreSQL 10+, MariaDB 10.6+, MySQL 8.0+ or H2 2.2+");
    }
    if (!supported) {
      throw new BackingStoreException(
          "sql store: "
              + product
              + " "
              + version
              + " has no SELECT ... FOR UPDATE SKIP LOCKED, which the store needs to let several"
              + " instances drain one table; use PostgreSQL 10+, MariaDB 10.6+, MySQL 8.0+ or H2"
              + " 2.2+");
    }
    return dialect;
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
