package dev.headroom.redis;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** {@link RedisGlob} against the glob rules of Redis' KEYS and SCAN MATCH (checked on a real cluster in CachePoliciesTest). */
class RedisGlobTest {

  private static boolean matches(String glob, String text) {
    return new RedisGlob(glob).matches(text);
  }

  @Test
  void starsQuestionMarksAndLiterals() {
    assertThat(matches("user:*", "user:")).isTrue(); // Redis: a key is never empty, and "*" does not match ""
    assertThat(matches("*", "anything")).isTrue();
    assertThat(matches("user:*", "user:1")).isTrue();
    assertThat(matches("user:*", "users:1")).isFalse();
    assertThat(matches("*:profile", "user:1:profile")).isTrue();
    assertThat(matches("u*r*1", "user:1")).isTrue();
    assertThat(matches("h?llo", "hello")).isTrue();
    assertThat(matches("h?llo", "hllo")).isFalse();
    assertThat(matches("h**o", "hello")).isTrue();
    assertThat(matches("hello", "hello!")).isFalse();
  }

  @Test
  void classesRangesNegationAndEscapes() {
    assertThat(matches("h[ae]llo", "hallo")).isTrue();
    assertThat(matches("h[ae]llo", "hillo")).isFalse();
    assertThat(matches("h[^e]llo", "hallo")).isTrue();
    assertThat(matches("h[^e]llo", "hello")).isFalse();
    assertThat(matches("h[a-b]llo", "hbllo")).isTrue();
    assertThat(matches("h[b-a]llo", "hallo")).as("a reversed range").isTrue();
    assertThat(matches("a\\*b", "a*b")).isTrue();
    assertThat(matches("a\\*b", "axb")).isFalse();
    assertThat(matches("[\\]]", "]")).isTrue();
    assertThat(matches("x[abc", "xa")).as("an unclosed class").isTrue();
  }

  @Test
  void matchesOnUtf8BytesAsRedisDoes() {
    assertThat(matches("caf?", "café")).as("é is two bytes").isFalse();
    assertThat(matches("caf??", "café")).isTrue();
    assertThat(matches("caf*", "café")).isTrue();
  }

  @Test
  void escapeMakesEveryCharacterLiteral() {
    String text = "hr:a-b:[x]*?\\^";
    assertThat(matches(RedisGlob.escape(text), text)).isTrue();
    assertThat(matches(RedisGlob.escape(text), "hr:a-b:[x]*?\\^!")).isFalse();
    assertThat(matches(RedisGlob.escape("hr:ns:") + "k*", "hr:ns:key")).isTrue();
  }
}
