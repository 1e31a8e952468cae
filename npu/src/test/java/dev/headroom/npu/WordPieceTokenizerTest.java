package dev.headroom.npu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.headroom.core.ConfigException;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * The tokenizer against ids produced by the reference Hugging Face tokenizers library (Rust) for the same
 * tokenizer.json: accents, punctuation, CJK, emoji, special tokens, long words, and truncation.
 */
class WordPieceTokenizerTest {
  private static final Tokenizer TOKENIZER = EmbeddingModel.allMiniLmL6V2().tokenizer();

  @Test
  void matchesTheReferenceTokenizer() {
    assertIds("a cat sits on the mat", 101, 1037, 4937, 7719, 2006, 1996, 13523, 102);
    assertIds("Héllo, WÖRLD! naïve café résumé", 101, 7592, 1010, 2088, 999, 15743, 7668, 13746, 102);
    assertIds("[MASK] is special and [CLS] too [SEP]", 101, 103, 2003, 2569, 1998, 101, 2205, 102, 102);
    assertIds("中文字符测试 mixed with English", 101, 1746, 1861, 100, 100, 100, 100, 3816, 2007, 2394, 102);
    assertIds("emoji 😀👍🏽 test", 101, 7861, 29147, 2072, 100, 3231, 102);
    assertIds("supercalifragilisticexpialidocious antidisestablishmentarianism", 101, 3565, 9289, 10128, 29181,
        24411, 4588, 10288, 19312, 21273, 10085, 6313, 3424, 10521, 4355, 7875, 13602, 3672, 12199, 2964, 102);
    assertIds("don't won't it's 'quoted' \"double\"", 101, 2123, 1005, 1056, 2180, 1005, 1056, 2009, 1005, 1055,
        1005, 9339, 1005, 1000, 3313, 1000, 102);
  }

  @Test
  void aTenThousandTokenTextIsCutToTheMaximumAndFlagged() {
    String text = "word ".repeat(10_000);
    Tokens tokens = TOKENIZER.encode(text);
    assertThat(tokens.length()).isEqualTo(EmbeddingModel.MINILM_MAX_TOKENS);
    assertThat(tokens.truncated()).isTrue();
    assertThat(tokens.ids()[0]).isEqualTo(101);
    assertThat(tokens.ids()[tokens.length() - 1]).isEqualTo(102);

    Tokens exact = TOKENIZER.encode("word ".repeat(EmbeddingModel.MINILM_MAX_TOKENS - 2));
    assertThat(exact.length()).isEqualTo(EmbeddingModel.MINILM_MAX_TOKENS);
    assertThat(exact.truncated()).as("exactly at the maximum is not a cut").isFalse();
  }

  @Test
  void controlCharactersAreDroppedAndWhitespaceNormalised() {
    assertThat(TOKENIZER.encode("tabs\tand\nnewlines\u00a0nbsp\u0007").ids())
        .isEqualTo(TOKENIZER.encode("tabs and newlines nbsp").ids());
    assertThat(TOKENIZER.encode("\u0000\u0007").ids()).containsExactly(101, 102);
  }

  @Test
  void aFileThatIsNotAWordPieceTokenizerIsRefusedByName() {
    String bpe = "{\"model\":{\"type\":\"BPE\",\"vocab\":{\"a\":0}}}";
    assertThatThrownBy(() -> WordPieceTokenizer.fromJson(
        new ByteArrayInputStream(bpe.getBytes(StandardCharsets.UTF_8)), 128))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("model.type")
        .hasMessageContaining("BPE");
  }

  private static void assertIds(String text, int... expected) {
    assertThat(TOKENIZER.encode(text).ids()).as(text).containsExactly(expected);
  }
}
