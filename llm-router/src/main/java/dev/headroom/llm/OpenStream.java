package dev.headroom.llm;

import dev.headroom.core.Lease;
import dev.headroom.core.time.Scheduler;

/**
 * A stream that reached its first token: the lease (detached from the router), the open reply, what was read, and
 * what must be released when it ends.
 *
 * @param deadlineTimer aborts the stream at the request deadline, now that the router no longer watches the lease
 * @param model the model name to report when the final message names none
 * @param reservation the cloud's spend reservation, or null for an Ollama node
 * @param cloud the cloud route of the stream, or null for an Ollama node
 * @param tokens the tokens the call took from its deployment's limits (estimated)
 */
record OpenStream(Lease lease, WireStream stream, Abort abort, Scheduler.Cancellable deadlineTimer, Delta first,
    long ttftNanos, String tier, String endpoint, String model, SpendGuard.Reservation reservation,
    CloudRoute cloud, int tokens) {}
