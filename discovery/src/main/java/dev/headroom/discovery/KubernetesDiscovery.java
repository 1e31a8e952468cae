package dev.headroom.discovery;

import dev.headroom.core.Checks;
import dev.headroom.core.discovery.DiscoverySource;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ExceptionHandler;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.util.Objects;

/**
 * Members from the {@code discovery.k8s.io/v1} EndpointSlices of a Kubernetes Service, watched with a fabric8
 * informer (one list, then a watch; no polling). The slices are those labelled
 * {@code kubernetes.io/service-name=<service>} in the namespace. Each endpoint is one member at its first address
 * and the port named {@link Builder#portName(String) portName} (without one: the slice's only port); its id is the
 * pod's name ({@code targetRef.name}), or {@code ip:port} for an endpoint without a pod, and its labels are
 * {@code zone}, {@code node} and {@code hostname} where set. A pod in two slices (IPv4 and IPv6) is one member.
 * Its conditions decide, as the table shows (an unset {@code ready} reads as true, an unset {@code terminating} as
 * false, as the API says).
 *
 * <pre>{@code
 * DiscoverySource ollama = KubernetesDiscovery.builder()
 *     .client(new KubernetesClientBuilder().build())   // yours; close() leaves it open
 *     .namespace("ai")                                 // default: the client's namespace
 *     .service("ollama")
 *     .portName("http")                                // needed when the Service has more than one port
 *     .build();
 * }</pre>
 *
 * <table>
 *   <caption>endpoint conditions</caption>
 *   <tr><th>ready</th><th>serving</th><th>terminating</th><th>member</th></tr>
 *   <tr><td>true</td><td>any</td><td>false</td><td>serving</td></tr>
 *   <tr><td>any</td><td>any</td><td>true</td><td>not serving: drained, then removed when the endpoint goes</td></tr>
 *   <tr><td>false</td><td>any</td><td>false</td><td>none (not ready yet, or failing its readiness probe)</td></tr>
 * </table>
 *
 * <p>The listener hears the whole set once the first list has arrived (an empty set if the Service has no
 * endpoints: the API server says so), then after every change that alters it. A deleted slice takes its members
 * with it. Errors of the list or the watch (API server unreachable, forbidden) go to {@code Listener.onError}; the
 * informer retries and the last good set stands meanwhile. Calls come from the informer's thread.
 *
 * <p>Needs {@code io.fabric8:kubernetes-client} on the class path (an optional dependency of this module; with
 * {@code kubernetes-httpclient-jdk} it uses the JDK's HttpClient). The client's service account needs {@code list}
 * and {@code watch} on {@code endpointslices.discovery.k8s.io} in the namespace.
 */
public final class KubernetesDiscovery implements DiscoverySource {
  /** The label the EndpointSlice controller puts on every slice of a Service. */
  static final String SERVICE_NAME_LABEL = "kubernetes.io/service-name";

  private final KubernetesClient client;
  private final String namespace;
  private final String service;
  private final String portName;
  private final String scheme;

  private final Object lock = new Object();
  private SharedIndexInformer<EndpointSlice> informer;
  private ChangeReporter reporter;
  private boolean synced;
  private boolean closed;

  private KubernetesDiscovery(Builder builder, String namespace) {
    this.client = builder.client;
    this.namespace = namespace;
    this.service = builder.service;
    this.portName = builder.portName;
    this.scheme = builder.scheme;
  }

  /** A builder; {@link Builder#client} and {@link Builder#service} are required. */
  public static Builder builder() {
    return new Builder();
  }

  /** {@code kubernetes}. */
  @Override
  public String name() {
    return "kubernetes";
  }

  /** Starts the informer and returns at once; the first set comes when the first list has arrived. */
  @Override
  public void start(Listener listener) {
    Objects.requireNonNull(listener, "listener");
    synchronized (lock) {
      if (informer != null || closed) {
        throw new IllegalStateException(closed ? "closed" : "already started");
      }
      reporter = new ChangeReporter("kubernetes " + namespace + "/" + service, listener);
      informer = client.discovery().v1().endpointSlices().inNamespace(namespace)
          .withLabel(SERVICE_NAME_LABEL, service).runnableInformer(0);
      informer.exceptionHandler((started, error) -> {
        reporter.error(error);
        return !ExceptionHandler.isDeserializationException(error); // retry, unless retrying cannot help
      });
      informer.addEventHandler(new ResourceEventHandler<EndpointSlice>() {
        @Override
        public void onAdd(EndpointSlice slice) {
          report();
        }

        @Override
        public void onUpdate(EndpointSlice before, EndpointSlice after) {
          report();
        }

        @Override
        public void onDelete(EndpointSlice slice, boolean finalStateUnknown) {
          report();
        }
      });
      informer.start().whenComplete((ignored, error) -> {
        if (error != null) {
          reporter.error(error);
          return;
        }
        synchronized (lock) {
          synced = true;
        }
        report();
      });
    }
  }

  /** Stops the informer (the client stays open: it is yours). */
  @Override
  public void close() {
    SharedIndexInformer<EndpointSlice> running;
    synchronized (lock) {
      closed = true;
      running = informer;
    }
    if (running != null) {
      running.close();
    }
  }

  /** Reads the informer's store and reports the members if they changed; the store only moves forward. */
  private void report() {
    synchronized (lock) {
      if (!synced || closed) {
        return; // before the first list has completed the store is partial
      }
      reporter.members(EndpointSliceMembers.of(informer.getStore().list(), portName, scheme));
    }
  }

  @Override
  public String toString() {
    return "KubernetesDiscovery{" + namespace + "/" + service + (portName == null ? "" : " port " + portName) + ", "
        + scheme + '}';
  }

  /** Settings of a {@link KubernetesDiscovery}; {@link #build()} checks them and makes an immutable source. */
  public static final class Builder {
    private KubernetesClient client;
    private String namespace;
    private String service;
    private String portName;
    private String scheme = "http";

    private Builder() {}

    /** The client to watch with; required. Closing the source leaves it open. */
    public Builder client(KubernetesClient value) {
      this.client = value;
      return this;
    }

    /** The Service's namespace; default the client's namespace. */
    public Builder namespace(String value) {
      this.namespace = value;
      return this;
    }

    /** The Service's name; required. */
    public Builder service(String value) {
      this.service = value;
      return this;
    }

    /** The name of the Service port the members are reached on; needed when the Service has more than one. */
    public Builder portName(String value) {
      this.portName = value;
      return this;
    }

    /** The members' URI scheme; default {@code http}. */
    public Builder scheme(String value) {
      this.scheme = value;
      return this;
    }

    /** Checks the settings and builds the source (it does nothing until started). */
    public KubernetesDiscovery build() {
      Checks checks = Checks.in("kubernetes discovery" + (service == null ? "" : " '" + service + "'"));
      checks.required("client", client);
      checks.nonBlank("service", service);
      String ns = namespace != null ? namespace : client.getNamespace();
      checks.nonBlank("namespace", ns);
      if (portName != null) {
        checks.nonBlank("portName", portName);
      }
      checks.nonBlank("scheme", scheme);
      if (!scheme.matches("[A-Za-z][A-Za-z0-9+.-]*")) {
        throw checks.invalid("scheme", "'" + scheme + "'", "must be a URI scheme");
      }
      return new KubernetesDiscovery(this, ns);
    }
  }
}
