/** Spring Security's authentication and authorization events as CADF events. */
@NullMarked
package io.auditrelay.boot.security;

import org.jspecify.annotations.NullMarked;
