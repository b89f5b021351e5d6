package io.auditrelay.store.file;

import io.auditrelay.store.BackingStoreException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The store's directory: created 0700 with its mode at creation (never chmod afterwards), refused
 * when it is a symlink, group- or world-writable, or owned by another user; locked exclusively for
 * the store's lifetime; fsynced after every create, rename and delete.
 */
final class StoreDirectory implements AutoCloseable {

  /** Every file the store opens is opened without following a link. */
  static final OpenOption NOFOLLOW = LinkOption.NOFOLLOW_LINKS;

  static final FileAttribute<Set<PosixFilePermission>> DIRECTORY_MODE =
      PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------"));
  static final FileAttribute<Set<PosixFilePermission>> FILE_MODE =
      PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"));

  private final Path path;
  private final FileChannel lockChannel;
  private final FileLock lock;

  private StoreDirectory(Path path, FileChannel lockChannel, FileLock lock) {
    this.path = path;
    this.lockChannel = lockChannel;
    this.lock = lock;
  }

  /** Creates or checks {@code path} and its sub-directories, and locks it. */
  static StoreDirectory open(Path path) {
    if (!path.isAbsolute() || !path.normalize().equals(path)) {
      throw new BackingStoreException(
          "file store directory must be an absolute path without '..' or '.', not " + path);
    }
    try {
      ensureDirectory(path);
      ensureDirectory(path.resolve("segments"));
      ensureDirectory(path.resolve("quarantine"));
      for (String name :
          List.of("LOCK", "position", "position.tmp", "rejections", "rejections.tmp")) {
        checkEntry(path.resolve(name));
      }
      for (String sub : List.of("segments", "quarantine")) {
        try (Stream<Path> entries = Files.list(path.resolve(sub))) {
          for (Path entry : entries.toList()) {
            checkEntry(entry);
          }
        }
      }
      FileChannel channel =
          FileChannel.open(
              path.resolve("LOCK"),
              Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE, NOFOLLOW),
              FILE_MODE);
      FileLock lock;
      try {
        lock = channel.tryLock();
      } catch (OverlappingFileLockException e) {
        lock = null;
      }
      if (lock == null) {
        channel.close();
        throw new BackingStoreException(
            "file store directory " + path + " is in use by another store (its LOCK is held)");
      }
      return new StoreDirectory(path, channel, lock);
    } catch (IOException e) {
      throw new BackingStoreException("cannot open file store directory " + path + ": " + e, e);
    }
  }

  private static void ensureDirectory(Path dir) throws IOException {
    if (Files.isSymbolicLink(dir)) {
      throw new BackingStoreException(
          "file store directory " + dir + " is a symlink; use the real path");
    }
    if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
      try {
        // Missing parents are created 0700 too (the umask can only take bits away), never with
        // the umask's mode alone, which could make them group- or world-writable.
        Files.createDirectories(dir.getParent(), DIRECTORY_MODE);
        Files.createDirectory(dir, DIRECTORY_MODE);
        syncDirectory(dir.getParent());
      } catch (FileAlreadyExistsException e) {
        // created concurrently; checked below
      }
    }
    PosixFileAttributes attributes =
        Files.readAttributes(dir, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    if (!attributes.isDirectory()) {
      throw new BackingStoreException("file store path " + dir + " exists and is not a directory");
    }
    Set<PosixFilePermission> mode = attributes.permissions();
    if (mode.contains(PosixFilePermission.GROUP_WRITE)
        || mode.contains(PosixFilePermission.OTHERS_WRITE)) {
      throw new BackingStoreException(
          "file store directory "
              + dir
              + " is group- or world-writable ("
              + PosixFilePermissions.toString(mode)
              + "); audit records must not be writable by others: use a directory with mode 0700");
    }
    requireOwnedByMe("file store directory " + dir, attributes, "");
  }

  /**
   * Refuses an entry of the store that is a symlink, not a regular file, or owned by another user:
   * the store writes, truncates and deletes its files, and must never do so through a link.
   */
  private static void checkEntry(Path entry) throws IOException {
    if (!Files.exists(entry, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    PosixFileAttributes attributes =
        Files.readAttributes(entry, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    if (attributes.isSymbolicLink()) {
      throw new BackingStoreException(
          "file store entry "
              + entry
              + " is a symlink; the store never follows links inside its directory: replace it"
              + " with the file itself, or remove it");
    }
    if (!attributes.isRegularFile()) {
      throw new BackingStoreException(
          "file store entry " + entry + " is not a regular file; remove it from the directory");
    }
    requireOwnedByMe(
        "file store entry " + entry, attributes, "; audit records must be the store's own");
  }

  /** Refuses what the user running the store does not own; {@code what} names it. */
  private static void requireOwnedByMe(String what, PosixFileAttributes attributes, String why) {
    String me = System.getProperty("user.name");
    String owner = attributes.owner().getName();
    if (!owner.equals(me)) {
      throw new BackingStoreException(
          what + " is owned by " + owner + ", not by " + me + " who runs the store" + why);
    }
  }

  Path path() {
    return path;
  }

  Path segments() {
    return path.resolve("segments");
  }

  Path quarantine() {
    return path.resolve("quarantine");
  }

  /** Makes a create, rename or delete in {@code dir} durable. */
  static void syncDirectory(Path dir) throws IOException {
    try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
      channel.force(true);
    }
  }

  @Override
  public void close() {
    try {
      lock.release();
      lockChannel.close();
    } catch (IOException e) {
      // the lock goes with the process anyway
    }
  }
}
