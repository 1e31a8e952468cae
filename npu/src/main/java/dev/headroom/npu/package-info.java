/**
 * Embeddings on local accelerators with a cloud to spill to: {@link dev.headroom.npu.EmbeddingPool} batches texts
 * dynamically onto backends (OpenVINO devices, ONNX Runtime on the CPU, remote NPU workers) and sends what they
 * cannot take to an OpenAI-compatible cloud.
 *
 * <h2>Shape</h2>
 * {@link dev.headroom.npu.EmbeddingPool#builder(String)} returns an {@link dev.headroom.npu.EmbeddingPoolBuilder};
 * {@code build()} validates every setting with core's {@link dev.headroom.core.Checks} (a
 * {@link dev.headroom.core.ConfigException} names the subject, e.g. {@code embedding pool 'x'}, and the builder's
 * path of the setting, e.g. {@code maxBatchSize}, which the Spring starter maps onto its properties) and derives
 * the immutable settings the internals read; nothing keeps the builder. Each backend has its own builder and the
 * same kind of checks ({@code ONNX Runtime backend 'cpu'}, {@code remote worker 'npu-1'}, {@code cloud 'cloud'}).
 *
 * <h2>Why the pool batches, and why only on a free slot</h2>
 * An accelerator answers a batch of 32 in about the time it takes for one text, so throughput comes from batches;
 * but a batch that is sent to a busy device only queues inside it, where nobody can see or move it. The
 * package-private {@code Batcher} therefore keeps texts in length buckets (so a batch is padded to little more
 * than its longest text) and releases a bucket when it is full or its oldest text has waited {@code maxQueueDelay},
 * and only once core's picker (power of two choices on peak-EWMA cost) grants a lease on a backend with a free
 * slot. Under load batches grow instead of queues forming inside backends. Every decision happens under one lock
 * on whichever thread caused it (a submit, a finished batch, a timer); backends run on an executor. Each text is
 * in exactly one queue or one running batch, so it is answered exactly once.
 *
 * <h2>Spill, refusal and pacing</h2>
 * The local queue has a warning and a critical depth. Past the warning depth a text goes to the cloud lane (a
 * second core pool, so the cloud has its own concurrency limit and breaker); without a cloud it queues to the
 * critical depth and is then refused with core's {@code NoCapacityException}. {@code embedAll} admits a long list
 * in pieces bounded by the critical depth, so one large call is paced rather than refused by the pool's own
 * threshold, and still spills past the warning depth as everyone's texts do.
 *
 * <h2>Failures stay local</h2>
 * A failed batch is split in two and retried, so one bad text fails alone instead of taking its batch with it;
 * a text is not retried on a backend that already failed it. Every reply, from a local device, a worker or the
 * cloud, passes one check ({@code EmbeddingCheck}) before it is an answer: one vector per text, of the pool's
 * dimension, every component finite, not all zeros. A model that overflowed or a worker that serialised
 * {@code NaN} gives replies of the right shape and useless content: they are {@link
 * dev.headroom.npu.BadEmbeddingException}s, failures of that backend, never answers. The remote and cloud clients
 * ({@code JsonPost}) accept exactly one JSON value per reply (NDJSON sent to a non-streaming request is unreadable,
 * not its first value) and read a bare {@code NaN} so that the check can name it.
 *
 * <h2>Workers</h2>
 * {@link dev.headroom.npu.WorkerProtocol} is the wire format of a remote worker; {@link
 * dev.headroom.npu.WorkerEndpoints} is its server side for the JDK's {@code HttpServer}, so that any process with
 * an NPU can serve a pool elsewhere through {@link dev.headroom.npu.RemoteWorkerBackend}.
 *
 * <h2>Membership at run time</h2>
 * Local backends and workers join and leave while texts flow ({@code addBackend}, {@code drainBackend},
 * {@code removeBackend}, or a {@link dev.headroom.core.discovery.MembershipTarget} from {@code membership(...)}).
 * The package-private {@code EmbeddingMembers} adds one to the local core pool and the local lane (the pool's own
 * executor grows by its slots) with the builder's checks, and removes one from the pool at once (no new batches)
 * but closes it only when its running batches have ended: closing a device in the middle of an inference is not
 * safe, and a remote worker's call is bounded by its own timeout.
 *
 * <h2>Public surface</h2>
 * What applications build (the pool, backends, models, tokenizers), what they catch (the exceptions), what they
 * read ({@link dev.headroom.npu.Embedding}, {@link dev.headroom.npu.PoolLoad}, {@link dev.headroom.npu.QueueLevel})
 * and what a custom backend implements ({@link dev.headroom.npu.EmbeddingBackend} with {@link
 * dev.headroom.npu.EmbeddingBatch}); metric names are in {@link dev.headroom.npu.NpuMetricNames}. The batcher,
 * lanes, pending texts, reply check, JSON client, vector arithmetic and meter recorder are package-private.
 */
package dev.headroom.npu;
