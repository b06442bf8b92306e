package com.coffeeshop.pipelines.launch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.apache.beam.sdk.options.Default;
import org.apache.beam.sdk.options.Description;
import org.apache.beam.sdk.options.PipelineOptions;

/**
 * A job submitted to a Flink session cluster runs there, not in the JVM that submitted it: ending that JVM (Airflow
 * killing a task that timed out or was marked failed, Ctrl-C on {@code devstack/run-pipeline}) would leave the job
 * running and writing. So a JVM that submits to a cluster cancels, as it ends, the cluster's running jobs it
 * submitted, by their job name, through the cluster's REST API. A JVM killed with SIGKILL cancels nothing: cancel
 * the job by hand ({@code curl -X PATCH http://<jobmanager>:8081/jobs/<id>?mode=cancel}).
 */
public final class FlinkClusterJobs {
  private FlinkClusterJobs() {}

  /** The FlinkRunner's own option, read here without the runner on the class path. */
  public interface MasterOption extends PipelineOptions {
    @Description("Address of the Flink Master where the Pipeline should be executed. Can either be of the form "
        + "\"host:port\" or one of the special values [local], [collection] or [auto].")
    @Default.String("[auto]")
    String getFlinkMaster();

    void setFlinkMaster(String value);
  }

  /** The FlinkRunner's restore options, read and set here without the runner on the class path. */
  public interface RestoreOptions extends PipelineOptions {
    @Description("Savepoint restore path. If specified, restores the streaming pipeline from the provided path.")
    String getSavepointPath();

    void setSavepointPath(String path);

    @Description("State backend path to persist state backend data. Used to initialize state backend.")
    String getStateBackendStoragePath();

    void setStateBackendStoragePath(String path);
  }

  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private static final ObjectMapper JSON = new ObjectMapper();
  private static boolean registered;

  /**
   * For a FlinkRunner job on a cluster ({@code --flinkMaster=host:port}): cancels its running jobs on the cluster
   * when this JVM ends. Once per JVM; does nothing for other runners and Flink's embedded engines.
   */
  public static synchronized void cancelOnExit(PipelineOptions options) {
    if (registered || !onCluster(options)) {
      return;
    }
    String master = options.as(MasterOption.class).getFlinkMaster();
    String jobName = options.getJobName();
    URI rest = URI.create("http://" + master + "/");
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try {
        for (String id : cancel(rest, jobName)) {
          System.err.println("[flink] cancelled job " + jobName + " (" + id + ") on " + master + " as this JVM ends");
        }
      } catch (IOException | RuntimeException e) {
        System.err.println("[flink] could not cancel job " + jobName + " on " + master + ": " + e
            + "; cancel it there if it still runs");
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, "cancel-flink-job"));
    registered = true;
  }

  private static boolean onCluster(PipelineOptions options) {
    return options.getRunner().getSimpleName().equals("FlinkRunner")
        && !options.as(MasterOption.class).getFlinkMaster().startsWith("[");
  }

  /**
   * For a streaming job sent to a Flink cluster with checkpoints of its own ({@code --stateBackendStoragePath}, a
   * {@code file:} folder) and no {@code --savepointPath}: restores it from the newest completed checkpoint there, if
   * any, as a resubmitted job after a lost JobManager must (a standalone JobManager forgets its jobs when it dies).
   * Flink retains the checkpoints of a cancelled or failed job ({@code externalizedCheckpointsEnabled}).
   *
   * @return the checkpoint the job will restore from
   */
  public static Optional<String> restoreFromLatestCheckpoint(PipelineOptions options) {
    RestoreOptions restore = options.as(RestoreOptions.class);
    String storage = restore.getStateBackendStoragePath();
    if (!onCluster(options) || restore.getSavepointPath() != null || storage == null || !storage.startsWith("file:")) {
      return Optional.empty();
    }
    Path root = Path.of(URI.create(storage));
    if (!Files.isDirectory(root)) {
      return Optional.empty();
    }
    Optional<Path> latest;
    try (Stream<Path> jobs = Files.list(root)) {
      latest = jobs.filter(Files::isDirectory).flatMap(FlinkClusterJobs::completedCheckpoints)
          .max(Comparator.comparing(FlinkClusterJobs::modified));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list the checkpoints in " + root, e);
    }
    latest.ifPresent(chk -> restore.setSavepointPath(chk.toUri().toString()));
    return latest.map(chk -> chk.toUri().toString());
  }

  /** A job folder's checkpoints that completed: {@code chk-N} folders holding their {@code _metadata}. */
  private static Stream<Path> completedCheckpoints(Path job) {
    try (Stream<Path> s = Files.list(job)) {
      return s.filter(p -> p.getFileName().toString().startsWith("chk-") && Files.isRegularFile(p.resolve("_metadata")))
          .toList().stream();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static FileTime modified(Path checkpoint) {
    try {
      return Files.getLastModifiedTime(checkpoint.resolve("_metadata"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Cancels the jobs named {@code jobName} that are not finished on the cluster at {@code rest}; their ids. */
  public static List<String> cancel(URI rest, String jobName) throws IOException, InterruptedException {
    JsonNode jobs = JSON.readTree(send(HttpRequest.newBuilder(rest.resolve("jobs/overview")).GET()));
    List<String> cancelled = new ArrayList<>();
    for (JsonNode job : jobs.path("jobs")) {
      String state = job.path("state").asText();
      if (job.path("name").asText().equals(jobName) && !List.of("FINISHED", "FAILED", "CANCELED").contains(state)) {
        String id = job.path("jid").asText();
        send(HttpRequest.newBuilder(rest.resolve("jobs/" + id + "?mode=cancel"))
            .method("PATCH", HttpRequest.BodyPublishers.noBody()));
        cancelled.add(id);
      }
    }
    return cancelled;
  }

  private static String send(HttpRequest.Builder request) throws IOException, InterruptedException {
    HttpResponse<String> response = HTTP.send(request.timeout(Duration.ofSeconds(10)).build(),
        HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() / 100 != 2) {
      throw new IOException(response.request().method() + " " + response.request().uri() + ": HTTP "
          + response.statusCode() + " " + response.body());
    }
    return response.body();
  }
}
