package io.auditrelay.store.file;

/** When the file store forces written records to the disk. */
public enum FsyncPolicy {
  /** An append returns after an fsync that covers it; concurrent appends share one fsync. */
  ALWAYS,
  /** A background fsync every {@code fsync_interval_ms}; an append returns after the next one. */
  INTERVAL,
  /** Never: the page cache only. Survives a crash of the process, not of the machine. */
  NEVER
}
