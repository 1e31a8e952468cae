package dev.headroom.spring;

import dev.headroom.core.Pool;
import dev.headroom.core.route.Router;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.springframework.beans.BeansException;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.BeanFactoryAware;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.beans.factory.support.AutowireCandidateQualifier;
import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.beans.factory.support.BeanDefinitionRegistryPostProcessor;
import org.springframework.beans.factory.support.RootBeanDefinition;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.EnvironmentAware;
import org.springframework.core.env.Environment;

/**
 * Registers each configured pool and router as a bean of its own, qualified by its name, so that an application
 * can write {@code @Qualifier("chat") Router router}. The beans are lazy views of {@link HeadroomPools} and
 * {@link HeadroomRouters}, named {@code headroom.pool.<name>} and {@code headroom.router.<name>}.
 */
final class HeadroomBeanRegistrar implements BeanDefinitionRegistryPostProcessor, EnvironmentAware,
    BeanFactoryAware {
  /** The prefix of the pool views' bean names (excluded when collecting the application's own Pool beans). */
  static final String POOL_BEAN_PREFIX = "headroom.pool.";
  static final String ROUTER_BEAN_PREFIX = "headroom.router.";

  private Environment environment;
  private BeanFactory beanFactory;

  @Override
  public void setEnvironment(Environment environment) {
    this.environment = environment;
  }

  @Override
  public void setBeanFactory(BeanFactory beanFactory) {
    this.beanFactory = beanFactory;
  }

  @Override
  public void postProcessBeanDefinitionRegistry(BeanDefinitionRegistry registry) throws BeansException {
    Binder binder = Binder.get(environment);
    for (String name : names(binder, "headroom.pools")) {
      register(registry, POOL_BEAN_PREFIX + name, name, Pool.class,
          () -> beanFactory.getBean(HeadroomPools.class).get(name));
    }
    for (String name : names(binder, "headroom.routers")) {
      register(registry, ROUTER_BEAN_PREFIX + name, name, Router.class,
          () -> beanFactory.getBean(HeadroomRouters.class).get(name));
    }
  }

  private static <T> void register(BeanDefinitionRegistry registry, String beanName, String qualifier,
      Class<T> type, Supplier<T> supplier) {
    if (registry.containsBeanDefinition(beanName)) {
      return; // the application defined it: its own wins
    }
    RootBeanDefinition definition = new RootBeanDefinition(type, supplier);
    definition.setLazyInit(true);
    definition.addQualifier(new AutowireCandidateQualifier(Qualifier.class, qualifier));
    definition.setDestroyMethodName(""); // a view: the registry owns (and closes) the object
    registry.registerBeanDefinition(beanName, definition);
  }

  private static Set<String> names(Binder binder, String prefix) {
    return binder.bind(prefix, Bindable.mapOf(String.class, Object.class))
        .map(Map::keySet)
        .orElse(Set.of());
  }
}
