/** The sample service: projects whose every change is audited. */
@NullMarked
package io.auditrelay.sample;

import org.jspecify.annotations.NullMarked;
