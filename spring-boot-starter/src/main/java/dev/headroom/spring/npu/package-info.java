/** {@code headroom.npu.*}: an {@link dev.headroom.npu.EmbeddingPool} over a local model, remote embedding workers and a cloud overflow. Active only when the module is on the classpath. */
package dev.headroom.spring.npu;
