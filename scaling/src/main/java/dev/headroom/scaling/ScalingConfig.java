package dev.headroom.scaling;

import dev.headroom.core.Checks;
import dev.headroom.core.ConfigException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * A set of scaling rules, vetoes and schedules, with the interval at which a {@link ScalingAdvisor} samples them.
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
  private final Duration sampleInterval;
  private final ZoneId zone;

  private ScalingConfig(Builder b) {
    this.rules = List.copyOf(b.rules);
    this.vetoes = List.copyOf(b.vetoes);
    this.schedules = List.copyOf(b.schedules);
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
        + ", sampleInterval=" + sampleInterval + '}';
  }

  /** Builds a {@link ScalingConfig}. */
  public static final class Builder {
    private final List<ScalingRule> rules = new ArrayList<>();
    private final List<VetoRule> vetoes = new ArrayList<>();
    private final List<ScalingSchedule> schedules = new ArrayList<>();
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

    /** Validates (names unique across rules, vetoes and schedules) and builds. */
    public ScalingConfig build() {
      Checks.plain().positive("sampleInterval", sampleInterval);
      Set<String> names = new HashSet<>();
      List<String> all = new ArrayList<>();
      rules.forEach(r -> all.add(r.name()));
      vetoes.forEach(v -> all.add(v.name()));
      schedules.forEach(s -> all.add(s.name()));
      for (String name : all) {
        if (!names.add(name)) {
          throw new ConfigException("rule name", name, "must be unique among rules, vetoes and schedules");
        }
      }
      return new ScalingConfig(this);
    }
  }
}
