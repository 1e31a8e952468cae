package dev.headroom.npu;

import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/** One text on its way through a pool: where it is queued, how often it failed, and the caller's future. */
final class PendingText {
  final String text;
  final Tokens tokens; // null without a tokenizer
  final int bucket; // index into the pool's length buckets
  final int index; // position in the caller's list, -1 for a single text
  final CompletableFuture<Embedding> future = new CompletableFuture<>();
  final Set<String> failedOn = new HashSet<>(2);
  long enqueuedAt;
  int attempts;
  Throwable lastFailure; // why its last try failed, kept for the error it may end with
  String lastFailedOn; // the backend of that try

  PendingText(String text, Tokens tokens, int bucket, int index) {
    this.text = text;
    this.tokens = tokens;
    this.bucket = bucket;
    this.index = index;
  }

  boolean isDone() {
    return future.isDone();
  }

  @Override
  public String toString() {
    return "PendingText{" + index + ", bucket " + bucket + ", attempts " + attempts + '}';
  }
}
