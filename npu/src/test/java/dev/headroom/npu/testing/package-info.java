/**
 * Test support that other modules' tests reach through the npu module's test jar ({@code headroom-npu}, type
 * {@code test-jar}, which carries only this package): {@link dev.headroom.npu.testing.EmbeddingWorker}, a remote
 * embedding worker on loopback. It lives here, not in the testkit, so that the testkit depends on core only
 * (core &larr; testkit) while npu's own tests use the testkit's fakes.
 */
package dev.headroom.npu.testing;
