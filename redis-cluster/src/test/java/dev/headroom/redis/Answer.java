package dev.headroom.redis;

/** A cached value for the tests (schema version 2 has a token count). */
record Answer(String text, int tokens) {
  static final ValueCodec<Answer> CODEC = JacksonCodec.of(Answer.class, 2);
}
