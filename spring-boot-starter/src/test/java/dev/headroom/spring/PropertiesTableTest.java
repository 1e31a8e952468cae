package dev.headroom.spring;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import dev.headroom.spring.browser.HeadroomBrowserProperties;
import dev.headroom.spring.cache.HeadroomCacheProperties;
import dev.headroom.spring.fleet.HeadroomFleetProperties;
import dev.headroom.spring.llm.HeadroomLlmProperties;
import dev.headroom.spring.npu.HeadroomNpuProperties;
import dev.headroom.spring.sql.HeadroomSqlProperties;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.boot.context.properties.bind.Name;

/**
 * Keeps the README's table of {@code headroom.*} properties in sync with the properties records: every property
 * (found by walking the records as the binder does), its default (from {@code @DefaultValue}) and its meaning (the
 * record's {@code @param} javadoc). When it fails, copy {@code target/headroom-properties.md} into the README.
 */
class PropertiesTableTest {
  static final String BEGIN = "<!-- headroom-properties:begin (generated from the properties records; "
      + "PropertiesTableTest checks it) -->";
  static final String END = "<!-- headroom-properties:end -->";
  static final Path SOURCES = Path.of("src/main/java/dev/headroom/spring");

  @Test
  void theReadmeListsEveryPropertyWithItsDefault() throws IOException {
    String table = table();
    Files.writeString(Path.of("target/headroom-properties.md"), table, StandardCharsets.UTF_8);
    String readme = Files.readString(Path.of("../README.md"), StandardCharsets.UTF_8);
    int begin = readme.indexOf(BEGIN);
    int end = readme.indexOf(END);
    assertThat(begin).as("README has the marker %s", BEGIN).isNotNegative();
    assertThat(end).isGreaterThan(begin);
    assertThat(readme.substring(begin + BEGIN.length(), end).strip())
        .as("README table (regenerate from spring-boot-starter/target/headroom-properties.md)")
        .isEqualTo(table.strip());
  }

  @Test
  void theTableCoversNestedProperties() throws IOException {
    assertThat(table()).contains(
        "| `headroom.pools.<name>.endpoints[i].max-concurrency` | `1` |",
        "| `headroom.pools.<name>.outlier-detection.base-ejection-time` | `30s` |",
        "| `headroom.routers.<name>.tiers[i].wait-budget` | `0ms` |",
        "| `headroom.scaling.rules[i].for` | |",
        "| `headroom.shutdown.drain-timeout` | `20s` |",
        "| `headroom.llm.nodes[i].num-parallel` | `1` |",
        "| `headroom.llm.cloud.spend-limit.max-cost-per-minute` | |",
        "| `headroom.llm.retry-budget.*` | | as `headroom.routers.<name>.retry-budget.*` |",
        "| `headroom.browser.hosts[i].max-sessions` | `5` |",
        "| `headroom.sql.replicas[i].*` | | as `headroom.sql.primary.*` |",
        "| `headroom.sql.max-lag-bytes` | `16MB` |",
        "| `headroom.npu.local.backend` | `none` |",
        "| `headroom.npu.workers[i].max-concurrency` | `4` |",
        "| `headroom.npu.outlier-detection.*` | | as `headroom.pools.<name>.outlier-detection.*` |",
        "| `headroom.cache.namespaces.<name>.ttl.target-hit-rate.low` | `0.60` |",
        "| `headroom.cache.namespaces.<name>.l1.max-size` | `10000` |",
        "| `headroom.cache.llm-responses.enabled` | `false` |",
        "| `headroom.pools.<name>.strict-caps` | `false` |",
        "| `headroom.llm.strict-node-caps` | `false` |",
        "| `headroom.fleet.seeds` | |",
        "| `headroom.fleet.permit-ttl` | `10s` |");
  }

  static String table() throws IOException {
    Map<String, Map<String, String>> docs = new HashMap<>();
    try (var files = Files.walk(SOURCES)) {
      for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
        String top = file.getFileName().toString().replace(".java", "");
        params(Files.readString(file, StandardCharsets.UTF_8)).forEach((record, p) -> docs.put(top + "." + record, p));
      }
    }
    List<String> rows = new ArrayList<>();
    Map<Class<?>, String> seen = new HashMap<>();
    walk("headroom", HeadroomProperties.class, docs, rows, seen);
    walk("headroom.scaling", HeadroomScalingProperties.class, docs, rows, seen);
    walk("headroom.llm", HeadroomLlmProperties.class, docs, rows, seen);
    walk("headroom.llm.spring-ai", dev.headroom.spring.springai.HeadroomSpringAiProperties.class, docs, rows, seen);
    walk("headroom.llm.langchain4j", dev.headroom.spring.langchain4j.HeadroomLangChain4jProperties.class, docs, rows,
        seen);
    walk("headroom.browser", HeadroomBrowserProperties.class, docs, rows, seen);
    walk("headroom.sql", HeadroomSqlProperties.class, docs, rows, seen);
    walk("headroom.npu", HeadroomNpuProperties.class, docs, rows, seen);
    walk("headroom.cache", HeadroomCacheProperties.class, docs, rows, seen);
    walk("headroom.fleet", HeadroomFleetProperties.class, docs, rows, seen);
    StringBuilder out = new StringBuilder("| property | default | what it is |\n|---|---|---|\n");
    rows.forEach(r -> out.append(r).append('\n'));
    return out.toString();
  }

  /** Rows for every property of {@code record} under {@code prefix}; a record met before gets one row. */
  private static void walk(String prefix, Class<?> record, Map<String, Map<String, String>> docs, List<String> rows,
      Map<Class<?>, String> seen) {
    String first = seen.putIfAbsent(record, prefix);
    if (first != null) {
      rows.add("| `" + prefix + ".*` | | as `" + first + ".*` |");
      return;
    }
    Class<?> top = record;
    while (top.getEnclosingClass() != null) {
      top = top.getEnclosingClass();
    }
    // by file and record: two modules may both have a nested record called Cloud
    Map<String, String> params = docs.getOrDefault(top.getSimpleName() + "." + record.getSimpleName(), Map.of());
    for (RecordComponent c : record.getRecordComponents()) {
      java.lang.reflect.Parameter parameter = record.getDeclaredConstructors()[0].getParameters()[indexOf(record, c)];
      Name renamed = parameter.getAnnotation(Name.class);
      String key = renamed != null ? renamed.value() : PropertyErrors.kebab(c.getName());
      String path = prefix + "." + key;
      Type type = c.getGenericType();
      DefaultValue dv = parameter.getAnnotation(DefaultValue.class);
      if (c.getType().isRecord()) {
        walk(path, c.getType(), docs, rows, seen);
      } else if (type instanceof ParameterizedType p && p.getActualTypeArguments()[p.getActualTypeArguments().length - 1]
          instanceof Class<?> element && element.isRecord()) {
        walk(path + (c.getType() == Map.class ? ".<name>" : "[i]"), element, docs, rows, seen);
      } else {
        String shown = c.getType() == Map.class ? path + ".<key>" : path;
        String def = dv == null || dv.value().length == 0 ? "" : "`" + String.join(",", dv.value()) + "`";
        String doc = params.getOrDefault(c.getName(), "");
        rows.add("| `" + shown + "` | " + def + (def.isEmpty() ? "" : " ") + "| " + doc + " |");
      }
    }
  }

  private static int indexOf(Class<?> record, RecordComponent c) {
    RecordComponent[] all = record.getRecordComponents();
    for (int i = 0; i < all.length; i++) {
      if (all[i].getName().equals(c.getName())) {
        return i;
      }
    }
    throw new IllegalStateException(c.getName());
  }

  private static final Pattern RECORD = Pattern.compile(
      "/\\*\\*((?:(?!\\*/).)*)\\*/\\s*(?:@\\w+(?:\\(\"[^\"]*\"\\))?\\s*)*public record (\\w+)\\(", Pattern.DOTALL);
  private static final Pattern PARAM = Pattern.compile("@param (\\w+) ((?:(?!@param|@return|@throws).)*)",
      Pattern.DOTALL);

  /** The {@code @param} texts of every record in a source file, by record name (the caller adds the file's). */
  static Map<String, Map<String, String>> params(String source) {
    Map<String, Map<String, String>> out = new HashMap<>();
    Matcher m = RECORD.matcher(source);
    while (m.find()) {
      Map<String, String> params = new HashMap<>();
      Matcher p = PARAM.matcher(m.group(1));
      while (p.find()) {
        String text = p.group(2).replaceAll("\\n\\s*\\*", " ").replaceAll("\\{@\\w+ ([^}#]*)(#[^}]*)?}", "$1")
            .replaceAll("\\s+", " ").replace("|", "\\|").strip();
        params.put(p.group(1), text);
      }
      out.put(m.group(2), params);
    }
    return out;
  }
}
