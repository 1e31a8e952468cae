package dev.headroom.spring.actuate;

import dev.headroom.scaling.ScalingAdvisor;
import dev.headroom.spring.HeadroomAutoConfiguration;
import dev.headroom.spring.HeadroomPools;
import dev.headroom.spring.HeadroomRouters;
import dev.headroom.spring.HeadroomScalingAutoConfiguration;
import java.util.Optional;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * When Spring Boot's actuator is present: the {@code headroom} section of {@code /actuator/info} (pools, routers
 * and the scaling advisor's firing rules).
 */
@AutoConfiguration(after = {HeadroomAutoConfiguration.class, HeadroomScalingAutoConfiguration.class})
@ConditionalOnClass(name = {"org.springframework.boot.actuate.info.InfoContributor", "dev.headroom.core.Pool"})
public class HeadroomInfoAutoConfiguration {

  /** Creates the auto-configuration (Spring does). */
  public HeadroomInfoAutoConfiguration() {}

  /** The {@code headroom} info section. */
  @Bean
  @ConditionalOnMissingBean
  public HeadroomInfoContributor headroomInfoContributor(ObjectProvider<HeadroomPools> pools,
      ObjectProvider<HeadroomRouters> routers, ObjectProvider<ScalingAdvisor> advisor) {
    return new HeadroomInfoContributor(Optional.ofNullable(pools.getIfAvailable()),
        Optional.ofNullable(routers.getIfAvailable()), Optional.ofNullable(advisor.getIfAvailable()));
  }
}
