package dev.headroom.spring.browser;

import static dev.headroom.spring.StartupFailures.assertFailedNaming;
import static dev.headroom.spring.StartupFailures.find;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.headroom.browser.BrowserHost;
import dev.headroom.browser.BrowserPool;
import dev.headroom.browser.BrowserPoolConfig;
import dev.headroom.browser.BrowserSession;
import dev.headroom.browser.HostStatus;
import dev.headroom.core.ConfigException;
import dev.headroom.spring.HeadroomAutoConfiguration;
import dev.headroom.spring.actuate.HeadroomModulesHealthAutoConfiguration;
import dev.headroom.testkit.browser.PageServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.CompositeHealthContributor;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthContributor;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/**
 * {@code headroom.browser.*} → a {@link BrowserPool} of real headless Chromium, launched with the context and gone
 * (every process of it, checked in /proc) after the context closes.
 */
class BrowserAutoConfigurationTest {
  /** The local host of the bad-value cases: its id marks its processes, should one ever be launched. */
  static final String BAD = "bad" + System.nanoTime();
  static PageServer pages;

  @BeforeAll
  static void start() {
    pages = PageServer.start();
  }

  @AfterAll
  static void stop() {
    pages.close();
  }

  final ApplicationContextRunner runner = new ApplicationContextRunner()
      .withConfiguration(AutoConfigurations.of(HeadroomAutoConfiguration.class, HeadroomBrowserAutoConfiguration.class,
          HeadroomModulesHealthAutoConfiguration.class));

  @Test
  void thePoolComesFromThePropertiesServesSessionsAndLeavesNoProcessAfterTheContextCloses() {
    String host = "ctx" + System.nanoTime();
    List<Long> pids = new ArrayList<>();
    runner.withPropertyValues("headroom.browser.name=render", "headroom.browser.hosts[0].id=" + host,
        "headroom.browser.hosts[0].max-sessions=2", "headroom.browser.hosts[0].min-idle=1",
        "headroom.browser.hosts[0].extra-args[0]=--window-size=800,600", "headroom.browser.max-waiters=4",
        "headroom.browser.navigation-timeout=20s").run(context -> {
          assertThat(context).hasNotFailed().hasSingleBean(BrowserPool.class);
          BrowserPool pool = context.getBean(BrowserPool.class);
          assertThat(pool.name()).isEqualTo("render");
          assertThat(pool.config().maxWaiters()).isEqualTo(4);
          assertThat(pool.config().hosts().get(0).extraArgs()).containsExactly("--window-size=800,600");
          try (BrowserSession session = pool.lease(Duration.ofSeconds(20))) {
            session.navigate(pages.url("/page?title=spring"));
            assertThat(session.evaluate("document.title").asText()).isEqualTo("spring");
            assertThat(session.screenshot()).startsWith(0x89, 'P', 'N', 'G');
          }

          HealthIndicator browser = (HealthIndicator) ((CompositeHealthContributor) context
              .getBean("headroomBrowserHealthContributor", HealthContributor.class)).getContributor("render");
          Health health = browser.health();
          assertThat(health.getStatus()).isEqualTo(Status.UP);
          assertThat(health.getDetails()).containsEntry("up", "1/1");
          assertThat(health.getDetails().get("hosts").toString()).contains(host, "state=UP", "cap=2", "pid=");

          HostStatus status = pool.host(host).orElseThrow();
          long browserPid = status.pid().orElseThrow();
          pids.add(browserPid);
          ProcessHandle.of(browserPid).ifPresent(p -> p.descendants().forEach(d -> pids.add(d.pid())));
          pids.addAll(withArgument("headroom-chromium-" + host + "-"));
        });
    assertThat(pids).as("the browser and its helpers").hasSizeGreaterThan(1);
    await().atMost(Duration.ofSeconds(10)).until(() -> pids.stream().noneMatch(BrowserAutoConfigurationTest::alive));
    assertThat(withArgument("headroom-chromium-" + host + "-")).as("no process of the host's profile").isEmpty();
  }

  @Test
  void absentWithoutPropertiesWhenSwitchedOffOrWithoutTheModuleAndNothingLaunches() {
    String host = "absent" + System.nanoTime();
    String[] props = {"headroom.browser.hosts[0].id=" + host};
    runner.run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(BrowserPool.class)
        .doesNotHaveBean("headroomBrowserHealthContributor"));
    runner.withPropertyValues(props).withPropertyValues("headroom.browser.enabled=false")
        .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(BrowserPool.class));
    runner.withPropertyValues(props).withClassLoader(new FilteredClassLoader(BrowserPool.class))
        .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(BrowserPool.class)
            .doesNotHaveBean("headroomBrowserHealthContributor"));
    assertThat(withArgument("headroom-chromium-" + host + "-")).isEmpty();
  }

  @Test
  void theApplicationsOwnPoolWinsAndIsInTheHealthComponent() {
    String mine = "mine" + System.nanoTime();
    String configured = "configured" + System.nanoTime();
    runner.withPropertyValues("headroom.browser.hosts[0].id=" + configured)
        .withBean(BrowserPool.class, () -> BrowserPool.create(BrowserPoolConfig.builder("own")
            .host(BrowserHost.local(mine).maxSessions(1)).build()))
        .run(context -> {
          assertThat(context).hasNotFailed().hasSingleBean(BrowserPool.class);
          assertThat(context.getBean(BrowserPool.class).name()).isEqualTo("own");
          assertThat(withArgument("headroom-chromium-" + configured + "-")).isEmpty();
          CompositeHealthContributor health = (CompositeHealthContributor) context
              .getBean("headroomBrowserHealthContributor", HealthContributor.class);
          assertThat(((HealthIndicator) health.getContributor("own")).health().getStatus()).isEqualTo(Status.UP);
        });
    await().atMost(Duration.ofSeconds(10)).until(() -> withArgument("headroom-chromium-" + mine + "-").isEmpty());
  }

  @Test
  void everyDefaultIsTheBuilders() {
    new ApplicationContextRunner().withUserConfiguration(PropertiesOnly.class)
        .withPropertyValues("headroom.browser.hosts[0].id=h").run(context -> {
          HeadroomBrowserProperties properties = context.getBean(HeadroomBrowserProperties.class);
          BrowserPoolConfig ours = BrowserPoolFactory.build(BrowserPoolFactory.builder(properties,
              java.util.Optional.empty(), java.util.Optional.empty()));
          BrowserPoolConfig builders = BrowserPoolConfig.builder("browser").host(BrowserHost.local("h")).build();
          assertThat(ours.name()).isEqualTo(builders.name());
          assertThat(ours.maxWaiters()).isEqualTo(builders.maxWaiters());
          assertThat(ours.commandTimeout()).isEqualTo(builders.commandTimeout());
          assertThat(ours.navigationTimeout()).isEqualTo(builders.navigationTimeout());
          assertThat(ours.launchTimeout()).isEqualTo(builders.launchTimeout());
          assertThat(ours.relaunchBackoff()).isEqualTo(builders.relaunchBackoff());
          assertThat(ours.maxRelaunchBackoff()).isEqualTo(builders.maxRelaunchBackoff());
          assertThat(ours.recycleDrainTimeout()).isEqualTo(builders.recycleDrainTimeout());
          assertThat(ours.maintenanceInterval()).isEqualTo(builders.maintenanceInterval());
          assertThat(ours.leakDetectionThreshold()).isEqualTo(builders.leakDetectionThreshold());
          assertThat(ours.shutdownHook()).isEqualTo(builders.shutdownHook());
          BrowserHost host = ours.hosts().get(0);
          BrowserHost builderHost = builders.hosts().get(0);
          assertThat(host.toString()).isEqualTo(builderHost.toString());
          assertThat(host.executable()).isEqualTo(builderHost.executable());
          assertThat(host.recycleAfterContexts()).isEqualTo(builderHost.recycleAfterContexts());
          assertThat(host.maxAge()).isEqualTo(builderHost.maxAge());
          assertThat(host.maxRssBytes()).isEqualTo(builderHost.maxRssBytes());
        });
  }

  @org.springframework.context.annotation.Configuration(proxyBeanMethods = false)
  @org.springframework.boot.context.properties.EnableConfigurationProperties(HeadroomBrowserProperties.class)
  static class PropertiesOnly {}

  static Stream<Arguments> badValues() {
    return Stream.of(
        Arguments.of("headroom.browser.hosts[1].id=" + BAD, "headroom.browser.hosts[1].id", "must be unique"),
        Arguments.of("headroom.browser.hosts[2].max-sessions=3", "headroom.browser.hosts[2].id", "must be set"),
        Arguments.of("headroom.browser.hosts[0].max-sessions=0", "headroom.browser.hosts[0].max-sessions",
            "must be >= 1"),
        Arguments.of("headroom.browser.hosts[0].min-idle=3", "headroom.browser.hosts[0].min-idle",
            "must be in [0, maxSessions = 2]"),
        Arguments.of("headroom.browser.hosts[0].executable=/nonexistent/chromium",
            "headroom.browser.hosts[0].executable", "must be an executable file"),
        Arguments.of("headroom.browser.hosts[0].max-rss=-1B", "headroom.browser.hosts[0].max-rss", ">= 0"),
        Arguments.of("headroom.browser.hosts[1].endpoint=ftp://vm-2:9222", "headroom.browser.hosts[1].endpoint",
            "must be http(s)://host:port"),
        Arguments.of("headroom.browser.hosts[1].max-age=1h", "headroom.browser.hosts[1].max-age",
            "applies to local hosts only"),
        Arguments.of("headroom.browser.hosts[1].extra-args[0]=--x", "headroom.browser.hosts[1].extra-args",
            "applies to local hosts only"),
        Arguments.of("headroom.browser.max-waiters=-1", "headroom.browser.max-waiters", "must be >= 0"),
        Arguments.of("headroom.browser.command-timeout=0s", "headroom.browser.command-timeout", "must be > 0"),
        Arguments.of("headroom.browser.max-relaunch-backoff=100ms", "headroom.browser.max-relaunch-backoff",
            "must be >= relaunchBackoff"),
        Arguments.of("headroom.browser.leak-detection-threshold=-1s", "headroom.browser.leak-detection-threshold",
            "must be >= 0"),
        Arguments.of("headroom.browser.name= ", "headroom.browser.name", "non-empty"));
  }

  @ParameterizedTest(name = "{1}")
  @MethodSource("badValues")
  void aBadValueFailsStartupNamingItsPropertyBeforeAnythingLaunches(String properties, String property,
      String requirement) {
    runner.withPropertyValues("headroom.browser.hosts[0].id=" + BAD, "headroom.browser.hosts[0].max-sessions=2",
            "headroom.browser.hosts[1].id=b", "headroom.browser.hosts[1].endpoint=http://127.0.0.1:9")
        .withPropertyValues(properties.split(",")).run(context -> {
          assertFailedNaming(context, property, requirement);
        });
    assertThat(withArgument("headroom-chromium-" + BAD + "-")).isEmpty();
  }


  /** Whether a process runs (in /proc and not a zombie). */
  static boolean alive(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"), StandardCharsets.UTF_8);
      char state = stat.charAt(stat.lastIndexOf(')') + 2);
      return state != 'Z' && state != 'X';
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }

  /**
   * The running processes whose command line contains {@code marker} (a host's unique profile directory prefix):
   * exactly the processes that this test's pools launched.
   */
  static List<Long> withArgument(String marker) {
    List<Long> found = new ArrayList<>();
    long self = ProcessHandle.current().pid();
    try (DirectoryStream<Path> dirs = Files.newDirectoryStream(Path.of("/proc"), "[0-9]*")) {
      for (Path dir : dirs) {
        long pid = Long.parseLong(dir.getFileName().toString());
        try {
          String cmdline = new String(Files.readAllBytes(dir.resolve("cmdline")), StandardCharsets.UTF_8);
          if (pid != self && cmdline.contains(marker) && alive(pid)) {
            found.add(pid);
          }
        } catch (IOException | RuntimeException e) {
          // exited meanwhile
        }
      }
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    return found;
  }
}
