package dev.headroom.npu;

/**
 * A pool's load, for a worker's load report and for scaling.
 *
 * @param pending texts waiting for a local backend
 * @param inFlight texts being embedded now, local and cloud
 * @param capacity texts the local backends can embed at once (concurrency × batch size, summed)
 * @param level the queue level against the thresholds
 * @param cloudPending texts waiting for the cloud
 */
public record PoolLoad(int pending, int inFlight, int capacity, QueueLevel level, int cloudPending) {}
