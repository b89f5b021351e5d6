package io.auditrelay.store.file;

import io.auditrelay.store.StoreCommands;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.util.Map;

/** {@link FileStoreCli} under the one operator CLI: every location that is not a JDBC URL. */
public final class FileStoreCommands implements StoreCommands {

  @Override
  public boolean accepts(String location) {
    return !location.startsWith("jdbc:");
  }

  @Override
  public int run(String[] args, PrintStream out, Map<String, String> env) {
    try {
      return FileStoreCli.run(args, out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
