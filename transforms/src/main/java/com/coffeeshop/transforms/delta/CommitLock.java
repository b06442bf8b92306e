package com.coffeeshop.transforms.delta;

import java.io.IOException;
import java.net.URI;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;

/**
 * One Delta commit at a time per table: a lock per table in this JVM and, for a table on the local file
 * system, an OS file lock on {@code _delta_log/.commit.lock} across JVMs (released by the OS if the JVM dies).
 *
 * <p>Why: on the local file system delta-standalone's log store writes a version's JSON in place
 * ({@code isPartialWriteVisible}) and Hadoop's checksummed file system writes its {@code .crc} beside it in
 * a second step. Two runs committing to one table at the same moment then raced: the loser read the
 * winner's half-written version and failed with a {@code ChecksumException} instead of Delta's conflict
 * error (seen once in CI), and with other Hadoop versions one commit can overwrite the other
 * (delta-io/connectors#489). Under this lock the second commit starts from the first one's snapshot, so
 * Delta's own checks (the writer's run number, the partitions replaced) see it. Object stores and HDFS keep
 * their own log stores' guarantees; only the in-JVM lock applies there.
 */
final class CommitLock implements AutoCloseable {
  private static final ConcurrentHashMap<String, Semaphore> IN_JVM = new ConcurrentHashMap<>();
  private final Semaphore jvmLock;
  private final FileChannel channel;
  private final FileLock fileLock;

  private CommitLock(Semaphore jvmLock, FileChannel channel, FileLock fileLock) {
    this.jvmLock = jvmLock;
    this.channel = channel;
    this.fileLock = fileLock;
  }

  /** Waits until no other commit to {@code tablePath} runs, in this JVM or (local tables) any other. */
  static CommitLock acquire(String tablePath) throws IOException {
    Path local = localPath(tablePath);
    String key = local != null ? local.toAbsolutePath().normalize().toString() : tablePath;
    Semaphore jvmLock = IN_JVM.computeIfAbsent(key, k -> new Semaphore(1));
    jvmLock.acquireUninterruptibly();
    if (local == null) {
      return new CommitLock(jvmLock, null, null);
    }
    try {
      Path log = Files.createDirectories(local.resolve("_delta_log"));
      FileChannel channel = FileChannel.open(log.resolve(".commit.lock"), StandardOpenOption.CREATE,
          StandardOpenOption.WRITE);
      try {
        return new CommitLock(jvmLock, channel, channel.lock());
      } catch (IOException | RuntimeException e) {
        channel.close();
        throw e;
      }
    } catch (IOException | RuntimeException e) {
      jvmLock.release();
      throw e;
    }
  }

  /** The table's folder when it is on the local file system ({@code file:} or no scheme), else null. */
  static Path localPath(String tablePath) {
    if (tablePath.startsWith("file:")) {
      return Path.of(URI.create(tablePath));
    }
    return tablePath.matches("[A-Za-z][A-Za-z0-9+.-]+:.*") ? null : Path.of(tablePath);
  }

  @Override
  public void close() throws IOException {
    try {
      if (fileLock != null) {
        fileLock.release();
        channel.close();
      }
    } finally {
      jvmLock.release();
    }
  }
}
