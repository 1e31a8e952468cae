package dev.headroom.core;

/** Holder of shared selector instances. */
final class Selectors {
  static final Selector ANY = new Selector() {
    @Override
    public boolean accepts(EndpointState endpoint) {
      return true;
    }

    @Override
    public String toString() {
      return "Selector.any()";
    }
  };

  static final Selector WITHOUT_PANIC = new Selector() {
    @Override
    public boolean accepts(EndpointState endpoint) {
      return !endpoint.admittedByPanic();
    }

    @Override
    public String toString() {
      return "Selector.withoutPanic()";
    }
  };

  private Selectors() {}
}
