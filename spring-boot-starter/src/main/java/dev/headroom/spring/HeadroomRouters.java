package dev.headroom.spring;

import dev.headroom.core.route.Router;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** The routers built from {@code headroom.routers.*}, by name. Each is also a bean qualified by its name. */
public final class HeadroomRouters {
  private final Map<String, Router> routers;

  /** @param routers every router by name, in order */
  public HeadroomRouters(Map<String, Router> routers) {
    this.routers = Collections.unmodifiableMap(new LinkedHashMap<>(routers));
  }

  /** The router named {@code name}, if there is one. */
  public Optional<Router> find(String name) {
    return Optional.ofNullable(routers.get(name));
  }

  /**
   * The router named {@code name}.
   *
   * @throws IllegalArgumentException naming the routers there are, when there is none of that name
   */
  public Router get(String name) {
    Router router = routers.get(name);
    if (router == null) {
      throw new IllegalArgumentException("no Headroom router named '" + name + "'; there are " + routers.keySet());
    }
    return router;
  }

  /** Every router by name, in configuration order. */
  public Map<String, Router> asMap() {
    return routers;
  }

  /** The router names. */
  public Set<String> names() {
    return routers.keySet();
  }

  @Override
  public String toString() {
    return "HeadroomRouters" + routers.keySet();
  }
}
