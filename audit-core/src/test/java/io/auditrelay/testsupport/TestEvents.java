package io.auditrelay.testsupport;

import io.auditrelay.cadf.Actions;
import io.auditrelay.cadf.CadfEvent;
import io.auditrelay.cadf.CadfJson;
import io.auditrelay.cadf.Outcome;
import io.auditrelay.cadf.Resource;
import io.auditrelay.cadf.ResourceTypes;

/**
 * The events of the pipeline and fault tests: each names its producer and its number in tags
 * ({@code producer?value=<p>}, {@code n?value=<n>}), so that an event read back from the queue
 * tells who recorded it and in which order.
 */
public final class TestEvents {

  private static final String PRODUCER = "producer?value=";
  private static final String N = "n?value=";

  private TestEvents() {}

  /** Event number {@code n} of {@code producer}. */
  public static CadfEvent event(String producer, int n) {
    return CadfEvent.builder()
        .action(Actions.UPDATE)
        .outcome(Outcome.SUCCESS)
        .initiator(
            Resource.builder("user-" + producer, ResourceTypes.SERVICE_SECURITY_ACCOUNT_USER)
                .projectId("p-1")
                .build())
        .target(Resource.of("thing-" + n, ResourceTypes.DATA))
        .tag(PRODUCER + producer)
        .tag(N + n)
        .build();
  }

  /** Event number {@code n} of producer number {@code producer}. */
  public static CadfEvent event(int producer, int n) {
    return event(Integer.toString(producer), n);
  }

  /** The key {@code <producer>/<n>} of an event built here. */
  public static String key(String producer, int n) {
    return producer + "/" + n;
  }

  /** The key of an event built here, read from its tags. */
  public static String key(CadfEvent event) {
    return key(producer(event), n(event));
  }

  /** The key of a delivered message carrying an event built here. */
  public static String key(byte[] body) {
    return key(CadfJson.read(body));
  }

  /** The producer of an event built here. */
  public static String producer(CadfEvent event) {
    return tag(event, PRODUCER);
  }

  /** The number of an event built here. */
  public static int n(CadfEvent event) {
    return Integer.parseInt(tag(event, N));
  }

  private static String tag(CadfEvent event, String prefix) {
    return event.tags().stream()
        .filter(t -> t.startsWith(prefix))
        .findFirst()
        .map(t -> t.substring(prefix.length()))
        .orElseThrow(() -> new AssertionError("not a test event: " + event.tags()));
  }
}
