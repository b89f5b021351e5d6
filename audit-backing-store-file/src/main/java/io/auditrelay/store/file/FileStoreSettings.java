package io.auditrelay.store.file;

import java.nio.file.Path;

/**
 * The params of one file store, as {@link FileBackingStoreFactory} validated them.
 *
 * @param directory the store's directory, absolute
 * @param maxFileSize bytes after which a segment is closed and a new one started
 * @param maxTotalSize bytes (records and their framing) that may wait for delivery
 * @param fsync when appends are forced to the device
 * @param preallocate whether every new segment is filled with zeros to {@code maxFileSize} when it
 *     is created, so appends only overwrite blocks already allocated (no file-size change to
 *     journal per fsync; a full disk shows at segment creation instead of in a record)
 * @param fsyncIntervalMillis the fsync cadence under {@link FsyncPolicy#INTERVAL}
 */
record FileStoreSettings(
    Path directory,
    long maxFileSize,
    long maxTotalSize,
    FsyncPolicy fsync,
    boolean preallocate,
    long fsyncIntervalMillis) {}
