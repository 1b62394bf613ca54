package dev.registryoperator.common;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Clock;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records core/v1 Events on custom resources, aggregated like client-go's recorder: the same reason
 * and message on the same object bump {@code count} instead of adding a new Event. Failing to
 * record an event never fails a reconcile.
 */
public class EventRecorder {
  public enum Type {
    Normal,
    Warning
  }

  private static final Logger LOG = LoggerFactory.getLogger(EventRecorder.class);
  private static final String COMPONENT = "registry-operator";

  private final KubernetesClient client;
  private final Clock clock;

  public EventRecorder(KubernetesClient client, Clock clock) {
    this.client = client;
    this.clock = clock;
  }

  public void normal(HasMetadata object, Enum<?> reason, String message) {
    record(object, Type.Normal, reason.name(), message);
  }

  public void warning(HasMetadata object, Enum<?> reason, String message) {
    record(object, Type.Warning, reason.name(), message);
  }

  /** Longest Event name the API accepts (a DNS subdomain). */
  static final int MAX_NAME = 253;

  /**
   * {@code <kind>.<name>.<hash>}, lower case: the kind keeps a Registry and a GcSchedule of the
   * same name apart; a long name is cut so the whole stays within {@link #MAX_NAME}.
   */
  static String eventName(String kind, String name, String content) {
    String hash = Integer.toHexString(content.hashCode());
    String prefix = (kind == null ? "object" : kind).toLowerCase(Locale.ROOT) + ".";
    int room = MAX_NAME - prefix.length() - 1 - hash.length();
    String cut = name.length() > room ? name.substring(0, room) : name;
    return (prefix + cut + "." + hash).toLowerCase(Locale.ROOT).replace("..", ".");
  }

  private void record(HasMetadata object, Type type, String reason, String message) {
    var meta = object.getMetadata();
    String namespace = meta.getNamespace();
    String name = eventName(object.getKind(), meta.getName(), type + reason + message);
    String now = Conditions.format(clock.instant());
    try {
      var events = client.v1().events().inNamespace(namespace);
      Event existing = events.withName(name).get();
      if (existing != null) {
        existing.setCount(existing.getCount() == null ? 2 : existing.getCount() + 1);
        existing.setLastTimestamp(now);
        events.resource(existing).update();
        return;
      }
      events
          .resource(
              new EventBuilder()
                  .withNewMetadata()
                  .withName(name)
                  .withNamespace(namespace)
                  .addToLabels(Labels.MANAGED_BY, Labels.MANAGER)
                  .endMetadata()
                  .withInvolvedObject(
                      new ObjectReferenceBuilder()
                          .withApiVersion(object.getApiVersion())
                          .withKind(object.getKind())
                          .withName(meta.getName())
                          .withNamespace(namespace)
                          .withUid(meta.getUid())
                          .withResourceVersion(meta.getResourceVersion())
                          .build())
                  .withType(type.name())
                  .withReason(reason)
                  .withMessage(message)
                  .withCount(1)
                  .withFirstTimestamp(now)
                  .withLastTimestamp(now)
                  .withNewSource()
                  .withComponent(COMPONENT)
                  .endSource()
                  .withReportingComponent(COMPONENT)
                  .build())
          .create();
    } catch (KubernetesClientException e) {
      LOG.warn(
          "Could not record event {} on {}/{}: {}",
          reason,
          namespace,
          meta.getName(),
          e.getMessage());
    }
  }
}
