/**
 * Model-aware, least-loaded routing over an Ollama fleet with a second pool and an OpenAI-compatible cloud as
 * overflow tiers, on core's {@link dev.headroom.core.route.Router}. {@link dev.headroom.llm.LlmRouter} is the entry
 * point.
 *
 * <h2>Shape</h2>
 * The public types are what a user writes or reads: the router and its builder, the requests and replies
 * ({@code ChatRequest}, {@code ChatResponse}, {@code ChatStream}, {@code Chunk}, {@code EmbedRequest},
 * {@code EmbedResponse}, {@code Message}, {@code NodeStatus}), the settings values ({@code OllamaNode},
 * {@code CloudConfig}, {@code SpendLimit}, {@code ModelPrice}, {@code ModelGroup}, {@code Deployment},
 * {@code Provider}), the response cache SPI, the exceptions a caller can
 * catch and {@link dev.headroom.llm.LlmMetricNames}. Everything else is package-private and has one job each; the
 * package is not split in sub-packages because Java has no access level between "package" and "public", and moving
 * the internals apart would make them all public API.
 * <ul>
 *   <li><b>Settings.</b> {@code LlmRouter.Builder.build()} validates with core's {@link dev.headroom.core.Checks}
 *       (each bad setting a {@link dev.headroom.core.ConfigException} of subject {@code llm router '<name>'} and the
 *       builder's setting name as its path, which the Spring starter maps to its property) into the immutable
 *       {@code LlmRouterSettings}; every part reads those, never the builder. {@code LlmRouterParts} wires the parts;
 *       {@code LlmTiers} builds the pools and the core routers (one per distinct per-request wait budget, bounded).
 *   <li><b>One request.</b> {@code RequestRunner} runs its steps in order: the {@code RequestDeadline};
 *       {@code ModelResolver} (aliases, the catalog key, the cloud model, refusing a model nobody has, the per-tier
 *       selectors); the {@code ResponseCacheStep}; the core router; and the attempt on each lease it hands out,
 *       {@code Attempts} (a whole answer or embeddings) or {@code StreamAttempts} (a stream up to its first token,
 *       then its end), which {@code StreamPump} drives for a {@code ChatStream}. Around a cloud call,
 *       {@code CloudSpend} reserves and settles against the {@code SpendGuard}; after a reply,
 *       {@code CatalogFeedback} feeds its speed, load time and model into {@code NodeStats} and the {@code Catalog}
 *       (which {@code FleetPoller} also fills from {@code /api/tags} and {@code /api/ps}), which the picker's
 *       {@code LlmCost} and the {@code ModelSelector} read on the next request.
 *   <li><b>The wire.</b> The classes named {@code Wire*} speak HTTP and nothing else: {@code WireExchange} (one
 *       exchange that an {@code Abort} can cut, bounded body reads, exactly-one-JSON-value parsing, error statuses
 *       and {@code Retry-After}), {@code WireLines} (bounded line reads), {@code WireStream} (a streamed reply),
 *       {@code WireOllama} and {@code WireOpenAi} (the two protocols). They know no tiers, leases or metrics; their
 *       failures are typed exceptions the router classifies ({@code LlmClassifier}). {@code InFlight} tracks every
 *       exchange's {@code Abort} so that {@code close()} can cut them.
 *   <li><b>Membership.</b> {@code LlmMembers} adds, drains and removes Ollama nodes at run time (and is the
 *       router's {@link dev.headroom.core.discovery.MembershipTarget}): a new node joins the local core pool and is
 *       registered in the {@code Catalog} and read at once by the {@code FleetPoller}; a removed one is drained,
 *       then cut off in {@code InFlight} if its drain timeout passed, and forgotten by all three.
 *   <li><b>GPU memory.</b> With a {@link dev.headroom.llm.VramPolicy}, the {@code FleetPoller} hands every
 *       {@code /api/ps} to the {@code VramGuard}, which sums {@code size_vram}, flags the node in the
 *       {@code Catalog} above the warning level (the {@code ModelSelector} then refuses it cold loads while the
 *       catalog knows another node that can take the model without one: a soft rule, because an answer after a cold
 *       load beats no answer), and above the critical level unloads the least recently used model that has no
 *       exchange in flight ({@code InFlight} knows each exchange's node and model, and when each pair was last
 *       used). One unload per poll: the next poll measures again rather than guessing what the unload freed.
 *   <li><b>Model groups.</b> {@code Deployments} runs the groups' provider deployments: a core pool of one
 *       endpoint each (its concurrency, its {@code Retry-After} bench and its failure cooldown are the pool's), a
 *       {@code WireOpenAi} per provider (its key in its own header), a {@code Pacer} per deployment with limits (the
 *       fleet coordinator's token buckets, waited for within the wait budget), a {@code SpendGuard} per group.
 *       {@code LlmTiers} builds a core router per group, its deployments in order; {@code ModelResolver} turns a
 *       group's name into a target and its context windows into the tiers' selectors; an attempt on a deployment's
 *       lease is a cloud call through the {@code CloudRoute} that {@code LlmTiers} gives for it. See
 *       {@code docs/architecture.md}.
 *   <li><b>Metrics.</b> {@code LlmMetricNames} holds the names; the package-private {@code LlmMetrics} records, and
 *       keeps each meter per tag set, so the request path does a map lookup, not a registry lookup.
 * </ul>
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
 * an error, never an answer. Every embedding reply, from a node and from the cloud alike, goes through one check
 * ({@code EmbedCheck}): one vector per input, one dimension across the reply, every component finite (a bare
 * {@code NaN} or {@code Infinity} is read so it can be named) and no vector of zeros; anything else is such a bad
 * reply naming the node and the problem. Replies report the model name the server gave and why generation stopped
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
