package dev.headroom.core;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * An immutable description of one backend: an Ollama server, an NPU worker, a Chromium host, a database replica.
 * Its live numbers (in-flight, latency, health) live in {@link EndpointState}.
 *
 * @param id unique within a pool; used in metrics tags and errors
 * @param uri where it is (any scheme: http, ws, jdbc, or an opaque id such as {@code local:chromium-1})
 * @param weight relative capacity, > 0; a weight-2 endpoint is treated as twice as fast as a weight-1 one
 * @param maxConcurrency the most leases it may hold at once, >= 1 (e.g. {@code OLLAMA_NUM_PARALLEL})
 * @param labels free-form attributes used by {@link Selector}s, e.g. {@code device=NPU}, {@code zone=a}
 */
public record Endpoint(String id, URI uri, double weight, int maxConcurrency, Map<String, String> labels) {

  /** Validates and copies. */
  public Endpoint {
    Checks.plain().nonBlank("endpoint id", id);
    Objects.requireNonNull(uri, "uri");
    Checks checks = Checks.in("endpoint '" + id + "'");
    checks.positive("weight", weight);
    checks.atLeast("maxConcurrency", maxConcurrency, 1);
    labels = Map.copyOf(labels);
  }

  /** An endpoint with weight 1, the given concurrency limit and no labels. */
  public static Endpoint of(String id, URI uri, int maxConcurrency) {
    return new Endpoint(id, uri, 1.0, maxConcurrency, Map.of());
  }

  /** A builder for an endpoint with the given id; the URI defaults to {@code endpoint:<id>}. */
  public static Builder builder(String id) {
    return new Builder(id);
  }

  /** The value of a label, if set. */
  public Optional<String> label(String key) {
    return Optional.ofNullable(labels.get(key));
  }

  /** A builder pre-filled with this endpoint's values. */
  public Builder toBuilder() {
    Builder builder = new Builder(id).uri(uri).weight(weight).maxConcurrency(maxConcurrency);
    builder.labels.putAll(labels);
    return builder;
  }

  /** Builds an {@link Endpoint}; {@link #build()} validates. */
  public static final class Builder {
    private final String id;
    private URI uri;
    private double weight = 1.0;
    private int maxConcurrency = 1;
    private final Map<String, String> labels = new LinkedHashMap<>();

    private Builder(String id) {
      this.id = id;
    }

    /** Where the endpoint is. */
    public Builder uri(URI uri) {
      this.uri = Objects.requireNonNull(uri, "uri");
      return this;
    }

    /** Where the endpoint is, parsed with {@link URI#create(String)}. */
    public Builder uri(String uri) {
      return uri(URI.create(uri));
    }

    /** Relative capacity, default 1. */
    public Builder weight(double weight) {
      this.weight = weight;
      return this;
    }

    /** The most concurrent leases, default 1. */
    public Builder maxConcurrency(int maxConcurrency) {
      this.maxConcurrency = maxConcurrency;
      return this;
    }

    /** Adds a label. */
    public Builder label(String key, String value) {
      labels.put(Objects.requireNonNull(key, "label key"), Objects.requireNonNull(value, "label value"));
      return this;
    }

    /** Adds labels (a discovered member's, say). */
    public Builder labels(Map<String, String> values) {
      values.forEach(this::label);
      return this;
    }

    /** Validates and builds. */
    public Endpoint build() {
      URI where = uri != null ? uri : URI.create("endpoint:" + (id == null ? "" : id.replace(' ', '_')));
      return new Endpoint(id, where, weight, maxConcurrency, labels);
    }
  }
}
