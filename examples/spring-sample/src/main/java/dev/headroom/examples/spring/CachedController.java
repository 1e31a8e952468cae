package dev.headroom.examples.spring;

import dev.headroom.redis.JacksonCodec;
import dev.headroom.redis.TieredCache;
import dev.headroom.spring.cache.HeadroomCaches;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /cached/{key}}: a value that is expensive to compute (here a key derivation with 200,000 rounds, about a
 * tenth of a second of CPU) through the {@code reports} namespace of {@code headroom.cache}: L1 in this JVM, then the
 * Redis Cluster shared by every instance, then the computation, once per key at a time. The answer says whether this
 * request computed it. With the cache off (no Redis), every request computes.
 */
@RestController
class CachedController {
  static final String NAMESPACE = "reports";
  private static final int ROUNDS = 200_000;

  private final Optional<TieredCache<String, String>> reports;

  CachedController(ObjectProvider<HeadroomCaches> caches) {
    this.reports = Optional.ofNullable(caches.getIfAvailable())
        .map(c -> c.cache(NAMESPACE, JacksonCodec.of(String.class, 1)));
  }

  @GetMapping("/cached/{key}")
  Map<String, Object> cached(@PathVariable("key") String key) {
    AtomicBoolean computed = new AtomicBoolean();
    String value = reports.map(cache -> cache.get(key, k -> {
      computed.set(true);
      return compute(k);
    })).orElseGet(() -> {
      computed.set(true);
      return compute(key);
    });
    Map<String, Object> reply = new LinkedHashMap<>();
    reply.put("key", key);
    reply.put("value", value);
    reply.put("computed", computed.get());
    reply.put("cache", reports.map(c -> c.toString()).orElse("off"));
    return reply;
  }

  private static String compute(String key) {
    try {
      PBEKeySpec spec = new PBEKeySpec(key.toCharArray(), "headroom".getBytes(StandardCharsets.UTF_8), ROUNDS, 256);
      byte[] derived = SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec).getEncoded();
      return HexFormat.of().formatHex(derived);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("PBKDF2WithHmacSHA256 is part of every JDK", e);
    }
  }
}
