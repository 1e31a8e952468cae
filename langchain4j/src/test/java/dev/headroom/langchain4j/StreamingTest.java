package dev.headroom.langchain4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.headroom.llm.StreamInterruptedException;
import dev.headroom.testkit.llm.LlmFault;
import dev.langchain4j.agent.tool.Tool;
import dev.langchain4j.agent.tool.ToolSpecifications;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.PartialResponse;
import dev.langchain4j.model.chat.response.PartialResponseContext;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import dev.langchain4j.model.output.FinishReason;
import dev.langchain4j.service.AiServices;
import dev.langchain4j.service.TokenStream;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Streaming through the router: partial responses, the complete response, tool calls and a mid-stream failure. */
class StreamingTest {
  private final Fleet fleet = new Fleet();

  interface Streamer {
    TokenStream chat(String message);
  }

  static final class Clock {
    final List<String> zones = new CopyOnWriteArrayList<>();

    @Tool("The time in a time zone")
    String time(String zone) {
      zones.add(zone);
      return "12:00";
    }
  }

  /** A handler that records what it hears. */
  static class Recorder implements StreamingChatResponseHandler {
    final List<String> partials = new CopyOnWriteArrayList<>();
    final CompletableFuture<ChatResponse> done = new CompletableFuture<>();
    final AtomicReference<PartialResponseContext> context = new AtomicReference<>();

    @Override
    public void onPartialResponse(PartialResponse partialResponse, PartialResponseContext value) {
      context.set(value);
      partials.add(partialResponse.text());
    }

    @Override
    public void onCompleteResponse(ChatResponse completeResponse) {
      done.complete(completeResponse);
    }

    @Override
    public void onError(Throwable error) {
      done.completeExceptionally(error);
    }
  }

  @AfterEach
  void close() {
    fleet.close();
  }

  private static Throwable failureOf(CompletableFuture<?> future) {
    await().atMost(Duration.ofSeconds(30)).until(future::isDone);
    assertThat(future).isCompletedExceptionally();
    return future.handle((value, error) -> error).join();
  }

  @Test
  void aTokenStreamsPartialResponsesMakeTheFinalText() throws Exception {
    Streamer streamer = AiServices.builder(Streamer.class).streamingChatModel(fleet.streamingModel()).build();
    List<String> partials = new CopyOnWriteArrayList<>();
    CompletableFuture<ChatResponse> done = new CompletableFuture<>();

    streamer.chat("Tell me a story").onPartialResponse(partials::add).onCompleteResponse(done::complete)
        .onError(done::completeExceptionally).start();

    ChatResponse response = done.get(30, TimeUnit.SECONDS);
    assertThat(partials).hasSizeGreaterThan(1);
    assertThat(String.join("", partials)).isEqualTo(response.aiMessage().text()).isNotBlank();
    assertThat(response.finishReason()).isEqualTo(FinishReason.STOP);
    assertThat(response.tokenUsage().outputTokenCount()).isPositive();
  }

  @Test
  void aStreamedToolCallIsExecutedAndTheAnswerStreams() throws Exception {
    Clock clock = new Clock();
    Streamer streamer = AiServices.builder(Streamer.class).streamingChatModel(fleet.streamingModel()).tools(clock)
        .build();
    CompletableFuture<ChatResponse> done = new CompletableFuture<>();

    streamer.chat("What time is it in UTC").onPartialResponse(text -> { }).onCompleteResponse(done::complete)
        .onError(done::completeExceptionally).start();

    ChatResponse response = done.get(30, TimeUnit.SECONDS);
    assertThat(clock.zones).containsExactly("UTC");
    assertThat(response.aiMessage().text()).isNotBlank();
    assertThat(fleet.lastNodeBody().path("messages").get(2).path("content").asText()).isEqualTo("12:00");
  }

  @Test
  void theStreamingModelHandsTheToolCallsOfAStreamToTheCompleteResponse() throws Exception {
    Recorder recorder = new Recorder();
    fleet.streamingModel().chat(ChatRequest.builder().messages(UserMessage.from("Time in Tokyo"))
        .toolSpecifications(ToolSpecifications.toolSpecificationsFrom(new Clock()))
        .build(), recorder);

    ChatResponse response = recorder.done.get(30, TimeUnit.SECONDS);
    assertThat(response.finishReason()).isEqualTo(FinishReason.TOOL_EXECUTION);
    assertThat(response.aiMessage().toolExecutionRequests()).singleElement()
        .satisfies(call -> assertThat(call.arguments()).contains("\"Tokyo\""));
  }

  @Test
  void aStreamThatFailsMidWayReportsTheRoutersTypedErrorWithTheTextDelivered() {
    fleet.gpu.inject(LlmFault.disconnectAfter(3));
    Recorder recorder = new Recorder();

    fleet.streamingModel().chat(ChatRequest.builder().messages(UserMessage.from("Tell me a story")).build(),
        recorder);

    Throwable error = failureOf(recorder.done);
    assertThat(error).isInstanceOf(StreamInterruptedException.class);
    assertThat(((StreamInterruptedException) error).partialText()).isEqualTo(String.join("", recorder.partials));
    assertThat(recorder.partials).hasSize(3);
  }

  @Test
  void aTokenStreamHearsOfAFailureInOnError() {
    fleet.gpu.inject(LlmFault.disconnectAfter(2));
    Streamer streamer = AiServices.builder(Streamer.class).streamingChatModel(fleet.streamingModel()).build();
    CompletableFuture<ChatResponse> done = new CompletableFuture<>();

    streamer.chat("Tell me a story").onPartialResponse(text -> { }).onCompleteResponse(done::complete)
        .onError(done::completeExceptionally).start();

    assertThat(failureOf(done)).isInstanceOf(StreamInterruptedException.class);
  }

  @Test
  void aHandlerThatThrowsEndsTheStreamAndHearsItsOwnException() {
    IllegalStateException boom = new IllegalStateException("boom");
    Recorder recorder = new Recorder() {
      @Override
      public void onPartialResponse(PartialResponse partialResponse, PartialResponseContext value) {
        throw boom;
      }
    };

    fleet.streamingModel().chat(ChatRequest.builder().messages(UserMessage.from("Tell me a story")).build(),
        recorder);

    assertThat(failureOf(recorder.done)).isSameAs(boom);
  }

  @Test
  void cancellingThroughTheHandleStopsTheStreamSilently() {
    fleet.gpu.slowDown(20); // about 10 tokens a second: the cancel lands mid-stream
    Recorder recorder = new Recorder() {
      @Override
      public void onPartialResponse(PartialResponse partialResponse, PartialResponseContext value) {
        super.onPartialResponse(partialResponse, value);
        value.streamingHandle().cancel();
      }
    };

    fleet.streamingModel().chat(ChatRequest.builder().messages(UserMessage.from("Tell me a story")).build(),
        recorder);

    await().atMost(Duration.ofSeconds(30)).until(() -> fleet.gpu.pending() == 0 && !recorder.partials.isEmpty());
    assertThat(recorder.partials).hasSize(1);
    assertThat(recorder.context.get().streamingHandle().isCancelled()).isTrue();
    assertThat(recorder.done).isNotDone();
  }
}
