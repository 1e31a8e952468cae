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
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.springframework.core.io.Resource;
import org.springframework.core.io.ResourceLoader;

/**
 * Builds a {@link ScalingConfig} from {@code headroom.scaling.*}: the file through core's loader, the inline
 * rules as the same tree (so core's parser checks them and names paths such as {@code rules[1].above.critical}),
 * then both merged. Every error names its property.
 */
final class ScalingConfigFactory {
  private static final String AT = "headroom.scaling";
  private static final Pattern NAMED = Pattern.compile("^(rule|veto|schedule) '(.*)': (.*)$");
  private static final ObjectMapper JSON = new ObjectMapper();

  private ScalingConfigFactory() {}

  static ScalingConfig create(HeadroomScalingProperties p, ResourceLoader loader) {
    ScalingConfig.Builder merged = ScalingConfig.builder();
    ScalingConfig file = p.file() == null ? null : load(p.file(), loader);
    ScalingConfig inline = null;
    if (p.hasInline()) {
      String json = json(p);
      try {
        inline = ScalingConfig.fromJson(json);
      } catch (ConfigException e) {
        throw translate(e, p);
      }
    }
    for (ScalingConfig c : new ScalingConfig[] {file, inline}) {
      if (c != null) {
        c.rules().forEach(merged::rule);
        c.vetoes().forEach(merged::veto);
        c.schedules().forEach(merged::schedule);
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
      if (e.setting().equals("rule name")) {
        throw PropertyErrors.invalid(AT + (file != null ? ".file and " + AT + ".rules/vetoes/schedules" : ""),
            e.value(), "must not use a rule, veto or schedule name twice");
      }
      throw PropertyErrors.translate(AT, e);
    }
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
          PropertyErrors.requirement(e));
      mapped.initCause(e);
      throw mapped;
    }
    throw PropertyErrors.invalid(at, location, "must end in .yaml, .yml or .json");
  }

  /** Core's error names a path inside the tree, or a rule by name: both become the property of that entry. */
  private static ConfigException translate(ConfigException e, HeadroomScalingProperties p) {
    Matcher m = NAMED.matcher(e.setting());
    if (m.matches()) {
      String list = switch (m.group(1)) {
        case "rule" -> "rules";
        case "veto" -> "vetoes";
        default -> "schedules";
      };
      int index = indexOf(m.group(1), m.group(2), p);
      String entry = AT + "." + list + (index >= 0 ? "[" + index + "]" : "");
      String property = index >= 0 ? entry + "." + subSetting(m.group(1), m.group(3), index, p) : entry;
      ConfigException mapped = new ConfigException(property, e.value(), PropertyErrors.requirement(e));
      mapped.initCause(e);
      return mapped;
    }
    return PropertyErrors.translate(AT, e);
  }

  /** The property under an entry that a builder's setting name ("critical threshold", "replicas") stands for. */
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
    return PropertyErrors.kebabPath(setting.replace(" threshold", "").replace(' ', '-'));
  }

  private static int indexOf(String kind, String name, HeadroomScalingProperties p) {
    List<String> names = switch (kind) {
      case "rule" -> p.rules().stream().map(HeadroomScalingProperties.Rule::name).toList();
      case "veto" -> p.vetoes().stream().map(HeadroomScalingProperties.Veto::name).toList();
      default -> p.schedules().stream().map(HeadroomScalingProperties.Schedule::name).toList();
    };
    return names.indexOf(name);
  }

  /** The inline rules as JSON in the file format (camelCase keys, unset values left out). */
  static String json(HeadroomScalingProperties p) {
    ObjectNode root = JSON.createObjectNode();
    list(root, "rules", p.rules(), ScalingConfigFactory::rule);
    list(root, "vetoes", p.vetoes(), ScalingConfigFactory::veto);
    list(root, "schedules", p.schedules(), ScalingConfigFactory::schedule);
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
