package dev.headroom.scaling;

/**
 * Receives the signals of a {@link ScalingAdvisor}. Called on the advisor's sampling thread (for virtual time:
 * the thread that advances it), after the state has been updated; must not block. An exception it throws is
 * logged and does not reach other listeners or stop sampling.
 */
@FunctionalInterface
public interface ScalingListener {
  /** A signal was made. */
  void onSignal(ScalingSignal signal);
}
