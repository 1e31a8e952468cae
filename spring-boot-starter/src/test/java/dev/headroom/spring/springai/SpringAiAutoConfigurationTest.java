package dev.headroom.spring.springai;

import static org.assertj.core.api.Assertions.assertThat;

import dev.headroom.spring.HeadroomAutoConfiguration;
import dev.headroom.spring.llm.HeadroomLlmAutoConfiguration;
import dev.headroom.springai.HeadroomChatModel;
import dev.headroom.springai.HeadroomEmbeddingModel;
import dev.headroom.testkit.llm.FakeOllama;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.ai.chat.client.ChatClient;
import org.springframework.ai.chat.model.ChatModel;
import org.springframework.ai.embedding.EmbeddingModel;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** headroom.llm.* with Spring AI on the classpath: its ChatModel and EmbeddingModel are Headroom's. */
class SpringAiAutoConfigurationTest {
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
          HeadroomSpringAiAutoConfiguration.class))
      .withPropertyValues("headroom.llm.nodes[0].id=gpu-1", "headroom.llm.nodes[0].uri=" + gpu.uri(),
          "headroom.llm.health-check-interval=0s");

  @Test
  void aChatClientOnTheAutoConfiguredModelIsAnsweredThroughTheRouter() {
    runner.withPropertyValues("headroom.llm.spring-ai.default-model=llama3.2",
        "headroom.llm.spring-ai.embedding-model=all-minilm").run(context -> {
          assertThat(context).hasNotFailed().hasSingleBean(HeadroomChatModel.class)
              .hasSingleBean(HeadroomEmbeddingModel.class);
          ChatClient chat = ChatClient.create(context.getBean(ChatModel.class));
          assertThat(chat.prompt().user("Why is the sky blue?").call().content())
              .isEqualTo(gpu.answerFor("llama3.2", "Why is the sky blue?", 0, Integer.MAX_VALUE));
          assertThat(context.getBean(EmbeddingModel.class).embed("hello")).isNotEmpty();
        });
  }

  @Test
  void itBacksOffForTheApplicationsOwnModelAndWithoutSpringAi() {
    runner.withPropertyValues("headroom.llm.spring-ai.enabled=false").run(context ->
        assertThat(context).hasNotFailed().doesNotHaveBean(ChatModel.class));
    runner.withClassLoader(new FilteredClassLoader(ChatModel.class)).run(context ->
        assertThat(context).hasNotFailed().doesNotHaveBean("headroomChatModel"));
    runner.run(context -> assertThat(context).doesNotHaveBean(EmbeddingModel.class));
  }
}
