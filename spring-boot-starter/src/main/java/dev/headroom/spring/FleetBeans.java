package dev.headroom.spring;

import dev.headroom.core.fleet.FleetCoordinator;
import java.util.Optional;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;

/**
 * The application's {@link FleetCoordinator} bean (the one of {@code headroom.fleet.*}, or its own), for the pools and
 * facades the starter builds: each auto-configuration that builds one hands it to the builder when there is one and
 * changes nothing when there is none. The coordinator is registered as a dependency of the bean that uses it, so that
 * the context closes that bean (its pools leave the fleet and give their permits back) before the coordinator.
 */
public final class FleetBeans {
  private FleetBeans() {}

  /**
   * The coordinator bean, if there is one, registered as a dependency of {@code dependent}.
   *
   * @param coordinators the injection point of the bean method that builds {@code dependent}
   * @param beanFactory the context's bean factory
   * @param dependent the name of the bean being built (closed before the coordinator)
   * @throws org.springframework.beans.factory.NoUniqueBeanDefinitionException when there are several coordinators and
   *     none is primary
   */
  public static Optional<FleetCoordinator> coordinator(ObjectProvider<FleetCoordinator> coordinators,
      BeanFactory beanFactory, String dependent) {
    FleetCoordinator coordinator = coordinators.getIfAvailable();
    if (coordinator == null) {
      return Optional.empty();
    }
    if (beanFactory instanceof ConfigurableListableBeanFactory factory) {
      // an ObjectProvider lookup records no dependency, so the destruction order would be left to chance
      for (String name : factory.getBeanNamesForType(FleetCoordinator.class, false, false)) {
        if (factory.containsSingleton(name) && factory.getSingleton(name) == coordinator) {
          factory.registerDependentBean(name, dependent);
        }
      }
    }
    return Optional.of(coordinator);
  }
}
