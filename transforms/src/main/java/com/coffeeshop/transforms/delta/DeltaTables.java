package com.coffeeshop.transforms.delta;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.delta.standalone.DeltaLog;
import io.delta.standalone.Snapshot;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Optional;
import org.apache.hadoop.conf.Configuration;

/** Small questions about a Delta table, answered from its log. */
public final class DeltaTables {
  private DeltaTables() {}

  public static DeltaLog log(String tablePath) {
    return DeltaLog.forTable(new Configuration(), tablePath);
  }

  /** The latest version, or empty when no table exists at the path yet. */
  public static Optional<Long> latestVersion(String tablePath) {
    DeltaLog log = log(tablePath);
    return log.tableExists() ? Optional.of(log.update().getVersion()) : Optional.empty();
  }

  /** The commit info a {@link DeltaWrite} recorded with {@code version}. */
  public static Map<String, String> userMetadata(String tablePath, long version) {
    String json = log(tablePath).getCommitInfoAt(version).getUserMetadata().orElse("{}");
    try {
      return new ObjectMapper().readValue(json, new TypeReference<Map<String, String>>() {});
    } catch (IOException e) {
      throw new UncheckedIOException("unreadable commit info at version " + version + " of " + tablePath, e);
    }
  }

  static Snapshot snapshot(String tablePath, Long version, Long timestampMillis) {
    DeltaLog log = log(tablePath);
    if (!log.tableExists()) {
      throw new IllegalArgumentException("no Delta table at " + tablePath + " (no _delta_log there)");
    }
    if (version != null) {
      return log.getSnapshotForVersionAsOf(version);
    }
    if (timestampMillis != null) {
      return log.getSnapshotForTimestampAsOf(timestampMillis);
    }
    return log.update();
  }
}
