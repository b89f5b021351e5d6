/** Masking of secrets (passwords, keys, credentials in URLs) before a value reaches a message. */
@NullMarked
package io.auditrelay.secrets;

import org.jspecify.annotations.NullMarked;
