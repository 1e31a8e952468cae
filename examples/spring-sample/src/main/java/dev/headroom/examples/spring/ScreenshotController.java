package dev.headroom.examples.spring;

import dev.headroom.browser.BrowserPool;
import dev.headroom.browser.BrowserPoolExhaustedException;
import dev.headroom.browser.BrowserSession;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /screenshot?url=}: a PNG of the page, rendered in an isolated session (its own browser context) leased
 * from the browser pool of {@code headroom.browser}; a caller waits at most 2 s for a free session, then gets 503.
 */
@RestController
class ScreenshotController {
  private static final Duration LEASE_WAIT = Duration.ofSeconds(2);

  private final BrowserPool browsers;

  ScreenshotController(BrowserPool browsers) {
    this.browsers = browsers;
  }

  @GetMapping("/screenshot")
  ResponseEntity<byte[]> screenshot(@RequestParam("url") String url) {
    URI uri = URI.create(url);
    if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme())) {
      throw new IllegalArgumentException("url must be an http or https URL");
    }
    try (BrowserSession session = browsers.lease(LEASE_WAIT)) {
      session.navigate(uri.toString());
      return ResponseEntity.ok().contentType(MediaType.IMAGE_PNG).body(session.screenshot());
    }
  }

  /** Every session of every host was in use for 2 s: 503 with each host's load. */
  @ExceptionHandler(BrowserPoolExhaustedException.class)
  ResponseEntity<Map<String, Object>> exhausted(BrowserPoolExhaustedException e) {
    return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE).body(Map.of("error", e.getMessage()));
  }

  @ExceptionHandler(IllegalArgumentException.class)
  ResponseEntity<Map<String, Object>> badUrl(IllegalArgumentException e) {
    return ResponseEntity.badRequest().body(Map.of("error", e.getMessage()));
  }
}
