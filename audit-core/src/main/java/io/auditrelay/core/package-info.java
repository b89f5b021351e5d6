/**
 * The {@link io.auditrelay.core.Auditor}: records CADF events without waiting, delivers them to
 * RabbitMQ with publisher confirms, and buffers them in a backing store while the broker cannot
 * take them. Only the API types are public; the pipeline is package-private.
 */
@NullMarked
package io.auditrelay.core;

import org.jspecify.annotations.NullMarked;
