package dev.headroom.sql;

import java.util.Optional;

/**
 * A read-your-writes scope on the current thread, for example one per request: writes made inside it advance its
 * token, and reads inside it go to a replica only once that replica has replayed the token (else they wait up to
 * the configured bound, or read from the primary). Open it with {@link ReplicaRoutingDataSource#consistencyScope()}
 * or, to continue from a token that an earlier request returned to its client, with
 * {@link ReplicaRoutingDataSource#consistencyScope(ReplicationToken)}; close it on the same thread. Scopes nest;
 * closing one passes its token on to the enclosing scope (or thread).
 *
 * <pre>{@code
 * try (ConsistencyScope scope = ds.consistencyScope(tokenFromHeader)) {
 *   handle(request);                               // writes and reads
 *   scope.token().ifPresent(t -> response.header("X-Read-After", t.toString()));
 * }
 * }</pre>
 */
public final class ConsistencyScope implements AutoCloseable {
  private final Consistency owner;
  private final Thread thread;
  final TokenHolder holder;
  private boolean closed;

  ConsistencyScope(Consistency owner, TokenHolder holder) {
    this.owner = owner;
    this.holder = holder;
    this.thread = Thread.currentThread();
  }

  /** The latest write position seen in this scope, if any. */
  public Optional<ReplicationToken> token() {
    long position = holder.position();
    return position == 0 ? Optional.empty() : Optional.of(new ReplicationToken(position));
  }

  /**
   * Ends the scope and hands its token to the enclosing scope or thread.
   *
   * @throws IllegalStateException when called on another thread or before the scopes opened inside it are closed
   */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    if (Thread.currentThread() != thread) {
      throw new IllegalStateException("a ConsistencyScope must be closed on the thread that opened it ("
          + thread.getName() + "), not on " + Thread.currentThread().getName());
    }
    owner.close(this);
    closed = true;
  }

  @Override
  public String toString() {
    return "ConsistencyScope{" + token().map(ReplicationToken::toString).orElse("no writes") + '}';
  }
}
