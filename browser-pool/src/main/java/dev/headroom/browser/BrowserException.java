package dev.headroom.browser;

import dev.headroom.core.HeadroomException;
import java.util.Objects;

/**
 * Something went wrong with a browser host or one of its sessions. Subtypes say what: {@link CdpException} (the
 * browser refused a command), {@link TargetCrashedException} (one page's renderer crashed),
 * {@link BrowserCrashedException} (the whole browser went away), {@link SessionTerminatedException} (the pool ended
 * the session), {@link NavigationException} (and its {@link NavigationTimeoutException}), {@link EvaluationException}
 * and {@link BrowserLaunchException}.
 */
public class BrowserException extends HeadroomException {
  private static final long serialVersionUID = 1L;

  private final String host;

  /**
   * @param host the id of the host the problem happened on
   * @param message what happened
   */
  public BrowserException(String host, String message) {
    super("browser host '" + host + "': " + message);
    this.host = Objects.requireNonNull(host, "host");
  }

  /**
   * @param host the id of the host the problem happened on
   * @param message what happened
   * @param cause the underlying error
   */
  public BrowserException(String host, String message, Throwable cause) {
    super("browser host '" + host + "': " + message, cause);
    this.host = Objects.requireNonNull(host, "host");
  }

  /** The id of the host the problem happened on. */
  public String host() {
    return host;
  }

  /**
   * A new exception of the same kind and message with this one as its cause, thrown again on a later call so that
   * each caller sees its own stack trace. Subtypes that can be remembered by a session override it.
   */
  BrowserException again() {
    return new BrowserException(host, detail(), this);
  }

  /** The message without the "browser host 'x': " prefix. */
  String detail() {
    String prefix = "browser host '" + host + "': ";
    String message = getMessage();
    return message.startsWith(prefix) ? message.substring(prefix.length()) : message;
  }
}
