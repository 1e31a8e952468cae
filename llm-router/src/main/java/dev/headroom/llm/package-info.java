/**
 * Model-aware, least-loaded routing over an Ollama fleet with a second pool and an OpenAI-compatible cloud as
 * overflow tiers, on core's {@link dev.headroom.core.route.Router}. {@link dev.headroom.llm.LlmRouter} is the entry
 * point; the rest of the package is its parts, each with one job (the HTTP clients, the model
 * {@code Catalog} and its poller, the {@code Dispatcher} that runs calls on leases, the {@code StreamPump} of a
 * stream).
 *
 * <h2>Deadlines</h2>
 * A request's timeout ({@link dev.headroom.llm.ChatRequest#timeout()}, else the router's
 * {@link dev.headroom.llm.LlmRouter.Builder#requestTimeout requestTimeout}) bounds everything the request does:
 * waiting for a slot, connecting, waiting for headers and the first token, every gap between chunks, and reading the
 * whole body or stream. Per-call timeouts of the JDK client stop at the headers, so they cannot keep that promise
 * against a server that drips a byte a second or streams for ever; instead each attempt registers an abort with
 * its lease ({@link dev.headroom.core.Lease#onAbort}) that cancels the pending send and closes the body being read,
 * and core's watchdog runs it at the deadline. A stream outlives the routed call (its lease is detached at the
 * first token), so it keeps the same deadline with a timer of its own. The caller gets core's
 * {@link dev.headroom.core.RequestTimeoutException}; after the first chunk of a stream it is the cause of the
 * {@link dev.headroom.llm.StreamInterruptedException}, which keeps the text delivered. The first-token and idle
 * timeouts are tighter bounds inside the request's, for retrying a silent node early. {@code LlmRouter.close()}
 * aborts every exchange in progress the same way, so no caller stays blocked on a read.
 *
 * <h2>Replies</h2>
 * A non-streamed reply must be exactly one JSON value: several values (NDJSON to a non-stream request), trailing
 * data, an empty body, a body cut short, an HTML page with a 200 and a body past {@code maxBodyBytes} are a bad reply
 * from that node - a {@link dev.headroom.core.BackendException} naming it, a failure of its lease, retried elsewhere
 * when the request is idempotent - never the first value taken as the answer. An in-band {@code {"error": ...}} is
 * an error, never an answer. Replies report the model name the server gave and why generation stopped
 * ({@link dev.headroom.llm.ChatResponse#doneReason()}), so a cut answer ({@code "length"}) is never mistaken for a
 * complete one.
 *
 * <h2>Errors</h2>
 * Ollama's 503 "server busy", and any 503 or 429 with {@code Retry-After}, is backpressure: re-routed at once, never
 * counted against the node, and with {@code Retry-After} the node is benched that long (core caps it). A model no
 * node lists and no cloud model maps is refused before anything is sent with a
 * {@link dev.headroom.llm.ModelNotFoundException} naming it and what the nodes have; a node's 404 for a model is a
 * client error (the request is not re-sent; the model is forgotten on that node until its next {@code /api/tags}),
 * as is any other 4xx.
 */
package dev.headroom.llm;
