package dev.headroom.spring.langchain4j;

import static org.assertj.core.api.Assertions.assertThat;

import dev.headroom.spring.HeadroomAutoConfiguration;
import dev.headroom.spring.llm.HeadroomLlmAutoConfiguration;
import dev.headroom.testkit.llm.FakeOllama;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.embedding.EmbeddingModel;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** headroom.llm.langchain4j.*: LangChain4j's models are Headroom's, on the router of headroom.llm. */
class LangChain4jAutoConfigurationTest {
  static FakeOllama gpu;

  @BeforeAll
  static void start() {
    gpu = FakeOllama.builder("gpu-1").loaded("llama3.2", "all-minilm").start();
  }

  @AfterAll
  static void stop() {
    gpu.close();
  }

  final ApplicationContextRunner runner = new ApplicationContextRunner()
      .withConfiguration(AutoConfigurations.of(HeadroomAutoConfiguration.class, HeadroomLlmAutoConfiguration.class,
          HeadroomLangChain4jAutoConfiguration.class))
      .withPropertyValues("headroom.llm.nodes[0].id=gpu-1", "headroom.llm.nodes[0].uri=" + gpu.uri(),
          "headroom.llm.health-check-interval=0s");

  @Test
  void theModelsAnswerThroughTheRouter() {
    runner.withPropertyValues("headroom.llm.langchain4j.default-model=llama3.2",
        "headroom.llm.langchain4j.embedding-model=all-minilm").run(context -> {
          assertThat(context).hasNotFailed().hasSingleBean(ChatModel.class).hasSingleBean(StreamingChatModel.class)
              .hasSingleBean(EmbeddingModel.class);
          assertThat(context.getBean(ChatModel.class).chat("Why is the sky blue?"))
              .isEqualTo(gpu.answerFor("llama3.2", "Why is the sky blue?", 0, Integer.MAX_VALUE));
          assertThat(context.getBean(EmbeddingModel.class).embed("hello").content().vector()).isNotEmpty();
        });
  }

  @Test
  void withoutAModelOrLangChain4jOrWhenOffThereAreNoModels() {
    runner.run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(ChatModel.class)
        .doesNotHaveBean(EmbeddingModel.class));
    runner.withPropertyValues("headroom.llm.langchain4j.default-model=llama3.2",
        "headroom.llm.langchain4j.enabled=false").run(context -> assertThat(context).doesNotHaveBean(ChatModel.class));
    runner.withPropertyValues("headroom.llm.langchain4j.default-model=llama3.2")
        .withClassLoader(new FilteredClassLoader(ChatModel.class))
        .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean("headroomLangChain4jChatModel"));
  }
}
