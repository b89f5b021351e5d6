package io.auditrelay.store;

import java.io.PrintStream;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The quarantine verbs of the operator CLIs, the same for every store: {@code list}, {@code requeue
 * KEY|all} and {@code delete KEY REASON}. Each CLI opens its store its own way and hands it here.
 */
public final class QuarantineCommands {

  /** The verbs handled here. */
  public static final List<String> VERBS = List.of("list", "requeue", "delete");

  /** The arguments after the store's location, for the usage line. */
  public static final String USAGE = "list | requeue KEY|all | delete KEY REASON";

  private QuarantineCommands() {}

  /**
   * Runs {@code verb} with its arguments on the store {@code open} gives (opened only when the
   * arguments are right, and closed after); returns the exit code: 0 done, 1 nothing done (no such
   * entry, or an entry that cannot be requeued), 2 usage.
   */
  public static int run(
      String verb, List<String> arguments, Supplier<BackingStore> open, PrintStream out) {
    boolean valid =
        switch (verb) {
          case "list" -> arguments.isEmpty();
          case "requeue" ->
              arguments.size() == 1 && (arguments.get(0).equals("all") || isKey(arguments.get(0)));
          case "delete" ->
              arguments.size() == 2 && isKey(arguments.get(0)) && !arguments.get(1).isBlank();
          default -> false;
        };
    if (!valid) {
      out.println("usage: " + USAGE + " (KEY as printed by list; REASON is kept in the log)");
      return 2;
    }
    try (BackingStore store = open.get()) {
      return switch (verb) {
        case "list" -> list(store, out);
        case "requeue" ->
            arguments.get(0).equals("all")
                ? requeueAll(store, out)
                : requeue(store, Long.parseLong(arguments.get(0)), out);
        default -> delete(store, Long.parseLong(arguments.get(0)), arguments.get(1), out);
      };
    }
  }

  private static boolean isKey(String text) {
    return text.matches("[0-9]{1,18}");
  }

  private static int list(BackingStore store, PrintStream out) {
    forEach(store, entry -> print(entry, out));
    return 0;
  }

  /**
   * Runs {@code action} on every entry of the quarantine, oldest first, a page at a time; the
   * action may requeue or delete the entry it is given.
   */
  public static void forEach(BackingStore store, Consumer<QuarantinedEvent> action) {
    long after = 0;
    List<QuarantinedEvent> page;
    do {
      page = store.quarantined(after, 500);
      for (QuarantinedEvent entry : page) {
        after = entry.key();
        action.accept(entry);
      }
    } while (!page.isEmpty());
  }

  /** One line of {@code list}: key, id (or -), bytes, requeueable or not, reason. */
  public static void print(QuarantinedEvent entry, PrintStream out) {
    out.println(
        entry.key()
            + " "
            + (entry.id() == null ? "-" : entry.id())
            + " "
            + entry.payload().length
            + " "
            + (entry.requeueable() ? "requeueable" : "not-requeueable")
            + " "
            + entry.reason());
  }

  private static int requeue(BackingStore store, long key, PrintStream out) {
    try {
      if (store.requeue(key)) {
        out.println("requeued " + key);
        return 0;
      }
      out.println("no quarantine entry " + key);
      return 1;
    } catch (BackingStoreException e) {
      out.println("not requeued: " + e.getMessage());
      return 1;
    }
  }

  private static int requeueAll(BackingStore store, PrintStream out) {
    int[] code = {0};
    forEach(
        store,
        entry -> {
          if (entry.requeueable()) {
            code[0] = Math.max(code[0], requeue(store, entry.key(), out));
          } else {
            out.println("kept " + entry.key() + ": not a whole event (" + entry.reason() + ")");
          }
        });
    return code[0];
  }

  private static int delete(BackingStore store, long key, String reason, PrintStream out) {
    if (store.deleteQuarantined(key, "operator CLI: " + reason)) {
      out.println("deleted " + key);
      return 0;
    }
    out.println("no quarantine entry " + key);
    return 1;
  }
}
