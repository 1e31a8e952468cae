package dev.headroom.browser;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * Brings up a host's browser: launches a local Chromium and connects to the endpoint it prints, or reads a remote
 * host's {@code /json/version} and connects to its {@code webSocketDebuggerUrl}.
 */
final class BrowserLauncher {
  private final PoolResources runtime;

  BrowserLauncher(PoolResources runtime) {
    this.runtime = runtime;
  }

  /** Completes with a connected browser, or with a {@link BrowserLaunchException}. */
  CompletableFuture<Browser> launch(BrowserHost host, int generation) {
    return host.isLocal() ? launchLocal(host, generation) : connectRemote(host, generation);
  }

  private CompletableFuture<Browser> launchLocal(BrowserHost host, int generation) {
    ChromiumProcess process;
    try {
      process = runtime.processes.launch(host.id(), host.executable(), host.extraArgs());
    } catch (BrowserLaunchException e) {
      return CompletableFuture.failedFuture(e);
    }
    CompletableFuture<Browser> browser = process.devToolsUrl(runtime.config.launchTimeout(), runtime.scheduler)
        .thenCompose(url -> connect(host, generation, url, process));
    return browser.whenComplete((b, error) -> {
      if (error != null) {
        runtime.run(() -> runtime.processes.kill(process));
      }
    });
  }

  private CompletableFuture<Browser> connectRemote(BrowserHost host, int generation) {
    URI endpoint = host.endpoint().orElseThrow();
    String scheme = endpoint.getScheme().toLowerCase(Locale.ROOT);
    CompletableFuture<URI> url = scheme.startsWith("ws")
        ? CompletableFuture.completedFuture(endpoint)
        : discover(host.id(), endpoint);
    return url.thenCompose(u -> connect(host, generation, u, null));
  }

  /** {@code GET /json/version}, then the {@code webSocketDebuggerUrl} moved to the host and port we were given. */
  private CompletableFuture<URI> discover(String host, URI endpoint) {
    URI version = endpoint.resolve("/json/version");
    HttpRequest request = HttpRequest.newBuilder(version).timeout(runtime.config.launchTimeout()).GET().build();
    return runtime.http.sendAsync(request, HttpResponse.BodyHandlers.ofString())
        .handle((response, error) -> {
          if (error != null) {
            throw new CompletionException(new BrowserLaunchException(host, "GET " + version + " failed: "
                + (error instanceof CompletionException && error.getCause() != null ? error.getCause() : error),
                error));
          }
          if (response.statusCode() != 200) {
            throw new CompletionException(new BrowserLaunchException(host, "GET " + version + " answered "
                + response.statusCode()));
          }
          try {
            JsonNode body = runtime.mapper.readTree(response.body());
            String ws = body.path("webSocketDebuggerUrl").asText("");
            if (ws.isEmpty()) {
              throw new BrowserLaunchException(host, "GET " + version + " has no webSocketDebuggerUrl");
            }
            URI found = URI.create(ws);
            // the browser names itself as it sees itself (often 127.0.0.1); reach it where we reached /json/version
            String wsScheme = "https".equalsIgnoreCase(endpoint.getScheme()) ? "wss" : "ws";
            return new URI(wsScheme, null, endpoint.getHost(), endpoint.getPort(), found.getPath(), null, null);
          } catch (BrowserLaunchException e) {
            throw new CompletionException(e);
          } catch (java.io.IOException | URISyntaxException | IllegalArgumentException e) {
            throw new CompletionException(new BrowserLaunchException(host, "GET " + version
                + " answered something unreadable: " + e.getMessage(), e));
          }
        });
  }

  private CompletableFuture<Browser> connect(BrowserHost host, int generation, URI url, ChromiumProcess process) {
    return CdpConnection.connect(runtime.http, url, host.id(), runtime.mapper, runtime.scheduler,
            runtime.config.launchTimeout(), runtime.config.commandTimeout())
        .thenCompose(cdp -> {
          Browser browser = new Browser(host.id(), generation, cdp, process, runtime.mapper, runtime.ticker.read());
          // discovery makes Chromium send Target.targetCrashed for our pages
          return cdp.send(CdpConnection.BROWSER, "Target.setDiscoverTargets",
                  runtime.mapper.createObjectNode().put("discover", true))
              .handle((ok, error) -> {
                if (error != null) {
                  cdp.close(new BrowserLaunchException(host.id(), "setup failed"));
                  throw new CompletionException(new BrowserLaunchException(host.id(),
                      "the browser at " + url + " refused Target.setDiscoverTargets: " + unwrap(error), error));
                }
                return browser;
              });
        });
  }

  static Throwable unwrap(Throwable error) {
    Throwable e = error;
    while ((e instanceof CompletionException || e instanceof java.util.concurrent.ExecutionException)
        && e.getCause() != null) {
      e = e.getCause();
    }
    return e;
  }
}
