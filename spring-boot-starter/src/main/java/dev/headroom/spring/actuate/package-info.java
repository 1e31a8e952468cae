/**
 * Actuator contributions, each active only when the Spring Boot module it needs is on the classpath: a
 * {@link dev.headroom.spring.actuate.PoolHealthIndicator} per pool (the {@code headroom} health component), the
 * modules' components ({@code headroomBrowser}, {@code headroomSql}, {@code headroomCache},
 * {@code headroomFleet}) and
 * {@link dev.headroom.spring.actuate.HeadroomInfoContributor} (the {@code headroom} section of
 * {@code /actuator/info}, with the scaling advisor's firing rules).
 */
package dev.headroom.spring.actuate;
