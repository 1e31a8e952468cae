package dev.headroom.spring;

import dev.headroom.scaling.ScalingAdvisor;
import dev.headroom.scaling.ScalingConfig;
import dev.headroom.scaling.ScalingListener;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.ConfigurationPropertiesBinding;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.annotation.Bean;
import org.springframework.core.io.ResourceLoader;

/**
 * A {@link ScalingAdvisor} over the application's {@link MeterRegistry}, from {@code headroom.scaling.*} (a file,
 * inline rules, or both), sending its signals to every {@link ScalingListener} bean. It starts sampling with the
 * context and stops with it. Created only when something under {@code headroom.scaling} is set; off with
 * {@code headroom.scaling.enabled=false} or {@code headroom.enabled=false}.
 */
@AutoConfiguration(after = HeadroomAutoConfiguration.class, afterName = {
    "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration",
    "org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration"})
@ConditionalOnClass(ScalingAdvisor.class)
@ConditionalOnBooleanProperty(name = "headroom.enabled", matchIfMissing = true)
@ConditionalOnBooleanProperty(name = "headroom.scaling.enabled", matchIfMissing = true)
@ConditionalOnHeadroomProperties("headroom.scaling")
@EnableConfigurationProperties(HeadroomScalingProperties.class)
public class HeadroomScalingAutoConfiguration {

  /** Creates the auto-configuration (Spring does). */
  public HeadroomScalingAutoConfiguration() {}

  /** Binds {@code above: 50} as a warning level. */
  @Bean
  @ConfigurationPropertiesBinding
  static LevelsConverter headroomScalingLevelsConverter() {
    return new LevelsConverter();
  }

  /**
   * The advisor (sampling starts with the context).
   *
   * @throws dev.headroom.core.ConfigException naming the property when a value is bad, or when the application
   *     has no {@link MeterRegistry} bean to read
   */
  @Bean
  @ConditionalOnMissingBean
  public ScalingAdvisor headroomScalingAdvisor(HeadroomScalingProperties properties,
      ObjectProvider<MeterRegistry> registry, ObjectProvider<ScalingListener> listeners, ResourceLoader loader) {
    ScalingConfig config = ScalingConfigFactory.create(properties, loader);
    MeterRegistry meters = registry.getIfAvailable();
    if (meters == null) {
      throw PropertyErrors.invalid("headroom.scaling", "(no MeterRegistry bean)",
          "needs the application's MeterRegistry: add spring-boot-starter-actuator (or spring-boot-micrometer-metrics)"
              + " or declare a MeterRegistry bean");
    }
    ScalingAdvisor.Builder builder = ScalingAdvisor.builder(config, meters);
    listeners.orderedStream().forEach(builder::listener);
    return builder.build();
  }

  /** Starts the advisor with the context and closes it when the context stops. */
  @Bean
  @ConditionalOnMissingBean(name = "headroomScalingLifecycle")
  public SmartLifecycle headroomScalingLifecycle(ScalingAdvisor advisor) {
    return new ScalingLifecycle(advisor);
  }

  /** Starts and stops one advisor. */
  static final class ScalingLifecycle implements SmartLifecycle {
    private final ScalingAdvisor advisor;
    private volatile boolean running;

    ScalingLifecycle(ScalingAdvisor advisor) {
      this.advisor = advisor;
    }

    @Override
    public void start() {
      advisor.start();
      running = true;
    }

    @Override
    public void stop() {
      advisor.close();
      running = false;
    }

    @Override
    public boolean isRunning() {
      return running;
    }
  }
}
