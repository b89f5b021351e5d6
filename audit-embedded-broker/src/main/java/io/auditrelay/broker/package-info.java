/** An AMQP 0-9-1 broker in the JVM, for the sample and for tests without RabbitMQ. */
@NullMarked
package io.auditrelay.broker;

import org.jspecify.annotations.NullMarked;
