/**
 * Spring Boot auto-configuration for Headroom: everything from {@code headroom.*} properties.
 *
 * <ul>
 *   <li>{@link dev.headroom.spring.HeadroomAutoConfiguration}: {@link dev.headroom.spring.HeadroomPools} and
 *       {@link dev.headroom.spring.HeadroomRouters} from {@code headroom.pools.*} and {@code headroom.routers.*}
 *       ({@link dev.headroom.spring.HeadroomProperties}), one bean per pool and router qualified by its name,
 *       meters on the application's {@code MeterRegistry}, and {@link dev.headroom.spring.HeadroomLifecycle},
 *       which drains and closes the pools when the context stops.
 *   <li>{@link dev.headroom.spring.HeadroomScalingAutoConfiguration}: a
 *       {@link dev.headroom.scaling.ScalingAdvisor} from {@code headroom.scaling.*}.
 *   <li>{@code dev.headroom.spring.llm}: an {@link dev.headroom.llm.LlmRouter} from {@code headroom.llm.*}; its node
 *       pools join {@link dev.headroom.spring.HeadroomPools} through a {@link dev.headroom.spring.HeadroomPoolSource}.
 *   <li>{@code dev.headroom.spring.browser}: a {@link dev.headroom.browser.BrowserPool} from {@code headroom.browser.*}.
 *   <li>{@code dev.headroom.spring.sql}: the application's {@code DataSource} as a
 *       {@link dev.headroom.sql.ReplicaRoutingDataSource} from {@code headroom.sql.*}, ahead of Spring Boot's own.
 *   <li>{@code dev.headroom.spring.npu}: an {@link dev.headroom.npu.EmbeddingPool} from {@code headroom.npu.*}; its
 *       core pools join {@link dev.headroom.spring.HeadroomPools} through a
 *       {@link dev.headroom.spring.HeadroomPoolSource}.
 *   <li>{@code dev.headroom.spring.cache}: a {@link dev.headroom.redis.CacheCluster} and its namespaces
 *       ({@link dev.headroom.spring.cache.HeadroomCaches}) from {@code headroom.cache.*}, and the LLM router's
 *       response cache on Redis.
 *   <li>{@code dev.headroom.spring.fleet}: a {@link dev.headroom.redis.fleet.RedisFleet} from {@code headroom.fleet.*}
 *       (off unless seeds or use-cache-cluster is set); every pool, LLM router, browser pool and embedding pool above
 *       joins the application's {@link dev.headroom.core.fleet.FleetCoordinator} bean, when there is one, through
 *       {@link dev.headroom.spring.FleetBeans}.
 *   <li>{@code dev.headroom.spring.discovery}: the {@code discovery} block of each pool and module (DNS, Kubernetes,
 *       Spring Cloud's {@code DiscoveryClient}) kept in step with its facade by a core {@code MembershipSync}, and
 *       the {@code slow-start} of the members it adds.
 *   <li>{@code dev.headroom.spring.cloud}: Spring Cloud LoadBalancer on Headroom's pools ({@code @LoadBalanced}
 *       clients calling {@code http://<pool>/...}), when {@code spring-cloud-loadbalancer} is present.
 *   <li>{@code dev.headroom.spring.actuate}: a health indicator per pool, per browser pool, per routing DataSource,
 *       per cache cluster and for the fleet coordinator, and the {@code headroom} info section, when Spring Boot's
 *       health and actuator modules are present.
 * </ul>
 *
 * <p><b>Adding a module's auto-configuration</b> (done this way for the LLM router, browser, SQL, NPU and cache
 * modules): one package {@code dev.headroom.spring.<module>} per module with
 *
 * <ol>
 *   <li>a {@code @ConfigurationProperties("headroom.<module>")} record (records with {@code @DefaultValue}s equal
 *       to the module's builder defaults, as {@link dev.headroom.spring.PoolProperties});
 *   <li>an {@code @AutoConfiguration(after = HeadroomAutoConfiguration.class)} class with
 *       {@code @ConditionalOnClass} on a class of the module (by name, so the starter compiles without it; the
 *       module is an {@code <optional>} dependency of the starter), {@code @ConditionalOnBooleanProperty} on
 *       {@code headroom.enabled} and {@code @ConditionalOnHeadroomProperties("headroom.<module>")}; its beans
 *       {@code @ConditionalOnMissingBean}, pools looked up in {@link dev.headroom.spring.HeadroomPools} by name,
 *       every group of settings built inside {@link dev.headroom.spring.PropertyErrors#at} with the property path
 *       that the builder's {@link dev.headroom.core.ConfigException#path() paths} are relative to (the property is
 *       that path kebab-cased, never read from the message; pass the leading path segments a group already stands
 *       for, as {@code at(group, "outlierDetection", ...)}, and where the builder's path of a setting does not map
 *       onto the property, use {@link dev.headroom.spring.PropertyErrors#as})
 *       so that a rejected value names its property (check ids, indexes and required values yourself, naming
 *       {@code ...nodes[i].id}), everything checked before anything expensive starts (a model load, a connection),
 *       secrets masked in the record's {@code toString()}, core pools the module builds
 *       itself offered through a {@link dev.headroom.spring.HeadroomPoolSource} bean, a
 *       {@code Headroom<Module>Customizer} for the builder, and anything that holds processes or browsers an
 *       {@code AutoCloseable} bean (closed with the context) or a {@code SmartLifecycle} in
 *       {@link dev.headroom.spring.HeadroomLifecycle#PHASE};
 *   <li>a line in {@code META-INF/spring/org.springframework.boot.autoconfigure.AutoConfiguration.imports}, its
 *       records added to {@code PropertiesTableTest} (the README table) and, for health, a
 *       {@code HealthContributor} in {@code dev.headroom.spring.actuate} in a nested configuration guarded by
 *       {@code @ConditionalOnClass} (by name) and {@code @ConditionalOnBean} of the module's type, as
 *       {@link dev.headroom.spring.actuate.HeadroomModulesHealthAutoConfiguration} does.
 * </ol>
 */
package dev.headroom.spring;
