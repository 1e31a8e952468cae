package dev.headroom.llm;

import java.time.Duration;

/**
 * Where a cloud attempt goes: the wire client of its API, the model it names (null: the request's mapped cloud
 * model, for the router's one cloud tier), the spend step it is counted in and the key of its price there, and its
 * pacing (null: none).
 */
record CloudRoute(String tier, WireOpenAi wire, String model, CloudSpend spend, String priceKey, Pacer pacer) {

  /** Takes the call's turn from the deployment's limits, if it has any, waiting at most {@code maxWait}. */
  void pace(int tokens, Duration maxWait, Abort abort) throws InterruptedException {
    if (pacer != null) {
      pacer.acquire(tokens, maxWait, abort);
    }
  }

  /** Gives back the tokens a reply shows were estimated too many. */
  void unpace(int estimated, GenStats stats) {
    int used = stats.promptTokens() + stats.evalCount();
    if (pacer != null && used > 0 && used < estimated) {
      pacer.refundTokens(estimated - used);
    }
  }

  /** The model to send for {@code target}. */
  String model(ModelTarget target) {
    return model != null ? model : target.cloudModel();
  }

  /** The key of the price of {@code target}'s call in the spend guard. */
  String priceKey(ModelTarget target) {
    return priceKey != null ? priceKey : target.cloudModel();
  }
}
