package dev.headroom.scaling;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.headroom.core.ConfigException;
import java.time.DateTimeException;
import java.time.DayOfWeek;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Maps a Jackson tree onto the builders, naming every bad setting by its path ({@code rules[1].above.critical}).
 * The only class of headroom-scaling that links against Jackson; reached through {@link ScalingConfigFiles}.
 */
final class JacksonScalingConfigReader {
  private static final Set<String> TOP = Set.of("sampleInterval", "zone", "rules", "vetoes", "schedules",
      "decisions", "services");
  private static final Set<String> DECISION = Set.of("name", "service", "when", "unless", "action", "priority",
      "cooldown", "description");
  private static final Set<String> SERVICE = Set.of("minReplicas", "maxReplicas", "stepUp", "stepDown",
      "description");
  private static final Set<String> RULE = Set.of("name", "service", "metric", "above", "below", "for", "direction",
      "cooldown", "hysteresis", "description");
  private static final Set<String> VETO = Set.of("name", "services", "metric", "above", "below", "for",
      "hysteresis", "blocks", "description");
  private static final Set<String> SCHEDULE = Set.of("name", "service", "from", "to", "days", "zone", "scaleDownTo",
      "scaleUpTo", "description");
  private static final Set<String> METRIC = Set.of("gauge", "timer", "percentile", "rate", "ratio", "tags",
      "window", "aggregate");
  private static final Set<String> RATIO = Set.of("numerator", "denominator");
  private static final Set<String> QUERY = Set.of("name", "tags");
  private static final Set<String> LEVELS = Set.of("warning", "critical");

  private JacksonScalingConfigReader() {}

  static ScalingConfig parse(String text, String source, boolean yaml) {
    ObjectMapper mapper = yaml ? new ObjectMapper(new YAMLFactory()) : new ObjectMapper();
    JsonNode root;
    try {
      root = mapper.readTree(text);
    } catch (JsonProcessingException e) {
      throw new ConfigException("scaling config " + source, e.getLocation() == null ? "?" :
          "line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr(),
          "must be valid " + (yaml ? "YAML" : "JSON") + " (" + e.getOriginalMessage() + ")");
    }
    if (root == null || root.isMissingNode() || root.isNull()) {
      throw new ConfigException("scaling config " + source, "(empty)", "must contain rules, vetoes or schedules");
    }
    Obj top = new Obj(root, "", TOP);
    ScalingConfig.Builder config = ScalingConfig.builder();
    top.text("sampleInterval").ifPresent(t -> config.sampleInterval(UnitParser.duration("sampleInterval", t)));
    top.text("zone").ifPresent(t -> config.zone(zone("zone", t)));
    top.list("rules").forEach(node -> config.rule(rule(node)));
    top.list("vetoes").forEach(node -> config.veto(veto(node)));
    top.list("schedules").forEach(node -> config.schedule(schedule(node)));
    top.list("decisions").forEach(node -> config.decision(decision(node)));
    if (top.has("services")) {
      JsonNode services = top.node.get("services");
      if (!services.isObject()) {
        throw new ConfigException("services", services, "must be a mapping of service names to their bounds");
      }
      services.fields().forEachRemaining(e ->
          config.service(service(e.getKey(), new Obj(e.getValue(), "services." + e.getKey(), SERVICE))));
    }
    return config.build();
  }

  private static ScalingRule rule(Obj o) {
    ScalingRule.Builder b = ScalingRule.builder(o.required("name"));
    o.text("service").ifPresent(b::service);
    b.metric(metric(o.object("metric", METRIC)));
    boolean above = o.has("above");
    if (above == o.has("below")) {
      throw new ConfigException(o.path("above/below"), "(" + (above ? "both" : "neither") + ")",
          "must give exactly one of 'above' or 'below'");
    }
    String key = above ? "above" : "below";
    JsonNode levels = o.node.get(key);
    double warning;
    double critical = Double.NaN;
    if (levels.isObject()) {
      Obj l = new Obj(levels, o.path(key), LEVELS);
      warning = UnitParser.quantity(l.path("warning"), l.required("warning"));
      if (l.has("critical")) {
        critical = UnitParser.quantity(l.path("critical"), l.required("critical"));
      }
    } else {
      warning = UnitParser.quantity(o.path(key), o.required(key));
    }
    b.thresholds(above ? Comparison.ABOVE : Comparison.BELOW, warning, critical);
    o.text("for").ifPresent(t -> b.forDuration(UnitParser.duration(o.path("for"), t)));
    o.text("direction").ifPresent(t -> b.direction(direction(o.path("direction"), t)));
    o.text("cooldown").ifPresent(t -> b.cooldown(UnitParser.duration(o.path("cooldown"), t)));
    o.text("hysteresis").ifPresent(t -> b.hysteresis(UnitParser.quantity(o.path("hysteresis"), t)));
    return b.build();
  }

  private static VetoRule veto(Obj o) {
    VetoRule.Builder b = VetoRule.builder(o.required("name"));
    o.strings("services").forEach(b::services);
    b.metric(metric(o.object("metric", METRIC)));
    if (o.has("above") == o.has("below")) {
      throw new ConfigException(o.path("above/below"), "(" + (o.has("above") ? "both" : "neither") + ")",
          "must give exactly one of 'above' or 'below'");
    }
    if (o.has("above")) {
      b.above(UnitParser.quantity(o.path("above"), o.required("above")));
    } else {
      b.below(UnitParser.quantity(o.path("below"), o.required("below")));
    }
    o.text("for").ifPresent(t -> b.forDuration(UnitParser.duration(o.path("for"), t)));
    o.text("hysteresis").ifPresent(t -> b.hysteresis(UnitParser.quantity(o.path("hysteresis"), t)));
    o.text("blocks").ifPresent(t -> b.blocks(direction(o.path("blocks"), t)));
    return b.build();
  }

  private static ScalingSchedule schedule(Obj o) {
    ScalingSchedule.Builder b = ScalingSchedule.builder(o.required("name"));
    o.text("service").ifPresent(b::service);
    b.between(time(o.path("from"), o.required("from")), time(o.path("to"), o.required("to")));
    List<DayOfWeek> days = new ArrayList<>();
    for (String d : o.strings("days")) {
      days.add(day(o.path("days"), d));
    }
    b.days(days.toArray(DayOfWeek[]::new));
    o.text("zone").ifPresent(t -> b.zone(zone(o.path("zone"), t)));
    if (o.has("scaleDownTo") == o.has("scaleUpTo")) {
      throw new ConfigException(o.path("scaleDownTo/scaleUpTo"), "(" + (o.has("scaleUpTo") ? "both" : "neither") + ")",
          "must give exactly one of 'scaleDownTo' or 'scaleUpTo'");
    }
    if (o.has("scaleDownTo")) {
      b.scaleDownTo(o.integer("scaleDownTo"));
    } else {
      b.scaleUpTo(o.integer("scaleUpTo"));
    }
    return b.build();
  }

  private static ScalingDecision decision(Obj o) {
    ScalingDecision.Builder b = ScalingDecision.builder(o.required("name"));
    o.text("service").ifPresent(b::service);
    b.when(o.strings("when").toArray(String[]::new));
    b.unless(o.strings("unless").toArray(String[]::new));
    String action = o.required("action");
    try {
      b.action(ScalingDecision.Action.valueOf(action.trim().toUpperCase(Locale.ROOT)));
    } catch (IllegalArgumentException e) {
      throw new ConfigException(o.path("action"), action, "must be up, down or hold");
    }
    if (o.has("priority")) {
      b.priority(o.integer("priority"));
    }
    o.text("cooldown").ifPresent(t -> b.cooldown(UnitParser.duration(o.path("cooldown"), t)));
    return b.build();
  }

  private static ServiceBounds service(String name, Obj o) {
    ServiceBounds.Builder b = ServiceBounds.builder(name);
    b.replicas(o.has("minReplicas") ? o.integer("minReplicas") : 1,
        o.has("maxReplicas") ? o.integer("maxReplicas") : Integer.MAX_VALUE);
    o.text("stepUp").ifPresent(t -> {
      if (t.trim().endsWith("%")) {
        b.stepUpPercent(percent(o.path("stepUp"), t));
      } else {
        b.stepUp(o.integer("stepUp"));
      }
    });
    o.text("stepDown").ifPresent(t -> {
      if (t.trim().endsWith("%")) {
        b.stepDownPercent(percent(o.path("stepDown"), t));
      } else {
        b.stepDown(o.integer("stepDown"));
      }
    });
    return b.build();
  }

  private static int percent(String setting, String text) {
    try {
      return Integer.parseInt(text.trim().substring(0, text.trim().length() - 1).trim());
    } catch (NumberFormatException e) {
      throw new ConfigException(setting, text, "must be a whole number of replicas or a whole percentage such as 50%");
    }
  }

  private static MetricSource metric(Obj o) {
    List<String> kinds = new ArrayList<>();
    for (String k : List.of("gauge", "timer", "rate", "ratio")) {
      if (o.has(k)) {
        kinds.add(k);
      }
    }
    if (kinds.size() != 1) {
      throw new ConfigException(o.path("gauge/timer/rate/ratio"), kinds,
          "must give exactly one of gauge, timer (with percentile), rate or ratio");
    }
    String kind = kinds.get(0);
    if (!kind.equals("timer") && o.has("percentile")) {
      throw new ConfigException(o.path("percentile"), o.required("percentile"), "only applies to a timer");
    }
    if (!kind.equals("gauge") && o.has("aggregate")) {
      throw new ConfigException(o.path("aggregate"), o.required("aggregate"), "only applies to a gauge");
    }
    Map<String, String> tags = o.map("tags");
    java.time.Duration window = o.text("window").map(t -> UnitParser.duration(o.path("window"), t))
        .orElse(MetricSource.DEFAULT_WINDOW);
    switch (kind) {
      case "gauge": {
        MetricSource.Aggregation agg = o.text("aggregate")
            .map(t -> MetricSource.Aggregation.parse(o.path("aggregate"), t)).orElse(MetricSource.Aggregation.SUM);
        if (o.has("window")) {
          throw new ConfigException(o.path("window"), o.required("window"), "does not apply to a gauge");
        }
        return new MetricSource.GaugeValue(new MeterQuery(o.required("gauge"), tags), agg);
      }
      case "timer": {
        double p = UnitParser.quantity(o.path("percentile"), o.required("percentile"));
        return new MetricSource.Percentile(new MeterQuery(o.required("timer"), tags), p > 1 ? p / 100 : p, window);
      }
      case "rate":
        return new MetricSource.Rate(new MeterQuery(o.required("rate"), tags), window);
      default: {
        if (!tags.isEmpty()) {
          throw new ConfigException(o.path("tags"), tags, "goes inside numerator and denominator of a ratio");
        }
        Obj ratio = o.object("ratio", RATIO);
        return new MetricSource.Ratio(query(ratio.object("numerator", QUERY)),
            query(ratio.object("denominator", QUERY)), window);
      }
    }
  }

  private static MeterQuery query(Obj o) {
    return new MeterQuery(o.required("name"), o.map("tags"));
  }

  private static ScaleDirection direction(String setting, String text) {
    try {
      return ScaleDirection.valueOf(text.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new ConfigException(setting, text, "must be up or down");
    }
  }

  private static LocalTime time(String setting, String text) {
    try {
      return LocalTime.parse(text.trim());
    } catch (DateTimeParseException e) {
      throw new ConfigException(setting, text, "must be a time of day such as 01:00 or 22:30");
    }
  }

  private static DayOfWeek day(String setting, String text) {
    String t = text.trim().toUpperCase(Locale.ROOT);
    for (DayOfWeek d : DayOfWeek.values()) {
      if (d.name().equals(t) || d.name().startsWith(t) && t.length() >= 3) {
        return d;
      }
    }
    throw new ConfigException(setting, text, "must be a day of the week such as MON or Monday");
  }

  private static ZoneId zone(String setting, String text) {
    try {
      return ZoneId.of(text.trim());
    } catch (DateTimeException e) {
      throw new ConfigException(setting, text, "must be a time zone such as UTC or Europe/Berlin");
    }
  }

  /** An object node with its path, rejecting unknown keys. */
  private static final class Obj {
    final JsonNode node;
    final String path;

    Obj(JsonNode node, String path, Set<String> allowed) {
      if (!node.isObject()) {
        throw new ConfigException(path.isEmpty() ? "scaling config" : path, node, "must be a mapping");
      }
      this.node = node;
      this.path = path;
      Iterator<String> names = node.fieldNames();
      while (names.hasNext()) {
        String key = names.next();
        if (!allowed.contains(key)) {
          throw new ConfigException(path(key), key, "must be one of " + new java.util.TreeSet<>(allowed));
        }
      }
    }

    String path(String key) {
      return path.isEmpty() ? key : path + "." + key;
    }

    boolean has(String key) {
      JsonNode v = node.get(key);
      return v != null && !v.isNull();
    }

    java.util.Optional<String> text(String key) {
      if (!has(key)) {
        return java.util.Optional.empty();
      }
      JsonNode v = node.get(key);
      if (!v.isValueNode()) {
        throw new ConfigException(path(key), v, "must be a single value");
      }
      return java.util.Optional.of(v.asText());
    }

    String required(String key) {
      return text(key).orElseThrow(() -> new ConfigException(path(key), "(missing)", "must be set"));
    }

    int integer(String key) {
      JsonNode v = node.get(key);
      if (!v.canConvertToInt() || !v.isIntegralNumber()) {
        throw new ConfigException(path(key), v, "must be a whole number");
      }
      return v.intValue();
    }

    Obj object(String key, Set<String> allowed) {
      if (!has(key)) {
        throw new ConfigException(path(key), "(missing)", "must be set");
      }
      return new Obj(node.get(key), path(key), allowed);
    }

    List<Obj> list(String key, Set<String> allowed) {
      List<Obj> out = new ArrayList<>();
      if (!has(key)) {
        return out;
      }
      JsonNode v = node.get(key);
      if (!v.isArray()) {
        throw new ConfigException(path(key), v, "must be a list");
      }
      for (int i = 0; i < v.size(); i++) {
        out.add(new Obj(v.get(i), path(key) + "[" + i + "]", allowed));
      }
      return out;
    }

    List<Obj> list(String key) {
      return list(key, switch (key) {
        case "rules" -> RULE;
        case "vetoes" -> VETO;
        case "decisions" -> DECISION;
        default -> SCHEDULE;
      });
    }

    List<String> strings(String key) {
      List<String> out = new ArrayList<>();
      if (!has(key)) {
        return out;
      }
      JsonNode v = node.get(key);
      if (v.isValueNode()) {
        out.add(v.asText());
        return out;
      }
      if (!v.isArray()) {
        throw new ConfigException(path(key), v, "must be a list");
      }
      v.forEach(e -> out.add(e.asText()));
      return out;
    }

    Map<String, String> map(String key) {
      Map<String, String> out = new LinkedHashMap<>();
      if (!has(key)) {
        return out;
      }
      JsonNode v = node.get(key);
      if (!v.isObject()) {
        throw new ConfigException(path(key), v, "must be a mapping of tag names to values");
      }
      v.fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue().asText()));
      return out;
    }
  }
}
