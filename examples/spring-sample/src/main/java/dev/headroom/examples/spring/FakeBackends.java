package dev.headroom.examples.spring;

import dev.headroom.testkit.browser.PageServer;
import dev.headroom.testkit.llm.FakeOllama;
import dev.headroom.testkit.llm.FakeOpenAi;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The embedded stand-ins of the {@code fakes} profile: two Ollama nodes with {@code llama3.2} (2 parallel slots each,
 * one with the model already loaded), an OpenAI-compatible cloud API that checks its key, and a page server for the
 * screenshots. Their URLs (and the fake key) go into the environment as {@code fakes.<name>}, which
 * {@code application.yml} uses ahead of the real URLs.
 */
final class FakeBackends implements AutoCloseable {
  /** The key the fake cloud API accepts; a real key comes from {@code OPENAI_API_KEY}. */
  static final String CLOUD_KEY = "sk-fake-sample-key";

  private final FakeOllama ollama1;
  private final FakeOllama ollama2;
  private final FakeOpenAi cloud;
  private final PageServer pages;

  private FakeBackends(FakeOllama ollama1, FakeOllama ollama2, FakeOpenAi cloud, PageServer pages) {
    this.ollama1 = ollama1;
    this.ollama2 = ollama2;
    this.cloud = cloud;
    this.pages = pages;
  }

  static FakeBackends start() {
    return new FakeBackends(
        FakeOllama.builder("ollama-1").model("llama3.2").loaded("llama3.2").parallel(2).seed(1).start(),
        FakeOllama.builder("ollama-2").model("llama3.2").parallel(2).coldLoad(Duration.ofMillis(300)).seed(2).start(),
        FakeOpenAi.builder("cloud").apiKey(CLOUD_KEY).start(),
        PageServer.start());
  }

  /** {@code fakes.<name>} → {@code http://127.0.0.1:<port>}, and {@code fakes.cloud-api-key}. */
  Map<String, Object> properties() {
    Map<String, Object> properties = new LinkedHashMap<>();
    properties.put("fakes.ollama-1", ollama1.uri().toString());
    properties.put("fakes.ollama-2", ollama2.uri().toString());
    properties.put("fakes.cloud", cloud.uri().toString());
    properties.put("fakes.cloud-api-key", CLOUD_KEY);
    properties.put("fakes.pages", pages.uri().toString());
    return properties;
  }

  /** A page of the page server, e.g. {@code /page?title=hello}. */
  String page(String pathAndQuery) {
    return pages.url(pathAndQuery);
  }

  /** Whether every fake has stopped (the page server has no such query: it stops with the others). */
  boolean stopped() {
    return !ollama1.isRunning() && !ollama2.isRunning() && !cloud.isRunning();
  }

  @Override
  public void close() {
    ollama1.close();
    ollama2.close();
    cloud.close();
    pages.close();
  }
}
