package com.coffeeshop.transforms.delta;

import java.io.IOException;
import java.io.Serializable;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.SerializableCoder;
import org.apache.beam.sdk.io.BoundedSource;
import org.apache.beam.sdk.io.Read;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.transforms.SerializableFunction;

/**
 * Units of work (the {@link FileSplit}s of a read, or groups of them) as a source that the runner splits into one
 * source per unit, whatever size it asks for: each unit is then one of the runner's own input splits, which Flink
 * hands to a task when the task asks for one and Spark runs as a task of its own on whichever core is free. A DoFn
 * that reads a unit's files itself ({@link DeltaRead#readSplit}) and follows this source directly (Flink chains it
 * to the source) so gets its next unit only when it has finished the last one: the workers share the work by how
 * fast they go, not by a hash of a random key, which with few units is a coin toss.
 *
 * @param <T> a unit of work
 */
public final class SplitSource<T extends Serializable> extends BoundedSource<T> {
  private final List<T> splits;
  private final Coder<T> coder;
  private final SerializableFunction<T, Long> bytes;

  private SplitSource(List<T> splits, Coder<T> coder, SerializableFunction<T, Long> bytes) {
    this.splits = List.copyOf(splits);
    this.coder = coder;
    this.bytes = bytes;
  }

  /** Reads {@code splits} as elements, one runner split each. */
  public static Read.Bounded<FileSplit> of(List<FileSplit> splits) {
    return of(splits, SerializableCoder.of(FileSplit.class), FileSplit::length);
  }

  /** Reads {@code units} as elements, one runner split each; {@code bytes}: what reading a unit's files costs. */
  public static <T extends Serializable> Read.Bounded<T> of(List<T> units, Coder<T> coder,
      SerializableFunction<T, Long> bytes) {
    return Read.from(new SplitSource<>(units, coder, bytes));
  }

  @Override
  public List<SplitSource<T>> split(long desiredBundleSizeBytes, PipelineOptions options) {
    if (splits.size() <= 1) {
      return List.of(this);
    }
    return splits.stream().map(s -> new SplitSource<>(List.of(s), coder, bytes)).toList();
  }

  /** The bytes the units cover: what reading them costs, not the few bytes of the elements. */
  @Override
  public long getEstimatedSizeBytes(PipelineOptions options) {
    return splits.stream().mapToLong(bytes::apply).sum();
  }

  @Override
  public Coder<T> getOutputCoder() {
    return coder;
  }

  @Override
  public BoundedReader<T> createReader(PipelineOptions options) {
    return new Reader<>(this);
  }

  private static final class Reader<T extends Serializable> extends BoundedReader<T> {
    private final SplitSource<T> source;
    private final Iterator<T> next;
    private T current;

    Reader(SplitSource<T> source) {
      this.source = source;
      this.next = source.splits.iterator();
    }

    @Override
    public boolean start() throws IOException {
      return advance();
    }

    @Override
    public boolean advance() {
      current = next.hasNext() ? next.next() : null;
      return current != null;
    }

    @Override
    public T getCurrent() {
      if (current == null) {
        throw new NoSuchElementException();
      }
      return current;
    }

    @Override
    public void close() {}

    @Override
    public BoundedSource<T> getCurrentSource() {
      return source;
    }
  }
}
