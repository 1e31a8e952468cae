package dev.headroom.langchain4j;

import dev.headroom.llm.Message;
import dev.headroom.llm.ToolCall;
import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.data.image.Image;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.Content;
import dev.langchain4j.data.message.ImageContent;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.TextContent;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.exception.UnsupportedFeatureException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * Turns one request's LangChain4j messages into Headroom {@link Message}s. One instance per request: a tool call
 * that came without an id (from another provider's history) gets one made up, and the tool results without an id
 * that follow take those ids in order, so the conversation can still go to the cloud, which pairs them by id.
 */
final class MessageMapper {
  private static final String DATA_URL = "data:";
  private final Deque<String> madeUpIds = new ArrayDeque<>();
  private int calls;

  /** The messages, in order. */
  List<Message> map(List<ChatMessage> messages) {
    List<Message> out = new ArrayList<>(messages.size());
    for (ChatMessage message : messages) {
      out.add(map(message));
    }
    return out;
  }

  private Message map(ChatMessage message) {
    if (message instanceof SystemMessage system) {
      return Message.system(system.text());
    }
    if (message instanceof UserMessage user) {
      return user(user);
    }
    if (message instanceof AiMessage ai) {
      List<ToolCall> toolCalls = new ArrayList<>();
      for (ToolExecutionRequest request : ai.toolExecutionRequests()) {
        toolCalls.add(toolCall(request));
      }
      return Message.assistant(ai.text() == null ? "" : ai.text(), toolCalls);
    }
    if (message instanceof ToolExecutionResultMessage result) {
      String id = result.id() != null ? result.id() : madeUpIds.isEmpty() ? "" : madeUpIds.poll();
      return new Message("tool", text(result.contents(), "a tool result"), List.of(), List.of(), id,
          result.toolName() == null ? "" : result.toolName());
    }
    throw new UnsupportedFeatureException("a " + (message == null ? "null" : message.type()) + " message has no "
        + "counterpart in Headroom's chat (system, user, assistant and tool messages only)");
  }

  private static Message user(UserMessage user) {
    List<String> images = new ArrayList<>();
    List<Content> texts = new ArrayList<>();
    for (Content content : user.contents()) {
      if (content instanceof ImageContent image) {
        images.add(base64(image.image()));
      } else {
        texts.add(content);
      }
    }
    return Message.user(text(texts, "a user message"), images);
  }

  private ToolCall toolCall(ToolExecutionRequest request) {
    String id = request.id();
    if (id == null || id.isBlank()) {
      id = "call_lc4j_" + (++calls);
      madeUpIds.add(id);
    }
    String arguments = request.arguments() == null || request.arguments().isBlank() ? "{}" : request.arguments();
    return new ToolCall(id, request.name(), arguments);
  }

  /** The texts of {@code contents} joined by newlines; anything but text is refused. */
  private static String text(List<Content> contents, String where) {
    StringBuilder out = new StringBuilder();
    for (Content content : contents) {
      if (!(content instanceof TextContent text)) {
        throw new UnsupportedFeatureException(content.type() + " content in " + where + " has no counterpart in "
            + "Headroom's chat (text, and images in user messages, only)");
      }
      if (out.length() > 0) {
        out.append('\n');
      }
      out.append(text.text());
    }
    return out.toString();
  }

  /** The image's base64 data: given as such, or from a {@code data:...;base64,} URL. */
  private static String base64(Image image) {
    if (image.base64Data() != null) {
      return image.base64Data();
    }
    String url = image.url() == null ? "" : image.url().toString();
    int comma = url.indexOf(',');
    if (url.startsWith(DATA_URL) && comma > 0 && url.substring(0, comma).endsWith(";base64")) {
      return url.substring(comma + 1);
    }
    throw new UnsupportedFeatureException("an image by URL (" + url + "): Ollama takes images as base64 only; "
        + "give ImageContent.from(base64Data, mimeType)");
  }
}
