package dev.headroom.browser;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * One running browser of a host (one "generation"): its DevTools connection and, for a local host, its process.
 * Creates and disposes isolated contexts. A host replaces its browser after a crash or when recycling.
 */
final class Browser {
  private final String host;
  private final int generation;
  private final CdpConnection cdp;
  private final ChromiumProcess process;
  private final ObjectMapper mapper;
  private final long startedAtNanos;
  private final AtomicLong contextsCreated = new AtomicLong();
  private volatile boolean retiring;

  Browser(String host, int generation, CdpConnection cdp, ChromiumProcess process, ObjectMapper mapper,
      long startedAtNanos) {
    this.host = host;
    this.generation = generation;
    this.cdp = cdp;
    this.process = process;
    this.mapper = mapper;
    this.startedAtNanos = startedAtNanos;
  }

  String host() {
    return host;
  }

  int generation() {
    return generation;
  }

  CdpConnection cdp() {
    return cdp;
  }

  URI webSocketUrl() {
    return cdp.url();
  }

  Optional<ChromiumProcess> process() {
    return Optional.ofNullable(process);
  }

  long startedAtNanos() {
    return startedAtNanos;
  }

  long contextsCreated() {
    return contextsCreated.get();
  }

  /**
   * Calls {@code onGone} once if the browser goes away without being retired: its process exits or its DevTools
   * connection closes.
   */
  void whenGone(Consumer<BrowserException> onGone) {
    cdp.closeFuture().thenAccept(reason -> {
      if (!retiring) {
        onGone.accept(reason);
      }
    });
    if (process != null) {
      process.onExit().thenAccept(p -> {
        if (!retiring) {
          int code = p.exitValue();
          onGone.accept(new BrowserCrashedException(host, "Chromium pid " + p.pid() + " exited with " + code
              + (code > 128 ? " (signal " + (code - 128) + ")" : "")));
        }
      });
    }
  }

  /**
   * {@code Target.createBrowserContext} → {@code Target.createTarget} → {@code Target.attachToTarget{flatten}} →
   * {@code Page.enable}, lifecycle events and {@code Inspector.enable}. A context whose later steps fail is disposed.
   */
  CompletableFuture<PageContext> createContext() {
    contextsCreated.incrementAndGet();
    ObjectNode contextParams = mapper.createObjectNode().put("disposeOnDetach", true);
    return cdp.send(CdpConnection.BROWSER, "Target.createBrowserContext", contextParams).thenCompose(created -> {
      String contextId = created.path("browserContextId").asText();
      return openPage(contextId).whenComplete((page, error) -> {
        if (error != null) {
          dispose(contextId);
        }
      });
    });
  }

  private CompletableFuture<PageContext> openPage(String contextId) {
    ObjectNode targetParams = mapper.createObjectNode().put("url", "about:blank").put("browserContextId", contextId);
    return cdp.send(CdpConnection.BROWSER, "Target.createTarget", targetParams).thenCompose(target -> {
      String targetId = target.path("targetId").asText();
      ObjectNode attach = mapper.createObjectNode().put("targetId", targetId).put("flatten", true);
      return cdp.send(CdpConnection.BROWSER, "Target.attachToTarget", attach).thenCompose(attached -> {
        String sessionId = attached.path("sessionId").asText();
        CompletableFuture<JsonNode> page = cdp.send(sessionId, "Page.enable", null);
        CompletableFuture<JsonNode> lifecycle = cdp.send(sessionId, "Page.setLifecycleEventsEnabled",
            mapper.createObjectNode().put("enabled", true));
        CompletableFuture<JsonNode> inspector = cdp.send(sessionId, "Inspector.enable", null);
        return CompletableFuture.allOf(page, lifecycle, inspector)
            .thenApply(ready -> new PageContext(this, contextId, targetId, sessionId));
      });
    });
  }

  /** {@code Target.disposeBrowserContext}: closes the context's pages and drops its cookies and storage. */
  CompletableFuture<JsonNode> dispose(String browserContextId) {
    ObjectNode params = mapper.createObjectNode().put("browserContextId", browserContextId);
    return cdp.send(CdpConnection.BROWSER, "Target.disposeBrowserContext", params);
  }

  /** Resident memory of a local browser's process tree; empty for a remote one. */
  Optional<Long> rssBytes() {
    return process == null ? Optional.empty() : Optional.of(process.rssBytes());
  }

  /**
   * Retires this browser: from now on its exit is expected. Closes the connection (commands in flight fail with
   * {@code reason}); the caller kills a local process through the pool's registry.
   */
  void retire(BrowserException reason) {
    retiring = true;
    cdp.close(reason);
  }

  @Override
  public String toString() {
    return "Browser{" + host + " #" + generation + (process == null ? ", remote" : ", pid " + process.pid()) + '}';
  }
}
