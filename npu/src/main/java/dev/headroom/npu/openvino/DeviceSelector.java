package dev.headroom.npu.openvino;

import dev.headroom.core.Checks;
import dev.headroom.core.ConfigException;
import dev.headroom.core.time.Ticker;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Chooses the OpenVINO device to compile for: the first device of a priority list (default NPU, then GPU, then CPU)
 * that is available and compiles, or an {@code AUTO:…} device string handed to OpenVINO's AUTO plugin as is.
 *
 * <p>A device whose compile fails is excluded for a cooldown (default 5 minutes) and tried again after it, so a
 * flaky NPU driver does not cost a failed compile on every start of a backend. The choice and the reasons for
 * passing over better devices are logged once per change, and exported as the gauge
 * {@code headroom.npu.device{selector,device,reason}} = 1 (reason PREFERRED, FALLBACK, AUTO or NONE).
 * Thread-safe.
 */
public final class DeviceSelector {
  private static final Logger log = LoggerFactory.getLogger(DeviceSelector.class);

  /** Gauge name: 1 for the device in use, tagged with why it was chosen. */
  public static final String DEVICE_METRIC = "headroom.npu.device";

  private final String name;
  private final List<String> priority;
  private final boolean auto;
  private final Duration cooldown;
  private final Ticker ticker;
  private final MeterRegistry registry;
  private final Map<String, Long> excludedUntil = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> gauges = new ConcurrentHashMap<>();
  private final Object choiceLock = new Object();
  private String currentDevice = "";
  private List<String> lastReasons = List.of();

  private DeviceSelector(Builder b) {
    this.name = b.name;
    this.priority = List.copyOf(b.priority);
    this.auto = b.auto;
    this.cooldown = b.cooldown;
    this.ticker = b.ticker;
    this.registry = b.registry;
  }

  /** NPU, then GPU, then CPU; 5 minute cooldown; no metrics. */
  public static DeviceSelector defaults() {
    return builder().build();
  }

  /** A builder starting from the defaults. */
  public static Builder builder() {
    return new Builder();
  }

  /** The device string AUTO mode hands to OpenVINO, e.g. {@code AUTO:NPU,GPU,CPU}. */
  public String autoDevice() {
    return "AUTO:" + String.join(",", priority);
  }

  /** Whether this selector hands the choice to OpenVINO's AUTO plugin. */
  public boolean isAuto() {
    return auto;
  }

  /** The device order tried. */
  public List<String> priority() {
    return priority;
  }

  /**
   * Compiles on the best device that works.
   *
   * @param available the devices OpenVINO reports, e.g. {@code [CPU, GPU.0, NPU]}
   * @param compiler compiles for one device string, throwing on failure
   * @return the choice with its reasons, or empty when no device compiled (see {@link #lastReasons()})
   */
  public <T> Optional<Selection<T>> select(List<String> available, DeviceCompiler<T> compiler) {
    Objects.requireNonNull(available, "available");
    Objects.requireNonNull(compiler, "compiler");
    List<String> reasons = new ArrayList<>();
    List<String> wanted = auto ? List.of(autoDevice()) : priority;
    for (String entry : wanted) {
      List<String> devices = auto ? List.of(entry) : matching(entry, available);
      if (devices.isEmpty()) {
        reasons.add(entry + ": not available (devices: " + available + ")");
      }
      for (String device : devices) {
        long now = ticker.read();
        Long until = excludedUntil.get(device);
        if (until != null && now - until < 0) {
          reasons.add(device + ": excluded for another " + Duration.ofNanos(until - now).toSeconds()
              + " s after a failed compile");
          continue;
        }
        try {
          T compiled = compiler.compile(device);
          excludedUntil.remove(device);
          boolean fallback = !reasons.isEmpty() && !auto;
          String reason = auto ? "AUTO" : fallback ? "FALLBACK" : "PREFERRED";
          reasons.add(device + ": chosen");
          chosen(device, reason, reasons);
          return Optional.of(new Selection<>(device, compiled, List.copyOf(reasons), fallback));
        } catch (Exception e) {
          excludedUntil.put(device, ticker.read() + cooldown.toNanos());
          reasons.add(device + ": compile failed (" + e.getMessage() + "); excluded for " + cooldown.toSeconds()
              + " s");
        }
      }
    }
    chosen("none", "NONE", reasons);
    return Optional.empty();
  }

  /** The device chosen last, if any. */
  public Optional<String> current() {
    synchronized (choiceLock) {
      return currentDevice.isEmpty() || currentDevice.equals("none") ? Optional.empty() : Optional.of(currentDevice);
    }
  }

  /** Why the last selection chose what it chose, one line per device considered. */
  public List<String> lastReasons() {
    synchronized (choiceLock) {
      return lastReasons;
    }
  }

  /** Whether {@code device} is inside its cooldown after a failed compile. */
  public boolean isExcluded(String device) {
    Long until = excludedUntil.get(device);
    return until != null && ticker.read() - until < 0;
  }

  private static List<String> matching(String wanted, List<String> available) {
    List<String> out = new ArrayList<>();
    for (String device : available) {
      if (device.equals(wanted) || (!wanted.contains(".") && device.startsWith(wanted + "."))) {
        out.add(device);
      }
    }
    return out;
  }

  private void chosen(String device, String reason, List<String> reasons) {
    boolean changed;
    synchronized (choiceLock) {
      changed = !device.equals(currentDevice);
      currentDevice = device;
      lastReasons = List.copyOf(reasons);
      if (registry != null) {
        gauges.values().forEach(g -> g.set(0));
        gauges.computeIfAbsent(device + '\0' + reason, key -> {
          AtomicInteger value = new AtomicInteger();
          Gauge.builder(DEVICE_METRIC, value, AtomicInteger::get)
              .description("1 for the OpenVINO device in use, tagged with why it was chosen")
              .tags("selector", name, "device", device, "reason", reason)
              .register(registry);
          return value;
        }).set(1);
      }
    }
    if (changed) {
      if (device.equals("none")) {
        log.warn("device selector '{}': no OpenVINO device compiled: {}", name, reasons);
      } else {
        log.info("device selector '{}': using {} ({}): {}", name, device, reason, reasons);
      }
    } else {
      log.debug("device selector '{}': still {}: {}", name, device, reasons);
    }
  }

  @Override
  public String toString() {
    return "DeviceSelector{" + name + ", " + (auto ? autoDevice() : priority) + ", cooldown=" + cooldown + '}';
  }

  /**
   * Compiles a model for one device string.
   *
   * @param <T> what a compile produces
   */
  @FunctionalInterface
  public interface DeviceCompiler<T> {
    /** Compiles for {@code device} ({@code NPU}, {@code GPU.0}, {@code AUTO:NPU,CPU}…); throws on failure. */
    T compile(String device) throws Exception;
  }

  /**
   * The outcome of a selection.
   *
   * @param device the device string compiled for
   * @param compiled what the compiler produced
   * @param reasons one line per device considered, in order
   * @param fallback whether a better device was passed over
   * @param <T> what a compile produces
   */
  public record Selection<T>(String device, T compiled, List<String> reasons, boolean fallback) {}

  /** Builds a {@link DeviceSelector}. */
  public static final class Builder {
    private String name = "openvino";
    private List<String> priority = List.of("NPU", "GPU", "CPU");
    private boolean auto;
    private Duration cooldown = Duration.ofMinutes(5);
    private Ticker ticker = Ticker.system();
    private MeterRegistry registry;

    private Builder() {}

    /** The selector's name, a metric tag and log prefix; default "openvino". */
    public Builder name(String value) {
      this.name = Objects.requireNonNull(value, "name");
      return this;
    }

    /** The devices to try, best first: families (NPU, GPU) or exact devices (GPU.1). */
    public Builder priority(String... devices) {
      this.priority = List.of(devices);
      return this;
    }

    /** Hand the priority list to OpenVINO's AUTO plugin ({@code AUTO:NPU,GPU,CPU}) instead of trying in turn. */
    public Builder auto(boolean value) {
      this.auto = value;
      return this;
    }

    /** How long a device whose compile failed is skipped; default 5 minutes. */
    public Builder cooldown(Duration value) {
      this.cooldown = Objects.requireNonNull(value, "cooldown");
      return this;
    }

    /** The time source for cooldowns. */
    public Builder ticker(Ticker value) {
      this.ticker = Objects.requireNonNull(value, "ticker");
      return this;
    }

    /** Where the {@value #DEVICE_METRIC} gauge goes. */
    public Builder meterRegistry(MeterRegistry value) {
      this.registry = Objects.requireNonNull(value, "meterRegistry");
      return this;
    }

    /** Validates and builds. */
    public DeviceSelector build() {
      Checks checks = Checks.in("device selector '" + name + "'");
      checks.nonBlank("name", name);
      checks.notEmpty("priority", priority, "device");
      for (String device : priority) {
        if (device.isBlank() || device.contains(",") || device.toUpperCase(Locale.ROOT).startsWith("AUTO")) {
          throw checks.invalid("priority", priority,
              "must list plain devices such as NPU, GPU, GPU.1, CPU (use auto(true) for AUTO)");
        }
      }
      checks.nonNegative("cooldown", cooldown);
      return new DeviceSelector(this);
    }
  }
}
