package dev.headroom.scaling;

import dev.headroom.core.ConfigException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reads scaling configuration files. Jackson is an optional dependency of headroom-scaling, so this class checks for
 * it by name before touching {@link JacksonScalingConfigReader}, the only class that links against it.
 */
final class ScalingConfigFiles {
  enum Format {
    JSON("com.fasterxml.jackson.databind.ObjectMapper", "com.fasterxml.jackson.core:jackson-databind"),
    YAML("com.fasterxml.jackson.dataformat.yaml.YAMLFactory",
        "com.fasterxml.jackson.dataformat:jackson-dataformat-yaml");

    final String probeClass;
    final String artifact;

    Format(String probeClass, String artifact) {
      this.probeClass = probeClass;
      this.artifact = artifact;
    }
  }

  private ScalingConfigFiles() {}

  static ScalingConfig read(Path file, Format format) {
    requireJackson(format, file.toString());
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new ConfigException("scaling config file", file, "must be readable (" + e + ")");
    }
    return JacksonScalingConfigReader.parse(text, file.toString(), format == Format.YAML);
  }

  static ScalingConfig parse(String text, String source, Format format) {
    requireJackson(format, source);
    return JacksonScalingConfigReader.parse(text, source, format == Format.YAML);
  }

  private static void requireJackson(Format format, String source) {
    for (Format needed : format == Format.YAML ? new Format[] {Format.YAML, Format.JSON} : new Format[] {Format.JSON}) {
      try {
        Class.forName(needed.probeClass, false, ScalingConfigFiles.class.getClassLoader());
      } catch (ClassNotFoundException | LinkageError e) {
        throw new ConfigException("scaling config " + source, format.name() + " without " + needed.artifact,
            "needs " + needed.artifact + " (Jackson 2) on the classpath, an optional dependency of headroom-scaling,");
      }
    }
  }
}
