package dev.headroom.spring;

import java.util.Set;
import org.springframework.core.convert.TypeDescriptor;
import org.springframework.core.convert.converter.GenericConverter;

/**
 * Binds a single threshold ({@code above: 50}, {@code above: 500ms}) as the warning level of
 * {@link HeadroomScalingProperties.Levels}. YAML gives a number for {@code 50} and text for {@code 500ms}.
 */
final class LevelsConverter implements GenericConverter {
  @Override
  public Set<ConvertiblePair> getConvertibleTypes() {
    return Set.of(new ConvertiblePair(String.class, HeadroomScalingProperties.Levels.class),
        new ConvertiblePair(Number.class, HeadroomScalingProperties.Levels.class));
  }

  @Override
  public Object convert(Object source, TypeDescriptor sourceType, TypeDescriptor targetType) {
    return source == null ? null : new HeadroomScalingProperties.Levels(source.toString().trim(), null);
  }
}
