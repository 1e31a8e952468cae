package dev.headroom.npu.openvino;

import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongConsumer;

/** An OpenVINO object owned by Java: its pointer, freed exactly once by {@link #close()}. */
abstract class NativeHandle implements AutoCloseable {
  private final AtomicLong pointer;
  private final String kind;
  private final LongConsumer free;

  NativeHandle(String kind, long pointer, LongConsumer free) {
    if (pointer == 0) {
      throw new OpenVinoException(kind, -14, "the library returned a null " + kind);
    }
    this.kind = kind;
    this.pointer = new AtomicLong(pointer);
    this.free = free;
  }

  /** The live pointer; throws once closed. */
  final long pointer() {
    long value = pointer.get();
    if (value == 0) {
      throw new IllegalStateException(kind + " is closed");
    }
    return value;
  }

  final boolean isClosed() {
    return pointer.get() == 0;
  }

  /** Frees the object; later calls do nothing. */
  @Override
  public void close() {
    long value = pointer.getAndSet(0);
    if (value != 0) {
      free.accept(value);
    }
  }

  @Override
  public String toString() {
    return kind + (isClosed() ? "(closed)" : "");
  }
}
