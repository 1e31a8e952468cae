package dev.headroom.discovery;

/**
 * A DNS lookup of a {@link DnsDiscovery} gave no usable answer: the server did not answer in time, failed
 * (SERVFAIL, REFUSED), or said the name or its records do not exist while empty answers are not
 * {@linkplain DnsDiscovery.Builder#emptyIsValid(boolean) taken as valid}. The source reports it through
 * {@code Listener.onError} and keeps its last good set.
 */
public final class DnsLookupException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final boolean notFound;

  DnsLookupException(String message, boolean notFound) {
    super(message);
    this.notFound = notFound;
  }

  /**
   * Whether the server answered that the name (NXDOMAIN) or its records of the type (an empty answer) do not
   * exist, rather than failing to answer.
   */
  public boolean notFound() {
    return notFound;
  }
}
