package dev.headroom.examples.spring;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * Keeps the module graph as docs/architecture.md draws it, at both levels where it can drift: what each module's
 * pom declares, and what its classes use.
 *
 * <pre>
 * core ← {scaling, llm-router, npu, browser-pool, redis-cluster, sql} ← spring-boot-starter
 * core ← discovery ← spring-boot-starter   (DNS and Kubernetes discovery sources)
 * core ← llm-router ← spring-ai ← spring-boot-starter   (Spring AI's models on the LLM router)
 * core ← llm-router ← langchain4j          (LangChain4j's model interfaces over the LLM router)
 * core ← browser-pool ← browser-devtools    (a DevTools endpoint per lease, for Playwright)
 * core ← testkit            (the library modules use testkit in their tests only)
 * examples, spring-sample, benchmarks: leaves, may use anything
 * </pre>
 *
 * <p>It lives in the spring sample because that is the one module whose classpath holds every library module.
 */
class ModuleGraphTest {
  /** Each module's package root and the modules its main code may use (besides itself). */
  private static final Map<String, Module> MODULES = new LinkedHashMap<>();

  static {
    add("core", "dev.headroom.core");
    add("scaling", "dev.headroom.scaling", "core");
    add("llm-router", "dev.headroom.llm", "core");
    add("npu", "dev.headroom.npu", "core");
    add("browser-pool", "dev.headroom.browser", "core");
    add("browser-devtools", "dev.headroom.devtools", "core", "browser-pool");
    add("redis-cluster", "dev.headroom.redis", "core");
    add("sql", "dev.headroom.sql", "core");
    add("discovery", "dev.headroom.discovery", "core");
    add("spring-http", "dev.headroom.springhttp", "core");
    add("spring-ai", "dev.headroom.springai", "core", "llm-router");
    add("langchain4j", "dev.headroom.langchain4j", "core", "llm-router");
    add("testkit", "dev.headroom.testkit", "core");
    add("spring-boot-starter", "dev.headroom.spring", "core", "scaling", "llm-router", "npu", "browser-pool",
        "redis-cluster", "sql", "discovery", "spring-ai", "langchain4j");
  }

  private static JavaClasses classes;

  private record Module(String name, String root, Set<String> allowed) {}

  private static void add(String name, String root, String... allowed) {
    MODULES.put(name, new Module(name, root, Set.of(allowed)));
  }

  @BeforeAll
  static void importClasses() {
    classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
        .withImportOption(location -> !location.contains("-tests.jar")) // npu's test jar (its EmbeddingWorker)
        .importPackages("dev.headroom");
  }

  @Test
  void eachModulesClassesUseOnlyTheModulesBelowIt() {
    for (Module module : MODULES.values()) {
      String[] forbidden = MODULES.values().stream()
          .filter(other -> !other.equals(module) && !module.allowed().contains(other.name()))
          .map(other -> other.root() + "..")
          .toArray(String[]::new);
      noClasses().that().resideInAPackage(module.root() + "..")
          .should().dependOnClassesThat().resideInAnyPackage(forbidden)
          .because(module.name() + " may use only " + new TreeSet<>(module.allowed()))
          .check(classes);
    }
  }

  @Test
  void eachModulesPomDeclaresOnlyTheModulesBelowIt() throws Exception {
    for (Module module : MODULES.values()) {
      Set<String> declared = new TreeSet<>();
      for (Dependency d : headroomDependencies(Path.of("..", "..", module.name(), "pom.xml"))) {
        if (!d.scope().equals("test")) {
          declared.add(d.module());
        }
      }
      assertThat(module.allowed()).as("the main dependencies of " + module.name()).containsAll(declared);
    }
  }

  @Test
  void theLibraryModulesUseTestkitInTheirTestsOnly() throws Exception {
    for (Module module : MODULES.values()) {
      if (module.name().equals("testkit")) {
        continue;
      }
      for (Dependency d : headroomDependencies(Path.of("..", "..", module.name(), "pom.xml"))) {
        if (d.module().equals("testkit")) {
          assertThat(d.scope()).as(module.name() + " uses testkit").isEqualTo("test");
        }
      }
    }
  }

  private record Dependency(String module, String scope) {}

  /** The dev.headroom dependencies a pom declares, as module names ({@code headroom-llm-router} → llm-router). */
  private static List<Dependency> headroomDependencies(Path pom) throws Exception {
    assertThat(pom).exists();
    var factory = DocumentBuilderFactory.newInstance();
    factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
    var document = factory.newDocumentBuilder().parse(Files.newInputStream(pom));
    NodeList dependencies = document.getElementsByTagName("dependency");
    List<Dependency> result = new java.util.ArrayList<>();
    for (int i = 0; i < dependencies.getLength(); i++) {
      Element dependency = (Element) dependencies.item(i);
      if (!dependency.getParentNode().getParentNode().getNodeName().equals("project")) {
        continue; // dependencyManagement, a plugin's own dependencies
      }
      String group = text(dependency, "groupId");
      String artifact = text(dependency, "artifactId");
      if ((group.equals("dev.headroom") || group.equals("${project.groupId}")) && artifact.startsWith("headroom-")) {
        String scope = text(dependency, "scope");
        result.add(new Dependency(artifact.substring("headroom-".length()), scope.isEmpty() ? "compile" : scope));
      }
    }
    return result;
  }

  private static String text(Element parent, String tag) {
    NodeList nodes = parent.getElementsByTagName(tag);
    return nodes.getLength() == 0 ? "" : nodes.item(0).getTextContent().trim();
  }
}
