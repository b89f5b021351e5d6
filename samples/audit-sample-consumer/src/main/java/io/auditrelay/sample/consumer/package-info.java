/** A sample consumer that archives a queue's audit events and proves the archive on request. */
@NullMarked
package io.auditrelay.sample.consumer;

import org.jspecify.annotations.NullMarked;
