package io.auditrelay.core;

import static io.micrometer.observation.tck.TestObservationRegistryAssert.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import io.auditrelay.cadf.CadfEvent;
import io.auditrelay.cadf.CadfJson;
import io.auditrelay.testsupport.QueueReader.Delivered;
import io.auditrelay.testsupport.TcpProxy;
import io.auditrelay.testsupport.TestEvents;
import io.micrometer.observation.ObservationHandler;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.observation.tck.TestObservationRegistry;
import io.micrometer.tracing.Span;
import io.micrometer.tracing.Tracer;
import io.micrometer.tracing.handler.DefaultTracingObservationHandler;
import io.micrometer.tracing.handler.PropagatingReceiverTracingObservationHandler;
import io.micrometer.tracing.handler.PropagatingSenderTracingObservationHandler;
import io.micrometer.tracing.otel.bridge.OtelBaggageManager;
import io.micrometer.tracing.otel.bridge.OtelCurrentTraceContext;
import io.micrometer.tracing.otel.bridge.OtelPropagator;
import io.micrometer.tracing.otel.bridge.OtelTracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Observations around {@code record()} and each publish, and a trace that follows an event through
 * the store to the message a consumer receives. Fails on the code before: there was no observation,
 * no header, and an event drained after an outage had lost every link to its request.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class TracingTests extends BrokerTestSupport {

  /** The request that records: a remote parent with a trace state, as an HTTP server sees it. */
  private static final String TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";

  private static final Map<String, String> INCOMING =
      Map.of("traceparent", "00-" + TRACE_ID + "-00f067aa0ba902b7-01", "tracestate", "vendor=blue");

  private final InMemorySpanExporter spans = InMemorySpanExporter.create();
  private final SdkTracerProvider provider =
      SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(spans)).build();

  @AfterEach
  void closeTracer() {
    provider.close();
  }

  @Test
  void recordAndPublishAreObserved() {
    TestObservationRegistry observations = TestObservationRegistry.create();
    Auditor auditor =
        closeLater(auditor(broker.uri()).observationRegistry(observations).name("traced").build());

    auditor.record(TestEvents.event(0, 0)).orTimeout(60, TimeUnit.SECONDS).join();

    assertThat(observations)
        .hasObservationWithNameEqualTo("audit.record")
        .that()
        .hasBeenStarted()
        .hasBeenStopped()
        .hasLowCardinalityKeyValue("auditor", "traced")
        .hasLowCardinalityKeyValue("store", "memory");
    assertThat(observations)
        .hasObservationWithNameEqualTo("audit.publish")
        .that()
        .hasBeenStopped()
        .hasHighCardinalityKeyValue("events", "1");
  }

  @Test
  void anEventDrainedAfterAnOutageCarriesTheTraceOfTheRequestThatRecordedIt() {
    io.opentelemetry.api.trace.Tracer otel = provider.get("audit-tests");
    OtelCurrentTraceContext current = new OtelCurrentTraceContext();
    Tracer tracer =
        new OtelTracer(
            otel, current, event -> {}, new OtelBaggageManager(current, List.of(), List.of()));
    OtelPropagator propagator =
        new OtelPropagator(
            ContextPropagators.create(W3CTraceContextPropagator.getInstance()), otel);
    ObservationRegistry observations = ObservationRegistry.create();
    observations
        .observationConfig()
        .observationHandler(
            new ObservationHandler.FirstMatchingCompositeObservationHandler(
                new PropagatingSenderTracingObservationHandler<>(tracer, propagator),
                new PropagatingReceiverTracingObservationHandler<>(tracer, propagator),
                new DefaultTracingObservationHandler(tracer)));
    TcpProxy proxy = closeLater(TcpProxy.refusingTo(broker));
    Auditor auditor =
        closeLater(auditor(broker.via(proxy).uri()).observationRegistry(observations).build());

    // The broker is away: the event waits in the store, its request long finished.
    Span request = propagator.extract(INCOMING, Map::get).name("POST /projects").start();
    AuditFuture recorded;
    try (Tracer.SpanInScope scope = tracer.withSpan(request)) {
      recorded = auditor.record(TestEvents.event(0, 0));
      recorded.orTimeout(60, TimeUnit.SECONDS).join(); // durable in the store
    } finally {
      request.end();
    }
    assertThat(count("audit.events.stored")).isEqualTo(1);
    proxy.restore();

    Delivered delivered = reader.awaitAtLeast(1, Duration.ofSeconds(60)).get(0);
    SpanData record =
        spans.getFinishedSpanItems().stream()
            .filter(s -> s.getName().equals("audit record"))
            .findFirst()
            .orElseThrow();
    assertThat(record.getTraceId()).isEqualTo(TRACE_ID);
    assertThat(record.getParentSpanId()).isEqualTo(request.context().spanId());
    assertThat(delivered.headers())
        .containsEntry("traceparent", "00-" + TRACE_ID + "-" + record.getSpanId() + "-01")
        .containsEntry("tracestate", "vendor=blue");
    CadfEvent event = CadfJson.read(delivered.body());
    assertThat(event.id()).isEqualTo(recorded.eventId());
    assertThat(event.initiator().globalRequestId())
        .isEqualTo("req-4bf92f35-77b3-4da6-a3ce-929d0e0e4736");
    assertThat(spans.getFinishedSpanItems())
        .extracting(SpanData::getName)
        .contains("audit publish");
  }
}
