package io.auditrelay.core;

/** The body of a published message. */
public enum MessageFormat {
  /** The plain CADF event, as audittools and the Hermes pipeline expect. The default. */
  CADF,
  /** An oslo.messaging notification with the event as {@code payload}, sent bare. */
  OSLO_V1,
  /**
   * The oslo.messaging notification wrapped as {@code {"oslo.version":"2.0","oslo.message":"..."}}.
   */
  OSLO_V2
}
