package dev.headroom.testkit.llm;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The prompt caches of a {@link FakeOllama}'s slots, as Ollama keeps one per slot: each remembers the conversation
 * it last evaluated (the hashes of its messages' prefixes, answer included), and a request whose messages start with
 * a remembered prefix evaluates only the rest. A request that continues a slot's conversation (its messages start
 * with everything the slot evaluated, answer included) updates that slot; any other takes the least recently used
 * slot, even when it shares a first message (a common system prompt) with a conversation cached elsewhere.
 */
final class PromptCache {
  private final int slots;
  private final Deque<Slot> lru = new ArrayDeque<>();

  /** One slot: the prefix hashes it evaluated, and the hash of its whole conversation with the answer. */
  private static final class Slot {
    final Set<Long> prefixes = new HashSet<>();
    long tip;
  }

  PromptCache(int slots) {
    this.slots = Math.max(1, slots);
  }

  /** The prefix hashes of {@code messages} at each message boundary (index i: messages 0..i). */
  static List<Long> prefixes(JsonNode messages) {
    List<Long> out = new ArrayList<>();
    long hash = 1125899906842597L;
    for (JsonNode m : messages) {
      hash = mix(hash, m.path("role").asText("") + "\u0000" + m.path("content").asText(""));
      out.add(hash);
    }
    return out;
  }

  /** The prefix hash of the messages whose hash is {@code prefix} followed by an assistant answer {@code text}. */
  static long withAnswer(long prefix, String text) {
    return mix(prefix, "assistant\u0000" + text);
  }

  private static long mix(long hash, String text) {
    for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
      hash = 31 * hash + b;
    }
    return hash * 0x9E3779B97F4A7C15L;
  }

  /** How many leading messages of a request with these prefix hashes a slot has cached (0: none). */
  synchronized int cachedMessages(List<Long> prefixes) {
    for (int i = prefixes.size() - 1; i >= 0; i--) {
      for (Slot slot : lru) {
        if (slot.prefixes.contains(prefixes.get(i))) {
          return i + 1;
        }
      }
    }
    return 0;
  }

  /** A slot evaluated these prefixes (and the answer after them): it now holds this conversation. */
  synchronized void remember(List<Long> prefixes, long withAnswer) {
    Slot holder = null;
    for (Slot slot : lru) {
      if (prefixes.contains(slot.tip)) { // this request continued the slot's conversation
        holder = slot;
        break;
      }
    }
    if (holder == null) {
      holder = new Slot();
      if (lru.size() >= slots) {
        lru.removeLast();
      }
    } else {
      lru.remove(holder);
      holder.prefixes.clear();
    }
    holder.prefixes.addAll(prefixes);
    holder.prefixes.add(withAnswer);
    holder.tip = withAnswer;
    lru.addFirst(holder);
  }
}
