package dev.headroom.spring;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.headroom.core.ConfigException;
import dev.headroom.scaling.ScalingConfig;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.ZoneId;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import org.springframework.core.io.Resource;
import org.springframework.core.io.ResourceLoader;

/**
 * Builds a {@link ScalingConfig} from {@code headroom.scaling.*}: the file through core's loader, the inline
 * rules as the same tree (so core's parser checks them and names paths such as {@code rules[1].above.critical}),
 * then both merged. Every error names its property.
 */
final class ScalingConfigFactory {
  private static final String AT = "headroom.scaling";
  private static final ObjectMapper JSON = new ObjectMapper();

  private ScalingConfigFactory() {}

  static ScalingConfig create(HeadroomScalingProperties p, ResourceLoader loader) {
    ScalingConfig.Builder merged = ScalingConfig.builder();
    ScalingConfig file = p.file() == null ? null : load(p.file(), loader);
    ScalingConfig inline = null;
    if (p.hasInline()) {
      checkEach(p);
      try {
        inline = PropertyErrors.at(AT, () -> ScalingConfig.fromJson(json(p)));
      } catch (ConfigException e) {
        throw decisionError(e, p);
      }
    }
    for (ScalingConfig c : new ScalingConfig[] {file, inline}) {
      if (c != null) {
        c.rules().forEach(merged::rule);
        c.vetoes().forEach(merged::veto);
        c.schedules().forEach(merged::schedule);
        c.decisions().forEach(merged::decision);
        c.services().values().forEach(merged::service);
      }
    }
    if (p.sampleInterval() != null) {
      merged.sampleInterval(p.sampleInterval());
    } else if (file != null) {
      merged.sampleInterval(file.sampleInterval());
    }
    if (p.zone() != null) {
      try {
        merged.zone(ZoneId.of(p.zone().trim()));
      } catch (DateTimeException e) {
        throw PropertyErrors.invalid(AT + ".zone", p.zone(), "must be a time zone such as UTC or Europe/Berlin");
      }
    } else if (file != null) {
      file.zone().ifPresent(merged::zone);
    }
    try {
      return merged.build();
    } catch (ConfigException e) {
      if (e.path().equals("rule name")) {
        throw PropertyErrors.invalid(AT + (file != null ? ".file and " + AT + ".rules/vetoes/schedules/decisions"
            : ""), e.value(), "must not use a rule, veto, schedule or decision name twice");
      }
      throw PropertyErrors.translate(AT, e);
    }
  }

  /** A decision's cross-check (its rules exist and scale its service) renamed to its property. */
  private static ConfigException decisionError(ConfigException e, HeadroomScalingProperties p) {
    if (!(e.getCause() instanceof ConfigException original)) {
      return e;
    }
    for (int i = 0; i < p.decisions().size(); i++) {
      if (("decision '" + p.decisions().get(i).name() + "'").equals(original.subject())) {
        return PropertyErrors.rename(AT + ".decisions[" + i + "]." + original.path(), original);
      }
    }
    return e;
  }

  private static ScalingConfig load(String location, ResourceLoader loader) {
    String at = AT + ".file";
    Resource resource = loader.getResource(location);
    if (!resource.exists()) {
      throw PropertyErrors.invalid(at, location, "must name an existing resource (classpath:..., file:...)");
    }
    String name = location.toLowerCase(Locale.ROOT);
    String text;
    try (InputStream in = resource.getInputStream()) {
      text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw PropertyErrors.invalid(at, location, "must be readable (" + e + ")");
    }
    try {
      if (name.endsWith(".json")) {
        return ScalingConfig.fromJson(text);
      }
      if (name.endsWith(".yaml") || name.endsWith(".yml")) {
        return ScalingConfig.fromYaml(text);
      }
    } catch (ConfigException e) {
      ConfigException mapped = new ConfigException(at + " (" + location + "): " + e.setting(), e.value(),
          e.requirement());
      mapped.initCause(e);
      throw mapped;
    }
    throw PropertyErrors.invalid(at, location, "must end in .yaml, .yml or .json");
  }

  /**
   * Parses each inline rule, veto and schedule alone, so that an error names its entry by index without reading the
   * error's text: a path inside the entry's tree ({@code rules[0].above.critical}) is taken below the entry's
   * property, a setting of the entry's builder ({@code critical threshold}) is mapped by {@link #subSetting}.
   */
  private static void checkEach(HeadroomScalingProperties p) {
    checkEach("rules", "rule", p.rules(), ScalingConfigFactory::rule, p);
    checkEach("vetoes", "veto", p.vetoes(), ScalingConfigFactory::veto, p);
    checkEach("schedules", "schedule", p.schedules(), ScalingConfigFactory::schedule, p);
  }

  private static <T> void checkEach(String list, String kind, List<T> items, Function<T, ObjectNode> map,
      HeadroomScalingProperties p) {
    for (int i = 0; i < items.size(); i++) {
      ObjectNode root = JSON.createObjectNode();
      root.putArray(list).add(map.apply(items.get(i)));
      String entry = AT + "." + list + "[" + i + "]";
      String inTree = list + "[0]";
      try {
        ScalingConfig.fromJson(root.toString());
      } catch (ConfigException e) {
        if (e.path().equals(inTree) || e.path().startsWith(inTree + ".")) {
          throw PropertyErrors.translate(entry, inTree, e);
        }
        throw PropertyErrors.rename(entry + "." + subSetting(kind, e.path(), i, p), e);
      }
    }
  }

  /** The property under an entry that its builder's setting path ("critical threshold", "replicas") stands for. */
  private static String subSetting(String kind, String setting, int index, HeadroomScalingProperties p) {
    switch (kind) {
      case "rule" -> {
        HeadroomScalingProperties.Rule rule = p.rules().get(index);
        HeadroomScalingProperties.Levels levels = rule.above() != null ? rule.above() : rule.below();
        String side = rule.above() != null ? "above" : "below";
        if (setting.equals("critical threshold")) {
          return side + ".critical";
        }
        if (setting.equals("warning threshold")) {
          return levels != null && levels.critical() != null ? side + ".warning" : side;
        }
      }
      case "veto" -> {
        HeadroomScalingProperties.Veto veto = p.vetoes().get(index);
        if (setting.equals("threshold")) {
          return veto.above() != null ? "above" : "below";
        }
        if (setting.equals("service")) {
          return "services";
        }
      }
      default -> {
        HeadroomScalingProperties.Schedule schedule = p.schedules().get(index);
        if (setting.equals("replicas")) {
          return schedule.scaleUpTo() != null ? "scale-up-to" : "scale-down-to";
        }
        if (setting.startsWith("direction and replicas")) {
          return "scale-down-to/scale-up-to";
        }
      }
    }
    if (setting.equals(kind + " name")) {
      return "name";
    }
    if (setting.equals("window") || setting.equals("percentile")) {
      return "metric." + setting; // a setting of the entry's metric
    }
    return PropertyErrors.kebabPath(setting.replace(" threshold", "").replace(' ', '-'));
  }

  /** The inline rules as JSON in the file format (camelCase keys, unset values left out). */
  static String json(HeadroomScalingProperties p) {
    ObjectNode root = JSON.createObjectNode();
    list(root, "rules", p.rules(), ScalingConfigFactory::rule);
    list(root, "vetoes", p.vetoes(), ScalingConfigFactory::veto);
    list(root, "schedules", p.schedules(), ScalingConfigFactory::schedule);
    list(root, "decisions", p.decisions(), ScalingConfigFactory::decision);
    if (!p.services().isEmpty()) {
      ObjectNode services = root.putObject("services");
      p.services().forEach((name, bounds) -> services.set(name, service(bounds)));
    }
    return root.toString();
  }

  private static <T> void list(ObjectNode root, String key, List<T> items, Function<T, ObjectNode> map) {
    if (!items.isEmpty()) {
      ArrayNode array = root.putArray(key);
      items.forEach(item -> array.add(map.apply(item)));
    }
  }

  private static ObjectNode rule(HeadroomScalingProperties.Rule r) {
    ObjectNode o = JSON.createObjectNode();
    put(o, "name", r.name());
    put(o, "description", r.description());
    put(o, "service", r.service());
    if (r.metric() != null) {
      o.set("metric", metric(r.metric()));
    }
    levels(o, "above", r.above());
    levels(o, "below", r.below());
    put(o, "for", r.forDuration());
    put(o, "direction", r.direction());
    put(o, "cooldown", r.cooldown());
    put(o, "hysteresis", r.hysteresis());
    return o;
  }

  private static ObjectNode veto(HeadroomScalingProperties.Veto v) {
    ObjectNode o = JSON.createObjectNode();
    put(o, "name", v.name());
    put(o, "description", v.description());
    if (v.services() != null) {
      ArrayNode services = o.putArray("services");
      v.services().forEach(services::add);
    }
    if (v.metric() != null) {
      o.set("metric", metric(v.metric()));
    }
    put(o, "above", v.above());
    put(o, "below", v.below());
    put(o, "for", v.forDuration());
    put(o, "hysteresis", v.hysteresis());
    put(o, "blocks", v.blocks());
    return o;
  }

  private static ObjectNode schedule(HeadroomScalingProperties.Schedule s) {
    ObjectNode o = JSON.createObjectNode();
    put(o, "name", s.name());
    put(o, "description", s.description());
    put(o, "service", s.service());
    if (s.days() != null) {
      ArrayNode days = o.putArray("days");
      s.days().forEach(days::add);
    }
    put(o, "from", s.from());
    put(o, "to", s.to());
    put(o, "zone", s.zone());
    if (s.scaleDownTo() != null) {
      o.put("scaleDownTo", s.scaleDownTo());
    }
    if (s.scaleUpTo() != null) {
      o.put("scaleUpTo", s.scaleUpTo());
    }
    return o;
  }

  private static ObjectNode decision(HeadroomScalingProperties.Decision d) {
    ObjectNode o = JSON.createObjectNode();
    put(o, "name", d.name());
    put(o, "description", d.description());
    put(o, "service", d.service());
    for (String key : new String[] {"when", "unless"}) {
      List<String> rules = key.equals("when") ? d.when() : d.unless();
      if (rules != null) {
        ArrayNode array = o.putArray(key);
        rules.forEach(array::add);
      }
    }
    put(o, "action", d.action());
    if (d.priority() != null) {
      o.put("priority", d.priority());
    }
    put(o, "cooldown", d.cooldown());
    return o;
  }

  private static ObjectNode service(HeadroomScalingProperties.Service b) {
    ObjectNode o = JSON.createObjectNode();
    if (b.minReplicas() != null) {
      o.put("minReplicas", b.minReplicas());
    }
    if (b.maxReplicas() != null) {
      o.put("maxReplicas", b.maxReplicas());
    }
    for (String key : new String[] {"stepUp", "stepDown"}) {
      String step = key.equals("stepUp") ? b.stepUp() : b.stepDown();
      if (step != null) {
        if (step.trim().matches("\\d+")) {
          o.put(key, Integer.parseInt(step.trim()));
        } else {
          o.put(key, step);
        }
      }
    }
    return o;
  }

  private static ObjectNode metric(HeadroomScalingProperties.Metric m) {
    ObjectNode o = JSON.createObjectNode();
    put(o, "gauge", m.gauge());
    put(o, "timer", m.timer());
    put(o, "percentile", m.percentile());
    put(o, "rate", m.rate());
    if (m.ratio() != null) {
      ObjectNode ratio = o.putObject("ratio");
      query(ratio, "numerator", m.ratio().numerator());
      query(ratio, "denominator", m.ratio().denominator());
    }
    tags(o, m.tags());
    put(o, "window", m.window());
    put(o, "aggregate", m.aggregate());
    return o;
  }

  private static void query(ObjectNode parent, String key, HeadroomScalingProperties.Query q) {
    if (q != null) {
      ObjectNode o = parent.putObject(key);
      put(o, "name", q.name());
      tags(o, q.tags());
    }
  }

  private static void tags(ObjectNode o, Map<String, String> tags) {
    if (!tags.isEmpty()) {
      ObjectNode t = o.putObject("tags");
      tags.forEach(t::put);
    }
  }

  private static void levels(ObjectNode o, String key, HeadroomScalingProperties.Levels levels) {
    if (levels == null) {
      return;
    }
    if (levels.critical() == null) {
      put(o, key, levels.warning());
    } else {
      ObjectNode l = o.putObject(key);
      put(l, "warning", levels.warning());
      put(l, "critical", levels.critical());
    }
  }

  private static void put(ObjectNode o, String key, String value) {
    if (value != null) {
      o.put(key, value);
    }
  }
}
