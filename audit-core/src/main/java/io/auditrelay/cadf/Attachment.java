package io.auditrelay.cadf;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/**
 * Extra content attached to an event or resource. All three fields are required (pycadf).
 *
 * @param typeURI type of the content, for example {@code mime:application/json}
 * @param name name of the attachment
 * @param content a JSON value: a string, number, boolean, or a {@link java.util.List} or {@link
 *     java.util.Map} of such values, nested at most 32 levels
 */
// CadfWriter writes these fields in this order too: a field added here goes there as well.
@JsonPropertyOrder({"typeURI", "name", "content"})
public record Attachment(String typeURI, String name, Object content) {}
