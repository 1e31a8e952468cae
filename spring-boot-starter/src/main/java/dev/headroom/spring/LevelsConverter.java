package dev.headroom.spring;

import org.springframework.core.convert.converter.Converter;

/** Binds a single threshold ({@code above: 50}) as the warning level of {@link HeadroomScalingProperties.Levels}. */
final class LevelsConverter implements Converter<String, HeadroomScalingProperties.Levels> {
  @Override
  public HeadroomScalingProperties.Levels convert(String source) {
    return new HeadroomScalingProperties.Levels(source.trim(), null);
  }
}
