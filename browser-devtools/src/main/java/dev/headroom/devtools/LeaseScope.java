package dev.headroom.devtools;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * What one client of a leased DevTools endpoint may see and do: the CDP traffic between the client and the browser
 * goes through here, one message at a time, and comes out rewritten, refused or dropped so that the client sees
 * only the lease's browser context. It keeps no sockets: {@link Relay} moves the text, this class decides.
 *
 * <p>What belongs to the lease: the targets whose {@code browserContextId} is the lease's (and the lease's page from
 * the start), the sessions the browser attached to them for this client, and whatever is attached below those
 * sessions (frames, workers). Everything else of the browser is invisible: other contexts and their targets, the
 * default context, and the browser target itself. Browser-wide commands are refused unless they are listed here
 * with a rule that keeps them to the lease; commands on a session of the lease are passed through, except the
 * {@code Target.*} and {@code Browser.*} ones, which get the same rules, and anything naming another context.
 *
 * <p>Command ids are renumbered on the way to the browser, so the proxy's own commands (resuming and detaching
 * other leases' targets the browser attached while auto-attaching) never collide with the client's.
 *
 * <p>{@link #fromClient} runs on the client's thread and {@link #fromBrowser} on the browser connection's reader,
 * one message at a time each; the state they share is concurrent.
 */
final class LeaseScope {
  /** Chromium's code for a server error; the one refusals use. */
  static final int REFUSED = -32000;
  /** Chromium's code for a session it does not know. */
  static final int NO_SESSION = -32001;

  private final ObjectMapper mapper;
  private final String contextId;
  private final AtomicLong ids = new AtomicLong();
  private final Map<Long, Pending> pending = new ConcurrentHashMap<>();
  private final Set<String> sessions = ConcurrentHashMap.newKeySet();
  private final Set<String> targets = ConcurrentHashMap.newKeySet();
  private final Set<Integer> windows = ConcurrentHashMap.newKeySet();
  private final Set<String> frames = ConcurrentHashMap.newKeySet();
  private final Set<String> downloads = ConcurrentHashMap.newKeySet();

  LeaseScope(ObjectMapper mapper, String contextId, String pageTargetId) {
    this.mapper = mapper;
    this.contextId = contextId;
    targets.add(pageTargetId);
    frames.add(pageTargetId); // a page's main frame has its target's id
  }

  /** Where the messages a decision produces go. */
  interface Sink {
    void toClient(ObjectNode message);

    void toBrowser(ObjectNode message);
  }

  // ------------------------------------------------------------------ client → browser

  /** Handles one message from the client: forwards it (perhaps rewritten), answers it, or refuses it. */
  void fromClient(ObjectNode message, Sink sink) {
    JsonNode id = message.get("id");
    String method = message.path("method").asText("");
    String sessionId = message.path("sessionId").asText("");
    if (id == null || !id.canConvertToLong() || method.isEmpty()) {
      sink.toClient(error(id, sessionId, -32600, "a command needs an integer 'id' and a 'method'"));
      return;
    }
    if (!sessionId.isEmpty() && !sessions.contains(sessionId)) {
      sink.toClient(error(id, sessionId, NO_SESSION, "Session with given id not found (or not part of this lease)"));
      return;
    }
    JsonNode rawParams = message.get("params");
    ObjectNode params = rawParams instanceof ObjectNode object ? object : mapper.createObjectNode();
    message.set("params", params);
    String named = params.path("browserContextId").asText(null);
    if (named != null && !named.equals(contextId)) {
      refuse(sink, id, sessionId, method + " names a browser context outside this lease");
      return;
    }
    boolean browserLevel = sessionId.isEmpty();
    switch (method) {
      case "Browser.close", "Browser.crash", "Browser.crashGpuProcess" ->
          refuse(sink, id, sessionId, method + " is not allowed: the pool owns the browser");
      case "Target.createBrowserContext", "Target.disposeBrowserContext" ->
          refuse(sink, id, sessionId, method + " is not allowed: the pool owns the browser contexts");
      case "Target.getBrowserContexts" -> {
        ObjectNode result = mapper.createObjectNode();
        result.putArray("browserContextIds").add(contextId);
        sink.toClient(reply(id, sessionId, result));
      }
      case "Target.createTarget" -> {
        params.put("browserContextId", contextId);
        forward(message, sink, result -> targets.add(result.path("targetId").asText()));
      }
      case "Target.attachToTarget" -> {
        if (!params.path("flatten").asBoolean(false)) {
          refuse(sink, id, sessionId, method + " needs flatten: true (the proxy relays flattened sessions only)");
        } else if (ownTarget(params, sink, id, sessionId, method)) {
          forward(message, sink, result -> sessions.add(result.path("sessionId").asText()));
        }
      }
      case "Target.closeTarget", "Target.activateTarget", "Target.autoAttachRelated" -> {
        if (ownTarget(params, sink, id, sessionId, method)) {
          forward(message, sink, null);
        }
      }
      case "Target.getTargetInfo" -> {
        if (!params.has("targetId") || ownTarget(params, sink, id, sessionId, method)) {
          forward(message, sink, null);
        }
      }
      case "Target.getTargets" -> forward(message, sink, this::keepOwnTargets);
      case "Target.setAutoAttach" -> {
        if (!params.path("flatten").asBoolean(false)) {
          refuse(sink, id, sessionId, method + " needs flatten: true (the proxy relays flattened sessions only)");
        } else {
          forward(message, sink, null);
        }
      }
      case "Target.setDiscoverTargets", "Browser.getVersion" -> forward(message, sink, null);
      case "Target.detachFromTarget" -> {
        String detached = params.path("sessionId").asText("");
        if (detached.isEmpty() ? ownTarget(params, sink, id, sessionId, method) : ownSession(detached, sink, id,
            sessionId, method)) {
          forward(message, sink, null);
        }
      }
      case "Storage.getCookies", "Storage.setCookies", "Storage.clearCookies", "Browser.grantPermissions",
          "Browser.resetPermissions", "Browser.setPermission", "Browser.setDownloadBehavior",
          "Browser.cancelDownload" -> {
        params.put("browserContextId", contextId); // unset means the default context: the lease's, here
        forward(message, sink, null);
      }
      case "Browser.getWindowForTarget" -> {
        if ((!browserLevel && !params.has("targetId")) || ownTarget(params, sink, id, sessionId, method)) {
          forward(message, sink, result -> windows.add(result.path("windowId").asInt()));
        }
      }
      case "Browser.getWindowBounds", "Browser.setWindowBounds", "Browser.setContentsSize" -> {
        if (windows.contains(params.path("windowId").asInt(Integer.MIN_VALUE))) {
          forward(message, sink, null);
        } else {
          refuse(sink, id, sessionId, method + " names a window that is not one of this lease's pages'");
        }
      }
      default -> {
        if (method.startsWith("Target.") || method.startsWith("Browser.")) {
          refuse(sink, id, sessionId, method + " is not available on a leased DevTools endpoint");
        } else if (browserLevel) {
          refuse(sink, id, sessionId, method + " is not available on a leased DevTools endpoint: browser-wide"
              + " commands would reach other leases; send it on a page's session");
        } else {
          forward(message, sink, null);
        }
      }
    }
  }

  private boolean ownTarget(ObjectNode params, Sink sink, JsonNode id, String sessionId, String method) {
    if (targets.contains(params.path("targetId").asText(""))) {
      return true;
    }
    refuse(sink, id, sessionId, method + " names a target that is not part of this lease");
    return false;
  }

  private boolean ownSession(String target, Sink sink, JsonNode id, String sessionId, String method) {
    if (sessions.contains(target)) {
      return true;
    }
    refuse(sink, id, sessionId, method + " names a session that is not part of this lease");
    return false;
  }

  /** Sends a client's command on with an id of the proxy's; {@code onResult} may read and change the result. */
  private void forward(ObjectNode message, Sink sink, Consumer<ObjectNode> onResult) {
    long upstreamId = ids.incrementAndGet();
    pending.put(upstreamId, new Pending(message.get("id"), onResult));
    message.put("id", upstreamId);
    sink.toBrowser(message);
  }

  /** Sends a command of the proxy's own; its reply is dropped. */
  private void command(String sessionId, String method, ObjectNode params, Sink sink) {
    long upstreamId = ids.incrementAndGet();
    pending.put(upstreamId, Pending.INTERNAL);
    ObjectNode message = mapper.createObjectNode().put("id", upstreamId).put("method", method);
    message.set("params", params);
    if (!sessionId.isEmpty()) {
      message.put("sessionId", sessionId);
    }
    sink.toBrowser(message);
  }

  private void keepOwnTargets(ObjectNode result) {
    ArrayNode kept = mapper.createArrayNode();
    for (JsonNode info : result.path("targetInfos")) {
      if (ownContext(info)) {
        targets.add(info.path("targetId").asText());
        kept.add(info);
      }
    }
    result.set("targetInfos", kept);
  }

  // ------------------------------------------------------------------ browser → client

  /** Handles one message from the browser: a reply goes back to its command's client id, an event is filtered. */
  void fromBrowser(ObjectNode message, Sink sink) {
    JsonNode id = message.get("id");
    if (id != null) {
      Pending p = pending.remove(id.asLong());
      if (p == null || p == Pending.INTERNAL) {
        return;
      }
      message.set("id", p.clientId());
      if (p.onResult() != null && message.get("result") instanceof ObjectNode result) {
        p.onResult().accept(result);
      }
      sink.toClient(message);
      return;
    }
    String method = message.path("method").asText("");
    String sessionId = message.path("sessionId").asText("");
    JsonNode params = message.path("params");
    if (!sessionId.isEmpty()) {
      if (sessions.contains(sessionId)) {
        onLeaseSessionEvent(method, params);
        sink.toClient(message);
      }
      return; // a session of another lease's target, about to be detached
    }
    switch (method) {
      case "Target.attachedToTarget" -> {
        String attached = params.path("sessionId").asText();
        if (ownContext(params.path("targetInfo"))) {
          sessions.add(attached);
          targets.add(params.path("targetInfo").path("targetId").asText());
          sink.toClient(message);
        } else {
          // auto-attach reaches every target of the browser; with waitForDebuggerOnStart another lease's new page
          // would wait for this client forever
          if (params.path("waitingForDebugger").asBoolean(false)) {
            command(attached, "Runtime.runIfWaitingForDebugger", mapper.createObjectNode(), sink);
          }
          command("", "Target.detachFromTarget", mapper.createObjectNode().put("sessionId", attached), sink);
        }
      }
      case "Target.detachedFromTarget" -> {
        if (sessions.remove(params.path("sessionId").asText())) {
          sink.toClient(message);
        }
      }
      case "Target.targetCreated", "Target.targetInfoChanged" -> {
        if (ownContext(params.path("targetInfo"))) {
          targets.add(params.path("targetInfo").path("targetId").asText());
          sink.toClient(message);
        }
      }
      case "Target.targetDestroyed" -> {
        if (targets.remove(params.path("targetId").asText())) {
          sink.toClient(message);
        }
      }
      case "Target.targetCrashed" -> {
        if (targets.contains(params.path("targetId").asText())) {
          sink.toClient(message);
        }
      }
      case "Browser.downloadWillBegin" -> {
        if (frames.contains(params.path("frameId").asText())) {
          downloads.add(params.path("guid").asText());
          sink.toClient(message);
        }
      }
      case "Browser.downloadProgress" -> {
        String guid = params.path("guid").asText();
        if (downloads.contains(guid)) {
          String state = params.path("state").asText();
          if (state.equals("completed") || state.equals("canceled")) {
            downloads.remove(guid);
          }
          sink.toClient(message);
        }
      }
      default -> { } // any other browser-wide event may be about another lease
    }
  }

  /** Follows what is attached and which frames exist below the lease's sessions. */
  private void onLeaseSessionEvent(String method, JsonNode params) {
    switch (method) {
      case "Target.attachedToTarget" -> {
        sessions.add(params.path("sessionId").asText());
        targets.add(params.path("targetInfo").path("targetId").asText());
      }
      case "Target.detachedFromTarget" -> sessions.remove(params.path("sessionId").asText());
      case "Page.frameAttached" -> frames.add(params.path("frameId").asText());
      case "Page.frameNavigated" -> frames.add(params.path("frame").path("id").asText());
      case "Page.frameDetached" -> frames.remove(params.path("frameId").asText());
      default -> { }
    }
  }

  private boolean ownContext(JsonNode targetInfo) {
    return contextId.equals(targetInfo.path("browserContextId").asText(null));
  }

  // ------------------------------------------------------------------ replies of the proxy's own

  private void refuse(Sink sink, JsonNode id, String sessionId, String why) {
    sink.toClient(error(id, sessionId, REFUSED, why));
  }

  private ObjectNode error(JsonNode id, String sessionId, int code, String text) {
    ObjectNode message = mapper.createObjectNode();
    if (id != null) {
      message.set("id", id);
    }
    message.putObject("error").put("code", code).put("message", text);
    if (!sessionId.isEmpty()) {
      message.put("sessionId", sessionId);
    }
    return message;
  }

  private ObjectNode reply(JsonNode id, String sessionId, ObjectNode result) {
    ObjectNode message = mapper.createObjectNode();
    message.set("id", id);
    message.set("result", result);
    if (!sessionId.isEmpty()) {
      message.put("sessionId", sessionId);
    }
    return message;
  }

  /** A command sent on, waiting for its reply: the client's id, and what to do with the result. */
  private record Pending(JsonNode clientId, Consumer<ObjectNode> onResult) {
    static final Pending INTERNAL = new Pending(null, null);
  }
}
