package dev.headroom.npu;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.headroom.core.Checks;
import dev.headroom.core.ConfigException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * A BERT WordPiece tokenizer read from a Hugging Face {@code tokenizer.json} (a {@code WordPiece} model with the
 * {@code BertNormalizer} and {@code BertPreTokenizer}, as shipped with all-MiniLM-L6-v2 and most BERT-family
 * sentence encoders). It follows the reference implementation step by step: special tokens are matched in the raw
 * text; then clean-up of control characters and whitespace, spaces around CJK ideographs, accent stripping (NFD,
 * marks removed) and lower-casing; then splitting on whitespace and punctuation; then greedy longest-match-first
 * WordPiece with the {@code ##} continuation prefix and {@code [UNK]} for words it cannot cover or that exceed the
 * per-word limit; then {@code [CLS] … [SEP]}.
 *
 * <p>Written here rather than taken from DJL's binding of the Rust tokenizers, because that binding contacts the
 * network at start-up (an EC2 metadata probe and telemetry unless opted out) and keeps native code in a
 * per-user cache; this one is pure Java and needs nothing but the JSON file. Thread-safe and immutable.
 */
public final class WordPieceTokenizer implements Tokenizer {
  private final Map<String, Integer> vocab;
  private final List<String> specials; // longest first
  private final String specialStarts;
  private final Map<String, Integer> specialIds;
  private final int unkId;
  private final int clsId;
  private final int sepId;
  private final String prefix;
  private final int maxCharsPerWord;
  private final boolean cleanText;
  private final boolean chineseChars;
  private final boolean stripAccents;
  private final boolean lowercase;
  private final int maxTokens;

  private WordPieceTokenizer(JsonNode root, int maxTokens) {
    JsonNode model = root.path("model");
    require(model.path("type").asText("WordPiece").equals("WordPiece"), "model.type", model.path("type"));
    JsonNode normalizer = root.path("normalizer");
    require(normalizer.isMissingNode() || normalizer.isNull()
        || normalizer.path("type").asText().equals("BertNormalizer"), "normalizer.type", normalizer.path("type"));
    JsonNode pre = root.path("pre_tokenizer");
    require(pre.isMissingNode() || pre.isNull() || pre.path("type").asText().equals("BertPreTokenizer"),
        "pre_tokenizer.type", pre.path("type"));
    Map<String, Integer> words = new HashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = model.path("vocab").fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> entry = it.next();
      words.put(entry.getKey(), entry.getValue().asInt());
    }
    require(!words.isEmpty(), "model.vocab", "{}");
    this.vocab = Map.copyOf(words);
    this.prefix = model.path("continuing_subword_prefix").asText("##");
    this.maxCharsPerWord = model.path("max_input_chars_per_word").asInt(100);
    String unk = model.path("unk_token").asText("[UNK]");
    this.unkId = id(unk);
    this.cleanText = normalizer.path("clean_text").asBoolean(true);
    this.chineseChars = normalizer.path("handle_chinese_chars").asBoolean(true);
    this.lowercase = normalizer.path("lowercase").asBoolean(true);
    JsonNode strip = normalizer.path("strip_accents");
    this.stripAccents = strip.isBoolean() ? strip.asBoolean() : lowercase; // null: follows lowercase
    Map<String, Integer> special = new HashMap<>();
    for (JsonNode added : root.path("added_tokens")) {
      if (added.path("special").asBoolean(false) && !added.path("content").asText().isEmpty()) {
        special.put(added.path("content").asText(), added.path("id").asInt());
      }
    }
    this.specialIds = Map.copyOf(special);
    List<String> sorted = new ArrayList<>(special.keySet());
    sorted.sort(Comparator.comparingInt(String::length).reversed());
    this.specials = List.copyOf(sorted);
    StringBuilder starts = new StringBuilder();
    sorted.forEach(t -> starts.append(t.isEmpty() ? "" : t.substring(0, 1)));
    this.specialStarts = starts.toString();
    JsonNode post = root.path("post_processor").path("special_tokens");
    this.clsId = post.path("[CLS]").path("ids").path(0).asInt(id("[CLS]"));
    this.sepId = post.path("[SEP]").path("ids").path(0).asInt(id("[SEP]"));
    if (maxTokens < 3) {
      throw Checks.in("tokenizer").invalid("maxTokens", maxTokens, "must be >= 3 ([CLS], one token, [SEP])");
    }
    this.maxTokens = maxTokens;
  }

  /**
   * Reads a {@code tokenizer.json}.
   *
   * @param json the file's contents; closed by the caller
   * @param maxTokens the most tokens per text, {@code [CLS]} and {@code [SEP]} included
   * @throws ConfigException when the file is not a BERT WordPiece tokenizer
   */
  public static WordPieceTokenizer fromJson(InputStream json, int maxTokens) {
    Objects.requireNonNull(json, "json");
    try {
      return new WordPieceTokenizer(new ObjectMapper().readTree(json), maxTokens);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read tokenizer.json", e);
    }
  }

  @Override
  public int maxTokens() {
    return maxTokens;
  }

  /** The id of a vocabulary entry. */
  public int id(String token) {
    Integer id = vocab.get(token);
    if (id == null) {
      throw Checks.in("tokenizer.json").invalid("model.vocab", token, "must contain the token");
    }
    return id;
  }

  @Override
  public Tokens encode(String text) {
    Objects.requireNonNull(text, "text");
    int budget = maxTokens - 2;
    int[] ids = new int[maxTokens];
    ids[0] = clsId;
    Output out = new Output(ids, budget);
    int start = 0;
    int i = 0;
    while (i < text.length() && !out.full) {
      String special = specialAt(text, i);
      if (special == null) {
        i++;
        continue;
      }
      words(text.substring(start, i), out);
      out.add(specialIds.get(special));
      i += special.length();
      start = i;
    }
    if (!out.full) {
      words(text.substring(start), out);
    }
    ids[out.count + 1] = sepId;
    int[] exact = new int[out.count + 2];
    System.arraycopy(ids, 0, exact, 0, exact.length);
    return new Tokens(exact, out.full && out.overflowed);
  }

  private String specialAt(String text, int index) {
    if (specialStarts.indexOf(text.charAt(index)) < 0) {
      return null;
    }
    for (String special : specials) {
      if (text.startsWith(special, index)) {
        return special;
      }
    }
    return null;
  }

  /** Normalizes, pre-tokenizes and word-pieces one stretch of text without special tokens. */
  private void words(String raw, Output out) {
    if (raw.isEmpty()) {
      return;
    }
    String normalized = normalize(raw);
    StringBuilder word = new StringBuilder();
    for (int i = 0; i < normalized.length() && !out.full; ) {
      int cp = normalized.codePointAt(i);
      i += Character.charCount(cp);
      if (isWhitespace(cp)) {
        wordPiece(word, out);
      } else if (isPunctuation(cp)) {
        wordPiece(word, out);
        word.appendCodePoint(cp);
        wordPiece(word, out);
      } else {
        word.appendCodePoint(cp);
      }
    }
    wordPiece(word, out);
  }

  private void wordPiece(StringBuilder word, Output out) {
    if (word.length() == 0 || out.full) {
      word.setLength(0);
      return;
    }
    String w = word.toString();
    word.setLength(0);
    if (w.codePointCount(0, w.length()) > maxCharsPerWord) {
      out.add(unkId);
      return;
    }
    int[] pieces = new int[w.length()];
    int count = 0;
    int start = 0;
    while (start < w.length()) {
      int end = w.length();
      Integer found = null;
      while (start < end) {
        String piece = start > 0 ? prefix + w.substring(start, end) : w.substring(start, end);
        found = vocab.get(piece);
        if (found != null) {
          break;
        }
        end -= Character.isLowSurrogate(w.charAt(end - 1)) && end - 2 >= start ? 2 : 1;
      }
      if (found == null) {
        out.add(unkId);
        return;
      }
      pieces[count++] = found;
      start = end;
    }
    for (int k = 0; k < count; k++) {
      out.add(pieces[k]);
    }
  }

  String normalize(String text) {
    StringBuilder sb = new StringBuilder(text.length() + 8);
    for (int i = 0; i < text.length(); ) {
      int cp = text.codePointAt(i);
      i += Character.charCount(cp);
      if (cleanText) {
        if (cp == 0 || cp == 0xFFFD || isControl(cp)) {
          continue;
        }
        if (isWhitespace(cp)) {
          cp = ' ';
        }
      }
      if (chineseChars && isChinese(cp)) {
        sb.append(' ').appendCodePoint(cp).append(' ');
      } else {
        sb.appendCodePoint(cp);
      }
    }
    String s = sb.toString();
    if (stripAccents) {
      String nfd = Normalizer.normalize(s, Normalizer.Form.NFD);
      StringBuilder stripped = new StringBuilder(nfd.length());
      for (int i = 0; i < nfd.length(); ) {
        int cp = nfd.codePointAt(i);
        i += Character.charCount(cp);
        if (Character.getType(cp) != Character.NON_SPACING_MARK) {
          stripped.appendCodePoint(cp);
        }
      }
      s = stripped.toString();
    }
    if (lowercase) {
      StringBuilder lower = new StringBuilder(s.length());
      for (int i = 0; i < s.length(); ) {
        int cp = s.codePointAt(i);
        i += Character.charCount(cp);
        if (cp < 128) {
          lower.append((char) (cp >= 'A' && cp <= 'Z' ? cp + 32 : cp));
        } else {
          // one code point at a time, as the reference does: no context-dependent rules (final sigma)
          lower.append(new String(Character.toChars(cp)).toLowerCase(Locale.ROOT));
        }
      }
      s = lower.toString();
    }
    return s;
  }

  /** Unicode White_Space, with tab, newline and carriage return. */
  static boolean isWhitespace(int cp) {
    return (cp >= 0x09 && cp <= 0x0D) || cp == 0x20 || cp == 0x85 || cp == 0xA0 || cp == 0x1680
        || (cp >= 0x2000 && cp <= 0x200A) || cp == 0x2028 || cp == 0x2029 || cp == 0x202F || cp == 0x205F
        || cp == 0x3000;
  }

  /**
   * Control, format, private-use and surrogate code points, except tab, newline and return. Unassigned code points
   * are kept, as the reference implementation keeps them (they then make their word [UNK]).
   */
  static boolean isControl(int cp) {
    if (cp == '\t' || cp == '\n' || cp == '\r') {
      return false;
    }
    int type = Character.getType(cp);
    return type == Character.CONTROL || type == Character.FORMAT || type == Character.PRIVATE_USE
        || type == Character.SURROGATE;
  }

  /** ASCII punctuation (which includes symbols such as $ + < = > ^ ` |) or Unicode category P. */
  static boolean isPunctuation(int cp) {
    if ((cp >= 33 && cp <= 47) || (cp >= 58 && cp <= 64) || (cp >= 91 && cp <= 96) || (cp >= 123 && cp <= 126)) {
      return true;
    }
    int type = Character.getType(cp);
    return type == Character.CONNECTOR_PUNCTUATION || type == Character.DASH_PUNCTUATION
        || type == Character.START_PUNCTUATION || type == Character.END_PUNCTUATION
        || type == Character.INITIAL_QUOTE_PUNCTUATION || type == Character.FINAL_QUOTE_PUNCTUATION
        || type == Character.OTHER_PUNCTUATION;
  }

  /** The CJK ideograph blocks BERT splits into single characters. */
  static boolean isChinese(int cp) {
    return (cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0x3400 && cp <= 0x4DBF) || (cp >= 0x20000 && cp <= 0x2A6DF)
        || (cp >= 0x2A700 && cp <= 0x2B73F) || (cp >= 0x2B740 && cp <= 0x2B81F) || (cp >= 0x2B920 && cp <= 0x2CEAF)
        || (cp >= 0xF900 && cp <= 0xFAFF) || (cp >= 0x2F800 && cp <= 0x2FA1F);
  }

  private static void require(boolean ok, String setting, Object value) {
    if (!ok) {
      throw Checks.in("tokenizer.json").invalid(setting, value,
          "must describe a BERT WordPiece tokenizer (WordPiece model, BertNormalizer, BertPreTokenizer)");
    }
  }

  @Override
  public String toString() {
    return "WordPieceTokenizer{vocab=" + vocab.size() + ", maxTokens=" + maxTokens + ", lowercase=" + lowercase + '}';
  }

  /** The ids written so far, after [CLS]; stops taking ids once the budget is used. */
  private static final class Output {
    final int[] ids;
    final int budget;
    int count;
    boolean full;
    boolean overflowed;

    Output(int[] ids, int budget) {
      this.ids = ids;
      this.budget = budget;
    }

    void add(int id) {
      if (count == budget) {
        full = true;
        overflowed = true;
        return;
      }
      ids[1 + count++] = id;
    }
  }
}
