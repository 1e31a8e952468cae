package dev.headroom.browser;

/**
 * One isolated browser context with one page attached through a flattened session, on one browser generation.
 *
 * @param browser the browser it lives in
 * @param browserContextId from {@code Target.createBrowserContext}
 * @param targetId the page, from {@code Target.createTarget}
 * @param sessionId the flattened session, from {@code Target.attachToTarget}
 */
record PageContext(Browser browser, String browserContextId, String targetId, String sessionId) {}
