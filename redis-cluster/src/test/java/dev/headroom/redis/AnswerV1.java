package dev.headroom.redis;

/** The same value as written by an older deployment: schema version 1, no token count. */
record AnswerV1(String text) {
  static final ValueCodec<AnswerV1> CODEC =
      JacksonCodec.of(new com.fasterxml.jackson.databind.ObjectMapper(), AnswerV1.class, "Answer", 1);
}
