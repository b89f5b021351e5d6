package io.auditrelay.store.file;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.HashSet;
import java.util.Set;

/**
 * The file-system operations the store's durability rests on: forcing a file, creating, renaming
 * and deleting one, and forcing a directory. Every such operation of the store goes through it, so
 * tests can inject fsync failures and simulate a power loss that reverts what was not forced.
 */
@FunctionalInterface
interface Disk {

  /** The real disk: {@code fdatasync} for a force. */
  Disk REAL = channel -> channel.force(false);

  /** Forces the data of {@code channel} to the device (fdatasync). */
  void force(FileChannel channel) throws IOException;

  /** Forces {@code channel}, open on {@code path}. */
  default void force(Path path, FileChannel channel) throws IOException {
    force(channel);
  }

  /** Creates (or, with {@code CREATE}, opens) {@code path} with mode 0600, never through a link. */
  default FileChannel create(Path path, Set<StandardOpenOption> options) throws IOException {
    Set<OpenOption> noLinks = new HashSet<>(options);
    noLinks.add(StoreDirectory.NOFOLLOW); // never write through a link planted in the store
    return FileChannel.open(path, noLinks, StoreDirectory.FILE_MODE);
  }

  /** Renames {@code from} over {@code to} atomically. */
  default void rename(Path from, Path to) throws IOException {
    Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }

  /**
   * Replaces the small file {@code name} in {@code directory} with {@code content}, durably and
   * atomically: written to {@code name.tmp}, forced, {@code beforeRename} run, renamed over {@code
   * name}, the directory forced. A crash leaves the old content or the new, never a mix.
   */
  default void replace(Path directory, String name, byte[] content, Runnable beforeRename)
      throws IOException {
    Path temporary = directory.resolve(name + ".tmp");
    try (FileChannel channel =
        create(
            temporary,
            java.util.EnumSet.of(
                java.nio.file.StandardOpenOption.CREATE,
                java.nio.file.StandardOpenOption.WRITE,
                java.nio.file.StandardOpenOption.TRUNCATE_EXISTING))) {
      java.nio.ByteBuffer buffer = java.nio.ByteBuffer.wrap(content);
      while (buffer.hasRemaining()) {
        channel.write(buffer);
      }
      force(temporary, channel);
    }
    beforeRename.run();
    rename(temporary, directory.resolve(name));
    syncDirectory(directory);
  }

  /** Deletes {@code path} if it exists. */
  default void delete(Path path) throws IOException {
    Files.deleteIfExists(path);
  }

  /** Makes the creates, renames and deletes in {@code directory} durable. */
  default void syncDirectory(Path directory) throws IOException {
    StoreDirectory.syncDirectory(directory);
  }

  /**
   * This disk for a store with {@code fsync=never}: forces of files and directories do nothing,
   * everything else is delegated. The one place that policy switches syncing off.
   */
  default Disk withoutSync() {
    Disk delegate = this;
    return new Disk() {
      @Override
      public void force(FileChannel channel) {}

      @Override
      public void force(Path path, FileChannel channel) {}

      @Override
      public FileChannel create(Path path, Set<StandardOpenOption> options) throws IOException {
        return delegate.create(path, options);
      }

      @Override
      public void rename(Path from, Path to) throws IOException {
        delegate.rename(from, to);
      }

      @Override
      public void delete(Path path) throws IOException {
        delegate.delete(path);
      }

      @Override
      public void syncDirectory(Path directory) {}
    };
  }
}
