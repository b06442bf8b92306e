package com.coffeeshop.transforms.delta;

import java.io.IOException;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.SerializableCoder;
import org.apache.beam.sdk.io.BoundedSource;
import org.apache.beam.sdk.io.Read;
import org.apache.beam.sdk.options.PipelineOptions;

/**
 * The {@link FileSplit}s of a read as a source that the runner splits into one source per file split, whatever
 * size it asks for: each file split is then one of the runner's own input splits, which Flink hands to a task
 * when the task asks for one and Spark runs as a task of its own on whichever core is free. A DoFn that reads a
 * split itself ({@link DeltaRead#readSplit}) and follows this source directly (Flink chains it to the source)
 * so gets its next split only when it has finished the last one: the workers share the splits by how fast they
 * go, not by a hash of a random key.
 *
 * <p>A {@code Create} of the splits and a {@code Reshuffle.viaRandomKey()} deal them out by the hash of a random
 * key instead. With few splits that is a coin toss: with a day's lines in two files on two workers, both went
 * to one worker half the time, and it joined the whole day alone.
 */
public final class SplitSource extends BoundedSource<FileSplit> {
  private final List<FileSplit> splits;

  private SplitSource(List<FileSplit> splits) {
    this.splits = List.copyOf(splits);
  }

  /** Reads {@code splits} as elements, one runner split each. */
  public static Read.Bounded<FileSplit> of(List<FileSplit> splits) {
    return Read.from(new SplitSource(splits));
  }

  @Override
  public List<SplitSource> split(long desiredBundleSizeBytes, PipelineOptions options) {
    if (splits.size() <= 1) {
      return List.of(this);
    }
    return splits.stream().map(s -> new SplitSource(List.of(s))).toList();
  }

  /** The bytes the splits cover: what reading them costs, not the few bytes of the elements. */
  @Override
  public long getEstimatedSizeBytes(PipelineOptions options) {
    return splits.stream().mapToLong(FileSplit::length).sum();
  }

  @Override
  public Coder<FileSplit> getOutputCoder() {
    return SerializableCoder.of(FileSplit.class);
  }

  @Override
  public BoundedReader<FileSplit> createReader(PipelineOptions options) {
    return new Reader(this);
  }

  private static final class Reader extends BoundedReader<FileSplit> {
    private final SplitSource source;
    private final Iterator<FileSplit> next;
    private FileSplit current;

    Reader(SplitSource source) {
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
    public FileSplit getCurrent() {
      if (current == null) {
        throw new NoSuchElementException();
      }
      return current;
    }

    @Override
    public void close() {}

    @Override
    public BoundedSource<FileSplit> getCurrentSource() {
      return source;
    }
  }
}
