package dev.headroom.sql;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Optional;
import java.util.concurrent.Executor;

/**
 * A connection that decides where it goes at its first real use, so that whatever was said before that decides:
 * {@code setReadOnly(true)} (as Spring's transaction manager says it for {@code @Transactional(readOnly = true)},
 * right after taking the connection and before any statement) or an enclosing {@code readOnly(...)} scope send it to
 * a replica; anything else to the primary. Until then {@code setAutoCommit}, {@code setReadOnly},
 * {@code setTransactionIsolation}, their getters, {@code commit}, {@code rollback}, {@code close} and warnings are
 * answered here, and are applied to the physical connection when it is taken. This is what Spring's
 * {@code LazyConnectionDataSourceProxy} does for a routing data source; it is built in, so no proxy is needed.
 *
 * <p>A primary connection opened for writing, in a read-your-writes scope, holds the scope's reads on the primary
 * until it is closed; closing it reads the primary's commit position into the scope's token.
 *
 * <p>Not thread-safe, like a JDBC connection. Statements come from the physical connection, so
 * {@code statement.getConnection()} returns the physical one.
 */
final class LazyConnection implements InvocationHandler {
  /** The proxy class's constructor, looked up once: {@code Proxy.newProxyInstance} would look it up per call. */
  private static final MethodHandle PROXY_CONSTRUCTOR = proxyConstructor();

  private final Routing routing;
  private final boolean readOnlyScope;
  private final TokenHolder holder;
  private final String user;
  private final String password;
  private Boolean readOnly;
  private Boolean autoCommit;
  private Integer isolation;
  private LeasedConnection bound;
  private boolean closed;
  private boolean openWrite;
  private boolean broken;

  private LazyConnection(Routing routing, boolean readOnlyScope, TokenHolder holder, String user, String password) {
    this.routing = routing;
    this.readOnlyScope = readOnlyScope;
    this.holder = holder;
    this.user = user;
    this.password = password;
  }

  /**
   * A new unrouted connection.
   *
   * @param holder the read-your-writes state that applies, or null
   * @param user null to use the data sources' own credentials
   */
  static Connection create(Routing routing, boolean readOnlyScope, TokenHolder holder, String user,
      String password) {
    LazyConnection handler = new LazyConnection(routing, readOnlyScope, holder, user, password);
    try {
      return (Connection) PROXY_CONSTRUCTOR.invokeExact((InvocationHandler) handler);
    } catch (RuntimeException | Error e) {
      throw e;
    } catch (Throwable e) {
      throw new IllegalStateException("cannot create a routed connection", e);
    }
  }

  private static MethodHandle proxyConstructor() {
    Object sample = Proxy.newProxyInstance(RoutedConnection.class.getClassLoader(),
        new Class<?>[] {Connection.class, RoutedConnection.class}, (proxy, method, args) -> null);
    try {
      return MethodHandles.publicLookup()
          .findConstructor(sample.getClass(), MethodType.methodType(void.class, InvocationHandler.class))
          .asType(MethodType.methodType(Connection.class, InvocationHandler.class));
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  @Override
  public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
    String name = method.getName();
    switch (name) {
      case "equals":
        return proxy == args[0];
      case "hashCode":
        return System.identityHashCode(proxy);
      case "toString":
        return describe();
      case "node":
        return bound == null ? Optional.empty() : Optional.of(bound.node());
      case "onReplica":
        return bound != null && bound.replica();
      case "fallbackReason":
        return bound == null ? Optional.empty() : Optional.ofNullable(bound.fallback());
      case "unwrap":
        if (((Class<?>) args[0]).isInstance(proxy)) {
          return proxy;
        }
        break;
      case "isWrapperFor":
        if (((Class<?>) args[0]).isInstance(proxy)) {
          return true;
        }
        break;
      case "close":
        close(null);
        return null;
      case "abort":
        close((Executor) args[0]);
        return null;
      case "isClosed":
        return closed || (bound != null && bound.connection().isClosed());
      default:
        break;
    }
    if (closed) {
      throw new SQLException("the connection is closed", "08003");
    }
    if (bound == null) {
      switch (name) {
        case "setReadOnly":
          readOnly = (Boolean) args[0];
          return null;
        case "isReadOnly":
          return readOnlyIntent();
        case "setAutoCommit":
          autoCommit = (Boolean) args[0];
          return null;
        case "getAutoCommit":
          return autoCommit != null ? autoCommit : routing.defaultAutoCommit;
        case "setTransactionIsolation":
          isolation = (Integer) args[0];
          return null;
        case "getTransactionIsolation":
          return isolation != null ? isolation : routing.defaultIsolation;
        case "commit":
        case "rollback":
          if (args == null) {
            return null; // nothing was done: nothing to commit or roll back
          }
          break;
        case "getWarnings":
          return null;
        case "clearWarnings":
          return null;
        case "isValid":
          return true;
        default:
          break;
      }
      bind();
    }
    try {
      return method.invoke(bound.connection(), args);
    } catch (InvocationTargetException e) {
      Throwable cause = e.getCause();
      if (cause instanceof SQLException sql && isConnectionFailure(sql)) {
        broken = true;
      }
      throw cause;
    }
  }

  private boolean readOnlyIntent() {
    return readOnly != null ? readOnly : readOnlyScope;
  }

  private void bind() throws SQLException {
    boolean read = readOnlyIntent();
    LeasedConnection b = read ? routing.read(holder, user, password) : routing.write(user, password);
    Connection c = b.connection();
    try {
      if (read) {
        c.setReadOnly(true); // also on a primary fallback, so that its transactions are read-only too
      } else if (readOnly != null && c.isReadOnly() != readOnly) {
        c.setReadOnly(readOnly);
      }
      if (autoCommit != null && c.getAutoCommit() != autoCommit) {
        c.setAutoCommit(autoCommit);
      }
      if (isolation != null) {
        c.setTransactionIsolation(isolation);
      }
    } catch (SQLException | RuntimeException e) {
      release(b, e);
      throw e;
    }
    bound = b;
    if (!read && holder != null) {
      openWrite = true;
      holder.writeOpened();
    }
  }

  /** Ends the connection: closes it, or aborts it when {@code abortExecutor} is set. */
  private void close(Executor abortExecutor) throws SQLException {
    if (closed) {
      return;
    }
    closed = true;
    LeasedConnection b = bound;
    if (b == null) {
      return;
    }
    long position = 0;
    try {
      if (openWrite) {
        // an aborted connection may hang: ask a fresh one
        position = routing.commitPosition(abortExecutor == null ? b.connection() : null);
      }
    } finally {
      if (openWrite) {
        openWrite = false;
        holder.writeClosed(position);
      }
      if (abortExecutor != null) {
        try {
          b.connection().abort(abortExecutor);
        } finally {
          b.lease().close();
        }
      } else {
        release(b, null);
      }
    }
  }

  /** Closes the physical connection and ends the lease: a failure when the connection broke. */
  private void release(LeasedConnection b, Throwable cause) throws SQLException {
    try {
      b.connection().close();
    } finally {
      if (broken) {
        b.lease().failure(new SQLException("connection to '" + b.node() + "' failed during use", "08006"));
      } else if (cause != null && !(cause instanceof SQLException sql && !isConnectionFailure(sql))) {
        b.lease().failure(cause);
      } else {
        b.lease().success();
      }
    }
  }

  /** SQLSTATE class 08 (connection exception) or 57P01-57P03 (server shutting down or not accepting). */
  static boolean isConnectionFailure(SQLException e) {
    String state = e.getSQLState();
    return state != null && (state.startsWith("08") || state.equals("57P01") || state.equals("57P02")
        || state.equals("57P03"));
  }

  private String describe() {
    if (bound == null) {
      return "RoutedConnection{" + routing.name + (closed ? ", closed" : ", not routed yet")
          + (readOnlyIntent() ? ", read-only" : "") + '}';
    }
    return "RoutedConnection{" + routing.name + " -> " + bound.node()
        + (bound.fallback() != null ? " (fallback: " + bound.fallback() + ")" : "") + (closed ? ", closed" : "")
        + '}';
  }
}
