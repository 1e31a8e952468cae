package dev.headroom.llm;

import com.fasterxml.jackson.databind.JsonNode;
import dev.headroom.core.Checks;
import java.util.Optional;

/**
 * The shape the answer must take: free text (the default), any JSON object, or JSON that follows a schema (Ollama's
 * {@code format}; the OpenAI API's {@code response_format} of type {@code json_object} or {@code json_schema}).
 * Immutable.
 */
public final class ResponseFormat {
  private static final ResponseFormat TEXT = new ResponseFormat(Kind.TEXT, null, null);
  private static final ResponseFormat JSON = new ResponseFormat(Kind.JSON, null, null);

  /** Which shape. */
  public enum Kind {
    /** Free text. */
    TEXT,
    /** Any JSON object. */
    JSON,
    /** JSON that follows {@link #schema()}. */
    JSON_SCHEMA
  }

  private final Kind kind;
  private final String schema;
  private final String name;

  private ResponseFormat(Kind kind, String schema, String name) {
    this.kind = kind;
    this.schema = schema;
    this.name = name;
  }

  /** Free text. */
  public static ResponseFormat text() {
    return TEXT;
  }

  /** Any JSON object ({@code "format": "json"}). */
  public static ResponseFormat json() {
    return JSON;
  }

  /** JSON that follows {@code jsonSchema} (a JSON Schema object, as text), named {@code response} for the cloud. */
  public static ResponseFormat schema(String jsonSchema) {
    return schema("response", jsonSchema);
  }

  /** JSON that follows {@code jsonSchema}; {@code name} is the schema's name in the OpenAI API. */
  public static ResponseFormat schema(String name, String jsonSchema) {
    Checks checks = Checks.in("response format");
    checks.nonBlank("name", name);
    if (!name.matches("[A-Za-z0-9_-]{1,64}")) {
      throw checks.invalid("name", name, "must be 1 to 64 letters, digits, '_' or '-' (the OpenAI API's rule)");
    }
    JsonNode parsed = Json.parse(checks, "schema", jsonSchema);
    if (!parsed.isObject()) {
      throw checks.invalid("schema", jsonSchema, "must be a JSON Schema object");
    }
    return new ResponseFormat(Kind.JSON_SCHEMA, jsonSchema, name);
  }

  /** Text, JSON or JSON with a schema. */
  public Kind kind() {
    return kind;
  }

  /** The JSON Schema, for {@link Kind#JSON_SCHEMA}. */
  public Optional<String> schema() {
    return Optional.ofNullable(schema);
  }

  /** The schema's name, for {@link Kind#JSON_SCHEMA}. */
  public Optional<String> name() {
    return Optional.ofNullable(name);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ResponseFormat f && kind == f.kind && java.util.Objects.equals(schema, f.schema)
        && java.util.Objects.equals(name, f.name);
  }

  @Override
  public int hashCode() {
    return java.util.Objects.hash(kind, schema, name);
  }

  @Override
  public String toString() {
    return "ResponseFormat{" + kind + (name == null ? "" : " " + name) + '}';
  }
}
