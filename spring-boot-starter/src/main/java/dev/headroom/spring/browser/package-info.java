/** {@code headroom.browser.*}: a {@link dev.headroom.browser.BrowserPool} of headless-Chromium sessions. Active only when the module is on the classpath. */
package dev.headroom.spring.browser;
