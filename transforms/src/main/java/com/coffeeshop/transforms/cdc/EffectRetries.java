package com.coffeeshop.transforms.cdc;

import dev.failsafe.RetryPolicy;
import dev.failsafe.function.CheckedPredicate;
import java.time.Duration;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How the suggestion job retries an effect (a MySQL or Redis call) that fails for a reason that can pass: with
 * exponential backoff (0.1 s to 5 s) for at most its budget ({@code --effectRetrySeconds}, default 60 s). Past the
 * budget the call throws: the bundle fails, so the runner replays its records from the last safe point (Flink
 * restarts the job from its last completed checkpoint; Spark's batch fails and the job ends for its supervisor to
 * restart). No offset past an undone effect is committed, and none is withheld once the effects succeed again.
 * Giving up is logged and counted ({@code suggestion/effects_given_up}).
 */
public final class EffectRetries {
  private EffectRetries() {}

  /** The default budget of one effect's retries. */
  public static final Duration DEFAULT_BUDGET = Duration.ofSeconds(60);

  private static final Logger LOG = LoggerFactory.getLogger(EffectRetries.class);
  private static final Counter GIVEN_UP = Metrics.counter("suggestion", "effects_given_up");

  /** The policy for calls to {@code service} that may pass later when {@code transientError} says so. */
  public static <T> RetryPolicy<T> policy(String service, Duration budget, CheckedPredicate<Throwable> transientError,
      Runnable beforeRetry) {
    return RetryPolicy.<T>builder()
        .handleIf(transientError)
        .withBackoff(Duration.ofMillis(100), Duration.ofSeconds(5))
        .withMaxDuration(budget)
        .withMaxRetries(-1)
        .onRetry(e -> {
          LOG.warn("{} unavailable (attempt {}), retrying: {}", service, e.getAttemptCount(),
              e.getLastException().getMessage());
          beforeRetry.run();
        })
        .onRetriesExceeded(e -> {
          GIVEN_UP.inc();
          LOG.error("{} still failing after {} s of retries ({}): the bundle fails and its records are replayed from"
              + " the last safe point; no Kafka offset past them is committed until their effects are done", service,
              budget.toSeconds(), e.getException().toString());
        })
        .build();
  }
}
