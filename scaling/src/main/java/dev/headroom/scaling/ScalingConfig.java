package dev.headroom.scaling;

import dev.headroom.core.Checks;
import dev.headroom.core.ConfigException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * A set of scaling rules, vetoes, schedules and decisions, with the replica bounds of the services they scale and
 * the interval at which a {@link ScalingAdvisor} samples them.
 * Immutable. Build one in code with {@link #builder()} or load one from a file with {@link #load(Path)}; the file
 * format is described in {@code docs/scaling.md} and examples ship in {@code docs/scaling/}.
 *
 * <p>Loading needs Jackson 2 on the classpath ({@code com.fasterxml.jackson.core:jackson-databind}, plus
 * {@code com.fasterxml.jackson.dataformat:jackson-dataformat-yaml} for YAML). Headroom declares both as optional
 * dependencies; without them the load methods throw a {@link ConfigException} naming the missing artifact.
 */
public final class ScalingConfig {
  /** The default sample interval: 10 seconds. */
  public static final Duration DEFAULT_SAMPLE_INTERVAL = Duration.ofSeconds(10);

  private final List<ScalingRule> rules;
  private final List<VetoRule> vetoes;
  private final List<ScalingSchedule> schedules;
  private final List<ScalingDecision> decisions;
  private final Map<String, ServiceBounds> services;
  private final Duration sampleInterval;
  private final ZoneId zone;

  private ScalingConfig(Builder b) {
    this.rules = List.copyOf(b.rules);
    this.vetoes = List.copyOf(b.vetoes);
    this.schedules = List.copyOf(b.schedules);
    this.decisions = List.copyOf(b.decisions);
    this.services = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(b.services));
    this.sampleInterval = b.sampleInterval;
    this.zone = b.zone;
  }

  /** An empty builder. */
  public static Builder builder() {
    return new Builder();
  }

  /** Loads a YAML ({@code .yaml}, {@code .yml}) or JSON ({@code .json}) file, chosen by its extension. */
  public static ScalingConfig load(Path file) {
    String name = file.getFileName().toString().toLowerCase(java.util.Locale.ROOT);
    if (name.endsWith(".json")) {
      return ScalingConfigFiles.read(file, ScalingConfigFiles.Format.JSON);
    }
    if (name.endsWith(".yaml") || name.endsWith(".yml")) {
      return ScalingConfigFiles.read(file, ScalingConfigFiles.Format.YAML);
    }
    throw new ConfigException("scaling config file", file, "must end in .yaml, .yml or .json");
  }

  /** Parses YAML text. */
  public static ScalingConfig fromYaml(String yaml) {
    return ScalingConfigFiles.parse(yaml, "(YAML text)", ScalingConfigFiles.Format.YAML);
  }

  /** Parses JSON text. */
  public static ScalingConfig fromJson(String json) {
    return ScalingConfigFiles.parse(json, "(JSON text)", ScalingConfigFiles.Format.JSON);
  }

  /** The scaling rules, in the order given. */
  public List<ScalingRule> rules() {
    return rules;
  }

  /** The vetoes. */
  public List<VetoRule> vetoes() {
    return vetoes;
  }

  /** The schedules. */
  public List<ScalingSchedule> schedules() {
    return schedules;
  }

  /** The decisions (rows of decision matrices), in the order given. */
  public List<ScalingDecision> decisions() {
    return decisions;
  }

  /** The replica bounds by service name, in the order given. */
  public Map<String, ServiceBounds> services() {
    return services;
  }

  /** The replica bounds of {@code service}, if configured. */
  public Optional<ServiceBounds> bounds(String service) {
    return Optional.ofNullable(services.get(service));
  }

  /** How often the advisor samples the meters. */
  public Duration sampleInterval() {
    return sampleInterval;
  }

  /** The default zone of the schedules, if set. */
  public Optional<ZoneId> zone() {
    return Optional.ofNullable(zone);
  }

  /** The rule named {@code name}, if any. */
  public Optional<ScalingRule> rule(String name) {
    return rules.stream().filter(r -> r.name().equals(name)).findFirst();
  }

  @Override
  public String toString() {
    return "ScalingConfig{rules=" + rules.size() + ", vetoes=" + vetoes.size() + ", schedules=" + schedules.size()
        + (decisions.isEmpty() ? "" : ", decisions=" + decisions.size())
        + (services.isEmpty() ? "" : ", services=" + services.keySet()) + ", sampleInterval=" + sampleInterval + '}';
  }

  /** Builds a {@link ScalingConfig}. */
  public static final class Builder {
    private final List<ScalingRule> rules = new ArrayList<>();
    private final List<VetoRule> vetoes = new ArrayList<>();
    private final List<ScalingSchedule> schedules = new ArrayList<>();
    private final List<ScalingDecision> decisions = new ArrayList<>();
    private final Map<String, ServiceBounds> services = new LinkedHashMap<>();
    private Duration sampleInterval = DEFAULT_SAMPLE_INTERVAL;
    private ZoneId zone;

    private Builder() {}

    /** Adds a scaling rule. */
    public Builder rule(ScalingRule value) {
      rules.add(Objects.requireNonNull(value, "rule"));
      return this;
    }

    /** Adds a veto. */
    public Builder veto(VetoRule value) {
      vetoes.add(Objects.requireNonNull(value, "veto"));
      return this;
    }

    /** Adds a schedule. */
    public Builder schedule(ScalingSchedule value) {
      schedules.add(Objects.requireNonNull(value, "schedule"));
      return this;
    }

    /** Adds a decision: a row of a service's decision matrix. */
    public Builder decision(ScalingDecision value) {
      decisions.add(Objects.requireNonNull(value, "decision"));
      return this;
    }

    /** Sets a service's replica bounds and steps. */
    public Builder service(ServiceBounds value) {
      Objects.requireNonNull(value, "service");
      if (services.putIfAbsent(value.service(), value) != null) {
        throw new ConfigException("service", value.service(), "is given bounds twice");
      }
      return this;
    }

    /** How often to sample; default 10 s. */
    public Builder sampleInterval(Duration value) {
      this.sampleInterval = value;
      return this;
    }

    /** The zone of schedules that name none; default the advisor's zone. */
    public Builder zone(ZoneId value) {
      this.zone = Objects.requireNonNull(value, "zone");
      return this;
    }

    /**
     * Validates (names unique across rules, vetoes, schedules and decisions; a decision's rules exist and its
     * {@code when} rules scale its service; a schedule's replicas within its service's bounds) and builds.
     */
    public ScalingConfig build() {
      Checks.plain().positive("sampleInterval", sampleInterval);
      Set<String> names = new HashSet<>();
      List<String> all = new ArrayList<>();
      rules.forEach(r -> all.add(r.name()));
      vetoes.forEach(v -> all.add(v.name()));
      schedules.forEach(s -> all.add(s.name()));
      decisions.forEach(d -> all.add(d.name()));
      for (String name : all) {
        if (!names.add(name)) {
          throw new ConfigException("rule name", name, "must be unique among rules, vetoes, schedules and decisions");
        }
      }
      Map<String, ScalingRule> byName = new LinkedHashMap<>();
      rules.forEach(r -> byName.put(r.name(), r));
      for (ScalingDecision d : decisions) {
        Checks checks = Checks.in("decision '" + d.name() + "'");
        for (String rule : d.when()) {
          ScalingRule r = byName.get(rule);
          if (r == null) {
            throw checks.invalid("when", rule, "must name a rule of this config " + byName.keySet());
          }
          if (!r.service().equals(d.service())) {
            throw checks.invalid("when", rule, "must scale the decision's service '" + d.service() + "' but scales '"
                + r.service() + "'");
          }
        }
        for (String rule : d.unless()) {
          if (!byName.containsKey(rule)) {
            throw checks.invalid("unless", rule, "must name a rule of this config " + byName.keySet());
          }
        }
      }
      for (ScalingSchedule s : schedules) {
        ServiceBounds bounds = services.get(s.service());
        if (bounds != null && bounds.clamp(s.replicas()) != s.replicas()) {
          throw Checks.in("schedule '" + s.name() + "'").invalid("replicas", s.replicas(),
              "must be within the bounds of service '" + s.service() + "' [" + bounds.min() + ", " + bounds.max()
                  + "]");
        }
      }
      return new ScalingConfig(this);
    }
  }
}
