package dev.headroom.devtools;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The rules of a lease's scope, message by message, without a browser. */
class LeaseScopeTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private final LeaseScope scope = new LeaseScope(MAPPER, "MINE", "PAGE");
  private final List<ObjectNode> client = new ArrayList<>();
  private final List<ObjectNode> browser = new ArrayList<>();
  private final LeaseScope.Sink sink = new LeaseScope.Sink() {
    @Override
    public void toClient(ObjectNode message) {
      client.add(message);
    }

    @Override
    public void toBrowser(ObjectNode message) {
      browser.add(message);
    }
  };

  private static ObjectNode json(String text) {
    try {
      return (ObjectNode) MAPPER.readTree(text.replace('\'', '"'));
    } catch (Exception e) {
      throw new IllegalArgumentException(e);
    }
  }

  @Test
  void anotherLeasesAutoAttachedTargetIsResumedDetachedAndNeverShown() {
    scope.fromBrowser(json("{'method':'Target.attachedToTarget','params':{'sessionId':'S9','waitingForDebugger':true,"
        + "'targetInfo':{'targetId':'T9','type':'page','browserContextId':'THEIRS'}}}"), sink);
    assertThat(client).isEmpty();
    assertThat(browser).extracting(m -> m.path("method").asText())
        .containsExactly("Runtime.runIfWaitingForDebugger", "Target.detachFromTarget");
    assertThat(browser.get(0).path("sessionId").asText()).isEqualTo("S9");
    assertThat(browser.get(1).path("params").path("sessionId").asText()).isEqualTo("S9");
    scope.fromBrowser(json("{'id':" + browser.get(0).path("id").asLong() + ",'result':{}}"), sink);
    scope.fromBrowser(json("{'method':'Runtime.executionContextCreated','sessionId':'S9','params':{}}"), sink);
    assertThat(client).as("the proxy's own replies and the foreign session's events").isEmpty();
  }

  @Test
  void theLeasesTargetsAreShownAndTheirSessionsUsable() {
    scope.fromBrowser(json("{'method':'Target.attachedToTarget','params':{'sessionId':'S1','waitingForDebugger':false,"
        + "'targetInfo':{'targetId':'PAGE','type':'page','browserContextId':'MINE'}}}"), sink);
    assertThat(client).hasSize(1);
    scope.fromClient(json("{'id':7,'sessionId':'S1','method':'Page.navigate','params':{'url':'about:blank'}}"), sink);
    assertThat(browser).singleElement().satisfies(m -> {
      assertThat(m.path("method").asText()).isEqualTo("Page.navigate");
      assertThat(m.path("id").asLong()).isNotEqualTo(7);
    });
    scope.fromBrowser(json("{'id':" + browser.get(0).path("id").asLong() + ",'sessionId':'S1','result':{}}"), sink);
    assertThat(client.get(1).path("id").asInt()).as("the client's own id back").isEqualTo(7);
  }

  @Test
  void refusalsSayWhyAndKeepTheSession() {
    scope.fromClient(json("{'id':1,'method':'Target.createBrowserContext','params':{}}"), sink);
    scope.fromClient(json("{'id':2,'method':'Browser.close'}"), sink);
    scope.fromClient(json("{'id':3,'method':'Storage.getCookies','params':{'browserContextId':'THEIRS'}}"), sink);
    scope.fromClient(json("{'id':4,'sessionId':'NOT-MINE','method':'Runtime.evaluate','params':{}}"), sink);
    scope.fromClient(json("{'id':5,'method':'Target.attachToTarget','params':{'targetId':'T9','flatten':true}}"),
        sink);
    scope.fromClient(json("{'id':6,'method':'Network.enable','params':{}}"), sink);
    assertThat(browser).isEmpty();
    assertThat(client).extracting(m -> m.path("error").path("message").asText()).containsExactly(
        "Target.createBrowserContext is not allowed: the pool owns the browser contexts",
        "Browser.close is not allowed: the pool owns the browser",
        "Storage.getCookies names a browser context outside this lease",
        "Session with given id not found (or not part of this lease)",
        "Target.attachToTarget names a target that is not part of this lease",
        "Network.enable is not available on a leased DevTools endpoint: browser-wide commands would reach other"
            + " leases; send it on a page's session");
    assertThat(client.get(3).path("sessionId").asText()).isEqualTo("NOT-MINE");
  }

  @Test
  void theDefaultContextIsTheLeasesAndOnlyItIsListed() {
    scope.fromClient(json("{'id':1,'method':'Target.createTarget','params':{'url':'about:blank'}}"), sink);
    scope.fromClient(json("{'id':2,'method':'Storage.setCookies','params':{'cookies':[]}}"), sink);
    assertThat(browser).extracting(m -> m.path("params").path("browserContextId").asText())
        .containsExactly("MINE", "MINE");
    scope.fromClient(json("{'id':3,'method':'Target.getBrowserContexts'}"), sink);
    assertThat(client).singleElement().satisfies(m ->
        assertThat(m.path("result").path("browserContextIds").toString()).isEqualTo("[\"MINE\"]"));
    scope.fromClient(json("{'id':4,'method':'Target.getTargets'}"), sink);
    scope.fromBrowser(json("{'id':" + browser.get(2).path("id").asLong() + ",'result':{'targetInfos':["
        + "{'targetId':'PAGE','browserContextId':'MINE'},{'targetId':'T9','browserContextId':'THEIRS'},"
        + "{'targetId':'B','type':'browser'}]}}"), sink);
    assertThat(client.get(1).path("result").path("targetInfos")).singleElement()
        .satisfies(info -> assertThat(info.path("targetId").asText()).isEqualTo("PAGE"));
  }
}
