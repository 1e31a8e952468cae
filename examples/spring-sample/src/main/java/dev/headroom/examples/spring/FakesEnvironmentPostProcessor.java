package dev.headroom.examples.spring;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.apache.commons.logging.Log;
import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.context.event.ApplicationFailedEvent;
import org.springframework.boot.logging.DeferredLogFactory;
import org.springframework.context.ApplicationEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.Profiles;

/**
 * With the {@code fakes} profile (the default), starts {@link FakeBackends} before the pools are configured and
 * puts their URLs into the environment; they stop when the context closes (or fails to start). The Redis Cluster
 * needs {@code redis-server} and {@code redis-cli}: without them the cache is switched off
 * ({@code headroom.cache.enabled=false}, {@code GET /cached} then computes every time) and a log line says so. Runs
 * after the configuration files are read, so that {@code spring.profiles.default} in {@code application.yml} counts.
 */
final class FakesEnvironmentPostProcessor implements EnvironmentPostProcessor, Ordered {
  private final Log log;

  FakesEnvironmentPostProcessor(DeferredLogFactory logs) {
    this.log = logs.getLog(FakesEnvironmentPostProcessor.class);
  }

  @Override
  public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
    if (!environment.acceptsProfiles(Profiles.of("fakes"))) {
      return;
    }
    boolean redis = onPath("redis-server") && onPath("redis-cli");
    FakeBackends fakes = FakeBackends.start(redis);
    Map<String, Object> properties = fakes.properties();
    if (redis) {
      log.info("fakes: a Redis Cluster of 6 redis-server processes for headroom.cache: "
          + properties.get("fakes.redis-uris"));
    } else {
      properties.put("headroom.cache.enabled", "false");
      log.warn("fakes: redis-server is not installed, so there is no Redis Cluster and the cache is off"
          + " (headroom.cache.enabled=false; GET /cached computes every time). Install redis-server and redis-tools"
          + " to run it.");
    }
    environment.getPropertySources().addFirst(new MapPropertySource("headroom-fakes", properties));
    application.addListeners((ApplicationListener<ApplicationEvent>) event -> {
      if (event instanceof ContextClosedEvent || event instanceof ApplicationFailedEvent) {
        fakes.close();
      }
    });
    application.addInitializers(context -> context.getBeanFactory().registerSingleton("fakeBackends", fakes));
  }

  private static boolean onPath(String program) {
    String path = System.getenv("PATH");
    if (path == null) {
      return false;
    }
    for (String dir : path.split(File.pathSeparator)) {
      Path candidate = Path.of(dir, program);
      if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
        return true;
      }
    }
    return false;
  }

  @Override
  public int getOrder() {
    return Ordered.LOWEST_PRECEDENCE;
  }
}
