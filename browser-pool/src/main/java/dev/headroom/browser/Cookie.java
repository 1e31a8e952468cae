package dev.headroom.browser;

/**
 * A cookie of a session's browser context, as {@code Storage.getCookies} reports it.
 *
 * @param name the cookie name
 * @param value the cookie value
 * @param domain the domain it is sent to
 * @param path the path it is sent to
 * @param expires expiry in seconds since the epoch; negative for a session cookie
 * @param httpOnly whether scripts cannot read it
 * @param secure whether it is sent over HTTPS only
 * @param sameSite {@code Strict}, {@code Lax}, {@code None}, or empty when not set
 */
public record Cookie(String name, String value, String domain, String path, double expires, boolean httpOnly,
    boolean secure, String sameSite) {

  /** Whether this is a session cookie (no expiry). */
  public boolean session() {
    return expires < 0;
  }

  @Override
  public String toString() {
    return name + "=<" + value.length() + " chars>; domain=" + domain + "; path=" + path;
  }
}
