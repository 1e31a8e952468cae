/** {@code headroom.cache.*}: a {@link dev.headroom.redis.CacheCluster}, its {@link dev.headroom.redis.TieredCache} namespaces through {@link dev.headroom.spring.cache.HeadroomCaches}, and the LLM router's response cache on Redis. Active only when the module is on the classpath. */
package dev.headroom.spring.cache;
