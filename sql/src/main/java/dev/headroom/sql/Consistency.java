package dev.headroom.sql;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * One data source's per-thread state: the open {@link ConsistencyScope}s, the thread's own read-your-writes holder
 * (in {@link ReadYourWrites#PER_THREAD} mode) and the depth of {@code readOnly(...)} scopes. Instance fields, not
 * statics: two data sources never share tokens.
 */
final class Consistency {
  private final ReadYourWrites mode;
  private final ThreadLocal<TokenHolder> perThread = new ThreadLocal<>();
  private final ThreadLocal<Deque<ConsistencyScope>> scopes = new ThreadLocal<>();
  private final ThreadLocal<int[]> readOnlyDepth = ThreadLocal.withInitial(() -> new int[1]);

  Consistency(ReadYourWrites mode) {
    this.mode = mode;
  }

  /** The holder that applies on this thread now: the innermost scope's, else the thread's, else none (null). */
  TokenHolder current() {
    Deque<ConsistencyScope> open = scopes.get();
    if (open != null && !open.isEmpty()) {
      return open.peek().holder;
    }
    if (mode != ReadYourWrites.PER_THREAD) {
      return null;
    }
    TokenHolder holder = perThread.get();
    if (holder == null) {
      holder = new TokenHolder(0);
      perThread.set(holder);
    }
    return holder;
  }

  ConsistencyScope open(long start) {
    ConsistencyScope scope = new ConsistencyScope(this, new TokenHolder(start));
    Deque<ConsistencyScope> open = scopes.get();
    if (open == null) {
      open = new ArrayDeque<>();
      scopes.set(open);
    }
    open.push(scope);
    return scope;
  }

  void close(ConsistencyScope scope) {
    Deque<ConsistencyScope> open = scopes.get();
    if (open == null || open.peek() != scope) {
      throw new IllegalStateException("close the ConsistencyScopes opened inside this one first");
    }
    open.pop();
    if (open.isEmpty()) {
      scopes.remove();
    }
    TokenHolder outer = current();
    if (outer != null) {
      outer.advance(scope.holder.position());
    }
  }

  boolean inReadOnlyScope() {
    return readOnlyDepth.get()[0] > 0;
  }

  void enterReadOnly() {
    readOnlyDepth.get()[0]++;
  }

  void exitReadOnly() {
    int[] depth = readOnlyDepth.get();
    if (--depth[0] == 0) {
      readOnlyDepth.remove();
    }
  }
}
