package dev.headroom.examples.spring;

import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.context.event.ApplicationFailedEvent;
import org.springframework.context.ApplicationEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.Profiles;

/**
 * With the {@code fakes} profile (the default), starts {@link FakeBackends} before the pools are configured and
 * puts their URLs into the environment; they stop when the context closes (or fails to start). Runs after the
 * configuration files are read, so that {@code spring.profiles.default} in {@code application.yml} counts.
 */
final class FakesEnvironmentPostProcessor implements EnvironmentPostProcessor, Ordered {

  @Override
  public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
    if (!environment.acceptsProfiles(Profiles.of("fakes"))) {
      return;
    }
    FakeBackends fakes = FakeBackends.start();
    environment.getPropertySources().addFirst(new MapPropertySource("headroom-fakes", fakes.properties()));
    application.addListeners((ApplicationListener<ApplicationEvent>) event -> {
      if (event instanceof ContextClosedEvent || event instanceof ApplicationFailedEvent) {
        fakes.close();
      }
    });
    application.addInitializers(context -> context.getBeanFactory().registerSingleton("fakeBackends", fakes));
  }

  @Override
  public int getOrder() {
    return Ordered.LOWEST_PRECEDENCE;
  }
}
