/** CADF (DMTF DSP0262) event model, validation and the byte format. */
@NullMarked
package io.auditrelay.cadf;

import org.jspecify.annotations.NullMarked;
