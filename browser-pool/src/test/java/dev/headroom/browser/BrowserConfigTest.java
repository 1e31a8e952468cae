package dev.headroom.browser;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.headroom.core.ConfigException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Bad settings are refused when built, with the setting and the value named. No browser is started here. */
class BrowserConfigTest {

  @Test
  void hostSettingsAreValidated() {
    assertThatThrownBy(() -> BrowserHost.local(" ").build())
        .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.setting()).isEqualTo("browser host id"));
    assertThatThrownBy(() -> BrowserHost.local("a").maxSessions(0).build())
        .isInstanceOfSatisfying(ConfigException.class, e -> {
          assertThat(e.setting()).isEqualTo("browser host 'a': maxSessions");
          assertThat(e.value()).isEqualTo("0");
        });
    assertThatThrownBy(() -> BrowserHost.local("a").maxSessions(2).minIdle(3).build())
        .isInstanceOf(ConfigException.class).hasMessageContaining("minIdle must be in [0, maxSessions = 2] but was 3");
    assertThatThrownBy(() -> BrowserHost.local("a").maxAge(Duration.ofSeconds(-1)).build())
        .isInstanceOf(ConfigException.class).hasMessageContaining("maxAge");
    assertThatThrownBy(() -> BrowserHost.local("a").maxRssBytes(-5).build())
        .isInstanceOf(ConfigException.class).hasMessageContaining("maxRssBytes");
    assertThatThrownBy(() -> BrowserHost.local("a").recycleAfterContexts(-1).build())
        .isInstanceOf(ConfigException.class).hasMessageContaining("recycleAfterContexts");
    assertThatThrownBy(() -> BrowserHost.local("a").executable(Path.of("/nonexistent/chromium")).build())
        .isInstanceOfSatisfying(ConfigException.class, e -> {
          assertThat(e.setting()).isEqualTo("browser host 'a': executable");
          assertThat(e.value()).isEqualTo("/nonexistent/chromium");
          assertThat(e.getMessage()).contains("apt-get install chromium");
        });
    assertThatThrownBy(() -> BrowserHost.remote("r", URI.create("ftp://x:1")).build())
        .isInstanceOf(ConfigException.class).hasMessageContaining("endpoint");
    assertThatThrownBy(() -> BrowserHost.remote("r", URI.create("http://x:9222")).maxAge(Duration.ofMinutes(1)).build())
        .isInstanceOf(ConfigException.class).hasMessageContaining("maxAge applies to local hosts only");
  }

  @Test
  void poolSettingsAreValidated() {
    BrowserHost host = BrowserHost.remote("r", URI.create("http://127.0.0.1:9222")).build();
    assertThatThrownBy(() -> BrowserPoolConfig.builder("p").build())
        .isInstanceOf(ConfigException.class).hasMessageContaining("hosts must list at least one host");
    assertThatThrownBy(() -> BrowserPoolConfig.builder("p").host(host).host(host).build())
        .isInstanceOf(ConfigException.class).hasMessageContaining("host id must be unique");
    assertThatThrownBy(() -> BrowserPoolConfig.builder("p").host(host).maxWaiters(-1).build())
        .isInstanceOf(ConfigException.class).hasMessageContaining("maxWaiters");
    assertThatThrownBy(() -> BrowserPoolConfig.builder("p").host(host).commandTimeout(Duration.ZERO).build())
        .isInstanceOf(ConfigException.class).hasMessageContaining("commandTimeout must be > 0 but was PT0S");
    assertThatThrownBy(() -> BrowserPoolConfig.builder("p").host(host)
            .relaunchBackoff(Duration.ofSeconds(2), Duration.ofSeconds(1)).build())
        .isInstanceOf(ConfigException.class).hasMessageContaining("maxRelaunchBackoff");
    assertThatThrownBy(() -> BrowserPoolConfig.builder("p").host(host).leakDetectionThreshold(Duration.ofMillis(-1))
            .build())
        .isInstanceOf(ConfigException.class).hasMessageContaining("leakDetectionThreshold");
  }

  @Test
  void theLaunchCommandKeepsChromiumHeadlessIsolatedAndOffTheNetwork() {
    List<String> command = ChromiumProcess.command(Path.of("/usr/bin/chromium"), Path.of("/tmp/p"), 0, true,
        List.of("--window-size=1280,800"));
    assertThat(command.get(0)).isEqualTo("/usr/bin/chromium");
    assertThat(command).contains("--headless=new", "--no-sandbox", "--user-data-dir=/tmp/p",
        "--remote-debugging-port=0", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1280,800");
    assertThat(ChromiumProcess.command(Path.of("/c"), Path.of("/tmp/p"), 9222, false, List.of()))
        .doesNotContain("--no-sandbox").contains("--remote-debugging-port=9222");
    List<String> merged = ChromiumProcess.command(Path.of("/c"), Path.of("/tmp/p"), 0, false,
        List.of("--disable-features=Foo,Bar"));
    assertThat(merged.stream().filter(arg -> arg.startsWith("--disable-features="))).singleElement()
        .satisfies(arg -> assertThat(arg).contains("Translate").contains("WebUIOmniboxPopup").endsWith(",Foo,Bar"));
  }

  @Test
  void anUnreachableRemoteHostFailsTheStartWithATypedError() {
    BrowserPoolConfig config = BrowserPoolConfig.builder("nowhere")
        .host(BrowserHost.remote("gone", URI.create("http://127.0.0.1:1")).maxSessions(1))
        .launchTimeout(Duration.ofSeconds(2))
        .build();
    assertThatThrownBy(() -> BrowserPool.create(config))
        .isInstanceOf(BrowserLaunchException.class)
        .hasMessageContaining("could not bring up any host")
        .hasMessageContaining("gone[");
  }
}
