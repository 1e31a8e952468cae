package dev.headroom.langchain4j;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.langchain4j.exception.UnsupportedFeatureException;
import dev.langchain4j.model.chat.request.json.JsonAnyOfSchema;
import dev.langchain4j.model.chat.request.json.JsonArraySchema;
import dev.langchain4j.model.chat.request.json.JsonBooleanSchema;
import dev.langchain4j.model.chat.request.json.JsonEnumSchema;
import dev.langchain4j.model.chat.request.json.JsonIntegerSchema;
import dev.langchain4j.model.chat.request.json.JsonNullSchema;
import dev.langchain4j.model.chat.request.json.JsonNumberSchema;
import dev.langchain4j.model.chat.request.json.JsonObjectSchema;
import dev.langchain4j.model.chat.request.json.JsonRawSchema;
import dev.langchain4j.model.chat.request.json.JsonReferenceSchema;
import dev.langchain4j.model.chat.request.json.JsonSchemaElement;
import dev.langchain4j.model.chat.request.json.JsonStringSchema;
import java.util.Map;

/**
 * Writes LangChain4j's JSON Schema model ({@link JsonSchemaElement}) as JSON Schema text, which is what Headroom's
 * {@code Tool} and {@code ResponseFormat} take. Written as given: no "strict mode" rewriting (the cloud's strict
 * rules are the router's business), references as {@code #/$defs/<name>}.
 */
final class SchemaJson {
  private static final ObjectMapper JSON = new ObjectMapper();

  private SchemaJson() {}

  /** {@code schema} as JSON text. */
  static String text(JsonSchemaElement schema) {
    return node(schema).toString();
  }

  /** An object schema with no properties, for a tool that takes no parameters. */
  static String noParameters() {
    ObjectNode out = JSON.createObjectNode().put("type", "object");
    out.putObject("properties");
    return out.toString();
  }

  static ObjectNode node(JsonSchemaElement schema) {
    if (schema instanceof JsonObjectSchema object) {
      return object(object);
    }
    if (schema instanceof JsonArraySchema array) {
      ObjectNode out = typed("array", array.description());
      out.set("items", array.items() == null ? JSON.createObjectNode() : node(array.items()));
      return out;
    }
    if (schema instanceof JsonEnumSchema enumeration) {
      ObjectNode out = typed("string", enumeration.description());
      ArrayNode values = out.putArray("enum");
      enumeration.enumValues().forEach(values::add);
      return out;
    }
    if (schema instanceof JsonStringSchema string) {
      return typed("string", string.description());
    }
    if (schema instanceof JsonIntegerSchema integer) {
      return typed("integer", integer.description());
    }
    if (schema instanceof JsonNumberSchema number) {
      return typed("number", number.description());
    }
    if (schema instanceof JsonBooleanSchema bool) {
      return typed("boolean", bool.description());
    }
    if (schema instanceof JsonNullSchema) {
      return JSON.createObjectNode().put("type", "null");
    }
    if (schema instanceof JsonReferenceSchema reference) {
      ObjectNode out = JSON.createObjectNode();
      describe(out, reference.description());
      return out.put("$ref", "#/$defs/" + reference.reference());
    }
    if (schema instanceof JsonAnyOfSchema anyOf) {
      ObjectNode out = JSON.createObjectNode();
      describe(out, anyOf.description());
      ArrayNode choices = out.putArray("anyOf");
      anyOf.anyOf().forEach(choice -> choices.add(node(choice)));
      return out;
    }
    if (schema instanceof JsonRawSchema raw) {
      return raw(raw);
    }
    throw new UnsupportedFeatureException("a JSON schema element of type "
        + (schema == null ? "null" : schema.getClass().getName()) + " has no JSON Schema form here");
  }

  private static ObjectNode object(JsonObjectSchema object) {
    ObjectNode out = typed("object", object.description());
    ObjectNode properties = out.putObject("properties");
    object.properties().forEach((name, property) -> properties.set(name, node(property)));
    if (object.required() != null && !object.required().isEmpty()) {
      ArrayNode required = out.putArray("required");
      object.required().forEach(required::add);
    }
    if (object.additionalProperties() != null) {
      out.put("additionalProperties", object.additionalProperties());
    }
    Map<String, JsonSchemaElement> definitions = object.definitions();
    if (definitions != null && !definitions.isEmpty()) {
      ObjectNode defs = out.putObject("$defs");
      definitions.forEach((name, definition) -> defs.set(name, node(definition)));
    }
    return out;
  }

  private static ObjectNode raw(JsonRawSchema raw) {
    try {
      JsonNode parsed = JSON.readTree(raw.schema());
      if (parsed instanceof ObjectNode object) {
        return object;
      }
    } catch (JsonProcessingException e) {
      throw new UnsupportedFeatureException("a raw JSON schema that does not parse: " + e.getOriginalMessage());
    }
    throw new UnsupportedFeatureException("a raw JSON schema that is not a JSON object: " + raw.schema());
  }

  private static ObjectNode typed(String type, String description) {
    ObjectNode out = JSON.createObjectNode().put("type", type);
    describe(out, description);
    return out;
  }

  private static void describe(ObjectNode out, String description) {
    if (description != null) {
      out.put("description", description);
    }
  }
}
