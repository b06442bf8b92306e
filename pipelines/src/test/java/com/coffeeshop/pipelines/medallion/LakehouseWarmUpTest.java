package com.coffeeshop.pipelines.medallion;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.is;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** A step's warm-up reads the lakehouse its raw arguments name, off the main thread, and never fails the step. */
class LakehouseWarmUpTest {
  @Test
  void readsTheLakehouseTheArgumentsNameOnAThreadOfItsOwn() throws Exception {
    List<String> read = new CopyOnWriteArrayList<>();
    Lakehouse.warmUp(new String[] {"--date=2026-12-05", "--lakehouse=/data/lake"},
        lake -> read.add(lake + " on " + Thread.currentThread().getName())).await();
    assertThat(read, contains("/data/lake on lakehouse-warm-up"));
  }

  @Test
  void withoutALakehouseArgumentNothingIsRead() throws Exception {
    List<String> read = new CopyOnWriteArrayList<>();
    Lakehouse.warmUp(new String[] {"--date=2026-12-05"}, read::add).await();
    Lakehouse.warmUp(new String[] {"--lakehouse="}, read::add).await();
    assertThat(read, is(empty()));
  }

  @Test
  void aReadThatFailsIsLeftToTheStepItself() throws Exception {
    Lakehouse.WarmUp failing = Lakehouse.warmUp(new String[] {"--lakehouse=/no/such/lake"}, lake -> {
      throw new java.io.FileNotFoundException(lake);
    });
    failing.await(); // returns: the step reads the same table and reports the error with its options
    List<String> read = new CopyOnWriteArrayList<>();
    Lakehouse.warmUp(new String[] {"--lakehouse=/no/such/lake"},
        lake -> read.add(String.valueOf(com.coffeeshop.transforms.delta.DeltaTables.latestCommitInfo(lake + "/silver/x")))).await();
    assertThat("a missing table is read as no table", read, contains("Optional.empty"));
  }
}
