package com.coffeeshop.transforms.delta;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.nullValue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Commits to one table wait for each other, in one JVM and across JVMs (the local file system's lock). */
class CommitLockTest {
  @TempDir
  Path dir;

  private CompletableFuture<CommitLock> acquireInBackground(String table) {
    return CompletableFuture.supplyAsync(() -> {
      try {
        return CommitLock.acquire(table);
      } catch (Exception e) {
        throw new RuntimeException(e);
      }
    });
  }

  private static boolean waitsPast(CompletableFuture<?> f, long millis) throws Exception {
    try {
      f.get(millis, TimeUnit.MILLISECONDS);
      return false;
    } catch (TimeoutException stillWaiting) {
      return true;
    }
  }

  @Test
  void aSecondCommitInTheSameJvmWaitsForTheFirst() throws Exception {
    String table = dir.resolve("t").toString();
    CommitLock first = CommitLock.acquire(table);
    CompletableFuture<CommitLock> second = acquireInBackground(table);
    assertThat("the second commit waits while the first holds the table", waitsPast(second, 500), is(true));
    first.close();
    second.get(10, TimeUnit.SECONDS).close();
    CommitLock.acquire(dir.resolve("other").toString()).close(); // another table never waits
  }

  @Test
  void aCommitWaitsForAnotherJvmCommittingToTheSameTable() throws Exception {
    Path table = dir.resolve("t");
    Process other = new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), Holder.class.getName(), table.toString()))
        .redirectErrorStream(true).start();
    try (BufferedReader out = new BufferedReader(new InputStreamReader(other.getInputStream(), StandardCharsets.UTF_8));
        OutputStream in = other.getOutputStream()) {
      assertThat(out.readLine(), is("held"));
      CompletableFuture<CommitLock> mine = acquireInBackground("file:" + table.toAbsolutePath());
      assertThat("this JVM waits while the other one commits", waitsPast(mine, 1000), is(true));
      in.write('\n');
      in.flush();
      mine.get(20, TimeUnit.SECONDS).close();
      assertThat(out.readLine(), is("released"));
    } finally {
      other.destroyForcibly();
    }
  }

  @Test
  void onlyLocalTablesTakeAFileLock() {
    assertThat(CommitLock.localPath("/lake/bronze/orders"), is(Path.of("/lake/bronze/orders")));
    assertThat(CommitLock.localPath("file:/lake/bronze/orders"), is(Path.of("/lake/bronze/orders")));
    assertThat(CommitLock.localPath("s3a://bucket/lake/bronze/orders"), is(nullValue()));
    assertThat(CommitLock.localPath("hdfs://nn:8020/lake/bronze/orders"), is(nullValue()));
  }

  /** Another JVM: holds the table's commit lock until a line arrives on its input. */
  public static final class Holder {
    public static void main(String[] args) throws Exception {
      try (CommitLock held = CommitLock.acquire(args[0])) {
        System.out.println("held");
        System.out.flush();
        new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
      }
      System.out.println("released");
      System.out.flush();
    }
  }
}
