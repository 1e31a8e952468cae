package dev.headroom.browser;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How a local browser's DevTools endpoint is found, and what a failed launch reports. */
class LaunchTest {

  @Test
  void theEndpointIsReadFromDevToolsActivePortWhenChromiumsOutputIsSwallowed(@TempDir Path dir) throws Exception {
    // a wrapper that hides Chromium's "DevTools listening on" line: only the DevToolsActivePort file is left
    Path quiet = script(dir, "quiet-chromium", "exec " + BrowserHost.DEFAULT_EXECUTABLE + " \"$@\" 2>/dev/null");
    try (BrowserPool pool = BrowserPool.create(BrowserPoolConfig.builder("quiet")
            .host(BrowserHost.local("q").executable(quiet).maxSessions(1))
            .build());
        BrowserSession session = pool.lease(Duration.ofSeconds(20))) {
      assertThat(session.evaluate("1 + 2").asInt()).isEqualTo(3);
      assertThat(session.webSocketUrl().toString()).startsWith("ws://127.0.0.1:").contains("/devtools/browser/");
    }
  }

  @Test
  void aBrowserThatExitsAtOnceFailsTheStartWithItsExitCodeAndLastOutput(@TempDir Path dir) throws Exception {
    Path broken = script(dir, "broken-chromium", "echo 'cannot open display: none here' >&2; exit 3");
    BrowserPoolConfig config = BrowserPoolConfig.builder("broken")
        .host(BrowserHost.local("x").executable(broken).maxSessions(1))
        .build();
    assertThatThrownBy(() -> BrowserPool.create(config))
        .isInstanceOf(BrowserLaunchException.class)
        .hasMessageContaining("could not bring up any host")
        .hasMessageContaining("x[0/1 DOWN");
  }

  @Test
  void theLaunchErrorNamesTheExitCodeAndWhatChromiumPrinted(@TempDir Path dir) throws Exception {
    Path broken = script(dir, "broken-chromium", "echo 'cannot open display: none here' >&2; exit 3");
    ChromiumProcess process = ChromiumProcess.start("x", broken, 0, java.util.List.of());
    try {
      assertThatThrownBy(() -> process.devToolsUrl(Duration.ofSeconds(20), dev.headroom.core.time.Scheduler.system())
              .get(30, java.util.concurrent.TimeUnit.SECONDS))
          .hasCauseInstanceOf(BrowserLaunchException.class)
          .hasMessageContaining("exited with 3 before opening its DevTools port")
          .hasMessageContaining("cannot open display: none here");
    } finally {
      process.kill();
    }
    assertThat(Files.exists(process.userDataDir())).isFalse();
  }

  private static Path script(Path dir, String name, String body) throws Exception {
    Path file = dir.resolve(name);
    Files.writeString(file, "#!/bin/sh\n" + body + "\n");
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
    return file;
  }
}
