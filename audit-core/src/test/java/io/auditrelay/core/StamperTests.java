package io.auditrelay.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.auditrelay.cadf.Attachment;
import io.auditrelay.cadf.CadfEvent;
import io.auditrelay.cadf.CadfJson;
import io.auditrelay.cadf.Reporterstep;
import io.auditrelay.cadf.Resource;
import io.auditrelay.integrity.Integrity;
import io.auditrelay.integrity.IntegrityStamp;
import io.auditrelay.integrity.SigningKey;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

class StamperTests {

  private final Stamper stamper =
      new Stamper(
          Integrity.builder("billing@pod-1").signingKey(SigningKey.generate()).build(),
          Resource.of("service-1", "service"),
          Clock.systemUTC(),
          new WireFormat(MessageFormat.CADF, "audit-relay", "audit.http.request"));

  @Test
  void theSplicedPlaceholderIsWhatSerializingTheStampedEventWrites() {
    List<UnaryOperator<CadfEvent.Builder>> shapes =
        List.of(
            b -> b.attachments(null),
            b -> b.attachments(List.of()),
            b -> b.attachments(List.of(new Attachment("text/plain", "note", "a ] } , [ {"))),
            b ->
                b.attachments(
                    List.of(
                        new Attachment("application/json", "a", Map.of("x", List.of(1, 2))),
                        new Attachment("text/plain", "b", "c"))),
            b -> b.tags(List.of("t1")).attachments(null),
            b -> b.requestPath("/orders/1"),
            b ->
                b.reporterchain(
                    List.of(
                        new Reporterstep("modifier", Resource.of("r", "service"), null, null))));
    for (int i = 0; i < shapes.size(); i++) {
      CadfEvent event =
          shapes
              .get(i)
              .apply(
                  AuditorIntegrationTests.event(0, i)
                      .withDefaults(Clock.systemUTC(), Resource.of("service-1", "service"))
                      .toBuilder())
              .build();
      Stamper.Placed placed = stamper.place(event);
      assertThat(new String(placed.cadf()))
          .as("shape %d", i)
          .isEqualTo(new String(CadfJson.write(stamper.withPlaceholder(event))));
      assertThat(placed.slot()).as("shape %d", i).isEqualTo(stamper.slot(placed.cadf()));
      // Stamped, it is a readable event whose last attachment is the stamp.
      Pending pending =
          new Pending(
              new io.auditrelay.store.SerializedEvent(event.id(), placed.cadf()),
              new DeliveryFuture(event.id(), f -> {}),
              placed.cadf(),
              placed.slot());
      stamper.stamp(pending);
      assertThat(IntegrityStamp.locate(pending.cadf()).orElseThrow().stamp().seq()).isEqualTo(i);
      CadfEvent read = CadfJson.read(pending.cadf());
      assertThat(read.attachments().get(read.attachments().size() - 1).typeURI())
          .isEqualTo(IntegrityStamp.TYPE_URI);
    }
  }
}
