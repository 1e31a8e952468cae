package dev.headroom.testkit.browser;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A tiny HTTP server on a free loopback port with pages for browser tests, demos and benchmarks (a real browser
 * loads them; nothing leaves the machine).
 *
 * <ul>
 *   <li>{@code GET /page?title=T&color=C} — an HTML page titled {@code T} on a solid background {@code C} (a CSS
 *       colour, default {@code #3366cc}) with the title in a heading;</li>
 *   <li>{@code GET /set-cookie?name=N&value=V} — the same page, answered with {@code Set-Cookie: N=V; Path=/};</li>
 *   <li>{@code GET /echo-cookies} — a page whose body is the request's {@code Cookie} header;</li>
 *   <li>anything else — 404.</li>
 * </ul>
 */
public final class PageServer implements AutoCloseable {
  private final HttpServer server;
  private final ExecutorService executor;
  private final AtomicLong requests = new AtomicLong();

  private PageServer(HttpServer server, ExecutorService executor) {
    this.server = server;
    this.executor = executor;
  }

  /** Starts a server on 127.0.0.1 and a free port. */
  public static PageServer start() {
    try {
      HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
      ExecutorService executor = Executors.newFixedThreadPool(4, runnable -> {
        Thread thread = new Thread(runnable, "page-server");
        thread.setDaemon(true);
        return thread;
      });
      PageServer pages = new PageServer(server, executor);
      server.createContext("/", pages::handle);
      server.setExecutor(executor);
      server.start();
      return pages;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** {@code http://127.0.0.1:<port>}. */
  public URI uri() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  /** The URL of {@code pathAndQuery} on this server, e.g. {@code url("/page?title=a")}. */
  public String url(String pathAndQuery) {
    return uri() + pathAndQuery;
  }

  /** Requests served so far. */
  public long requests() {
    return requests.get();
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
    try {
      executor.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void handle(HttpExchange exchange) throws IOException {
    requests.incrementAndGet();
    try (exchange) {
      Map<String, String> query = query(exchange.getRequestURI().getRawQuery());
      String path = exchange.getRequestURI().getPath();
      String title = query.getOrDefault("title", "headroom");
      String color = query.getOrDefault("color", "#3366cc");
      String body;
      switch (path) {
        case "/page" -> body = page(title, color, title);
        case "/set-cookie" -> {
          String name = query.getOrDefault("name", "k");
          String value = query.getOrDefault("value", "v");
          exchange.getResponseHeaders().add("Set-Cookie", name + "=" + value + "; Path=/");
          body = page(title, color, "cookie " + name + " set");
        }
        case "/echo-cookies" -> {
          String cookies = exchange.getRequestHeaders().getFirst("Cookie");
          body = page("cookies", color, cookies == null ? "" : cookies);
        }
        default -> {
          exchange.sendResponseHeaders(404, -1);
          return;
        }
      }
      byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", "text/html; charset=utf-8");
      exchange.getResponseHeaders().set("Cache-Control", "no-store");
      exchange.sendResponseHeaders(200, bytes.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(bytes);
      }
    }
  }

  private static String page(String title, String color, String text) {
    return "<!doctype html><html><head><meta charset=utf-8><title>" + escape(title) + "</title>"
        + "<link rel=icon href=data:,></head><body style=\"margin:0;background:" + escape(color)
        + "\"><h1 id=t style=\"color:white;font-family:sans-serif\">" + escape(text) + "</h1></body></html>";
  }

  private static String escape(String text) {
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
  }

  private static Map<String, String> query(String raw) {
    Map<String, String> query = new LinkedHashMap<>();
    if (raw == null || raw.isEmpty()) {
      return query;
    }
    for (String pair : raw.split("&")) {
      int eq = pair.indexOf('=');
      String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
      String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
      query.put(key, value);
    }
    return query;
  }
}
