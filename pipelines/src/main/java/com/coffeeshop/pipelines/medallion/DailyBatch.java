package com.coffeeshop.pipelines.medallion;

import com.coffeeshop.pipelines.launch.Jobs;
import com.coffeeshop.pipelines.medallion.bronze.BronzeIngest;
import com.coffeeshop.pipelines.medallion.gold.GoldDimensions;
import com.coffeeshop.pipelines.medallion.gold.GoldFacts;
import com.coffeeshop.pipelines.medallion.silver.SilverClean;
import com.coffeeshop.pipelines.options.DayOptions;
import com.coffeeshop.pipelines.options.LakehouseOptions;
import com.coffeeshop.pipelines.options.TimeZoneOptions;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.options.Default;
import org.apache.beam.sdk.options.DefaultValueFactory;
import org.apache.beam.sdk.options.Description;
import org.apache.beam.sdk.options.PipelineOptions;

/**
 * A day's whole batch in one JVM: bronze → silver → gold dimensions → gold facts, each step the same
 * pipeline run, with the same commits and checks, as when it runs alone.
 *
 * <p>Airflow runs each step as its own task and JVM, so a failed step is retried alone. This job is for
 * where start-up would dominate: a small day, the demo, a back-fill by hand. A step's JVM start, class
 * loading and runner start are then paid once instead of four times.
 *
 * <p>The steps run in order and the batch stops at the first that fails: the steps before it have
 * committed, the failed one fails as it does alone (silver's gate, say, after silver is written), the
 * ones after it do not run. The error names the step and the {@code --steps} that resume
 * the batch from it; every step may be run again (bronze continues from its watermark, silver and facts
 * replace the day, the dimensions are rebuilt whole), so running the whole batch again is also safe.
 * All the steps' tables record one run id.
 */
public class DailyBatch {
  /** The steps, in the order they run; the names are those of {@code --steps} and of the progress lines. */
  public enum Step {
    BRONZE("bronze"), SILVER("silver"), DIMENSIONS("gold-dimensions"), FACTS("gold-facts");

    public final String option;

    Step(String option) {
      this.option = option;
    }

    static Step of(String option) {
      return Arrays.stream(values()).filter(s -> s.option.equals(option)).findFirst().orElseThrow(() ->
          new IllegalArgumentException("--steps: no step '" + option + "'; the steps are " + names(List.of(values()))));
    }
  }

  /** Every step's options: a step reads its own, and the shared ones (lakehouse, day, time zone) are one. */
  public interface Options extends BronzeIngest.Options, SilverClean.Options, GoldDimensions.Options,
      GoldFacts.Options {
    @Description("The steps to run, in their order: some of bronze,silver,gold-dimensions,gold-facts (default:"
        + " all). After a failed step, the steps from it resume the batch")
    @Default.InstanceFactory(AllSteps.class)
    List<String> getSteps();

    void setSteps(List<String> value);
  }

  /** The default of {@code --steps}: all of them. */
  public static class AllSteps implements DefaultValueFactory<List<String>> {
    @Override
    public List<String> create(PipelineOptions options) {
      return Arrays.stream(Step.values()).map(s -> s.option).toList();
    }
  }

  /** Thrown when a step fails: names the step and how to resume; the step's own error is the cause. */
  public static class StepFailed extends RuntimeException {
    public final Step step;

    StepFailed(Step step, List<Step> resume, Throwable cause) {
      super("the batch stopped at " + step.option + ": " + cause.getMessage() + "\nThe steps before it committed"
          + " and the steps after it did not run. Fix the cause, then resume with --steps=" + names(resume), cause);
      this.step = step;
    }
  }

  public static void main(String[] args) throws Exception {
    Jobs.main("daily batch", () -> run(Jobs.batchOptions(args, Options.class)));
  }

  /**
   * Runs the steps of {@code --steps} in order, printing a result line for each ({@code {"job":"daily batch",
   * "step":"silver","status":"ok","seconds":12.3}}).
   *
   * @return each step run and its seconds, in order
   * @throws StepFailed when a step fails, after the steps before it committed
   */
  public static Map<Step, Double> run(Options o) throws IOException {
    List<Step> steps = steps(o.getSteps());
    LocalDate day = DayOptions.day(o);
    LakehouseOptions.runId(o);
    warnIfUnfinished(o, steps, day);
    Map<Step, Double> took = new LinkedHashMap<>();
    for (int i = 0; i < steps.size(); i++) {
      Step step = steps.get(i);
      long start = System.nanoTime();
      try {
        switch (step) {
          case BRONZE -> Jobs.toCompletion(BronzeIngest.run(o), "bronze");
          case SILVER -> SilverClean.runAndRestate(o);
          case DIMENSIONS -> Jobs.toCompletion(GoldDimensions.run(o), "gold dimensions");
          case FACTS -> GoldFacts.runAndRestate(o);
        }
      } catch (IllegalArgumentException e) {
        if (i == 0) {
          throw e; // bad options or configuration, before anything ran: the message says what to change
        }
        throw new StepFailed(step, steps.subList(i, steps.size()), e);
      } catch (Exception e) {
        throw new StepFailed(step, steps.subList(i, steps.size()), e);
      }
      double seconds = Math.round((System.nanoTime() - start) / 1e7) / 100.0;
      took.put(step, seconds);
      Map<String, Object> result = new LinkedHashMap<>();
      result.put("job", "daily batch");
      result.put("step", step.option);
      result.put("status", "ok");
      result.put("seconds", seconds);
      Jobs.result(result);
    }
    return took;
  }

  /** {@code --steps}, checked: known names, each once, in the batch's order. */
  static List<Step> steps(List<String> names) {
    if (names == null || names.isEmpty()) {
      throw new IllegalArgumentException("--steps is empty; give some of " + names(List.of(Step.values())));
    }
    List<Step> steps = new ArrayList<>();
    for (String name : names) {
      Step step = Step.of(name.trim());
      if (!steps.isEmpty() && step.ordinal() <= steps.get(steps.size() - 1).ordinal()) {
        throw new IllegalArgumentException("--steps=" + String.join(",", names) + ": each step once, in the batch's"
            + " order " + names(List.of(Step.values())));
      }
      steps.add(step);
    }
    return steps;
  }

  /**
   * A day that has not ended (plus bronze's settle time) when bronze reads is built from the rows so far;
   * the run that later captures the rest restates it (silver's and facts' {@code --restateLateDays}).
   */
  private static void warnIfUnfinished(Options o, List<Step> steps, LocalDate day) {
    Instant readTo = o.getTo() != null ? BronzeIngest.instant("--to", o.getTo())
        : Instant.now().minus(Duration.ofMinutes(o.getSettleMinutes()));
    Instant dayEnd = Instant.ofEpochMilli(TimeZoneOptions.businessDay(o).end(day));
    if (steps.contains(Step.BRONZE) && readTo.isBefore(dayEnd)) {
      Jobs.progress("daily batch", day + " ends at " + dayEnd + ", after bronze reads (up to " + readTo + "): its"
          + " silver and gold hold the rows so far, and the next run's silver and facts restate it"
          + (o.getRestateLateDays() ? "" : " (with --restateLateDays, which is off here)"));
    }
  }

  private static String names(List<Step> steps) {
    return String.join(",", steps.stream().map(s -> s.option).toList());
  }
}
