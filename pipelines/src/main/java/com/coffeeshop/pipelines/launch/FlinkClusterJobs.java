package com.coffeeshop.pipelines.launch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
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
