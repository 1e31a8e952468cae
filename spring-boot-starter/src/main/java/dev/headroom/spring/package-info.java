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
 *       {@link dev.headroom.core.scaling.ScalingAdvisor} from {@code headroom.scaling.*}.
 *   <li>{@code dev.headroom.spring.actuate}: a health indicator per pool and the {@code headroom} info section,
 *       when Spring Boot's health and actuator modules are present.
 * </ul>
 *
 * <p><b>Adding a module's auto-configuration</b> (the LLM router, NPU, browser, cache and SQL modules): one
 * package {@code dev.headroom.spring.<module>} per module with
 *
 * <ol>
 *   <li>a {@code @ConfigurationProperties("headroom.<module>")} record (records with {@code @DefaultValue}s equal
 *       to the module's builder defaults, as {@link dev.headroom.spring.PoolProperties});
 *   <li>an {@code @AutoConfiguration(after = HeadroomAutoConfiguration.class)} class with
 *       {@code @ConditionalOnClass} on a class of the module (by name, so the starter compiles without it; the
 *       module is an {@code <optional>} dependency of the starter), {@code @ConditionalOnBooleanProperty} on
 *       {@code headroom.enabled} and {@code @ConditionalOnHeadroomProperties("headroom.<module>")}; its beans
 *       {@code @ConditionalOnMissingBean}, pools looked up in {@link dev.headroom.spring.HeadroomPools} by name,
 *       every group of settings built inside {@link dev.headroom.spring.PropertyErrors#at} so that a rejected
 *       value names its property, and anything that holds processes or browsers an {@code AutoCloseable} bean
 *       (closed with the context) or a {@code SmartLifecycle} in {@link dev.headroom.spring.HeadroomLifecycle#PHASE};
 *   <li>a line in {@code META-INF/spring/org.springframework.boot.autoconfigure.AutoConfiguration.imports}, its
 *       records added to {@code PropertiesTableTest} (the README table) and, for health, a
 *       {@code HealthContributor} in {@code dev.headroom.spring.actuate} guarded by {@code @ConditionalOnClass}.
 * </ol>
 */
package dev.headroom.spring;
