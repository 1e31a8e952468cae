package dev.headroom.core.discovery;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The discovery logger, created on first use (as core's): SLF4J prints its "no providers" notice when its factory
 * first starts, so an application without a provider sees it only if there is something to log.
 */
final class SyncLog {
  static final Logger LOG = LoggerFactory.getLogger(MembershipSync.class);

  private SyncLog() {}
}
