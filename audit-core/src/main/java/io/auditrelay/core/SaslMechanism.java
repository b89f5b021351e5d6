package io.auditrelay.core;

/** How the Auditor's own connection authenticates to the broker. */
public enum SaslMechanism {

  /** User name and password ({@code PLAIN}); the default. */
  PLAIN,

  /**
   * The client certificate of the TLS connection ({@code EXTERNAL}); the broker maps it to a user
   * (RabbitMQ: the {@code rabbitmq_auth_mechanism_ssl} plugin). Needs TLS with a key store.
   */
  EXTERNAL
}
