package com.coffeeshop.pipelines.launch;

import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import org.apache.beam.runners.flink.FlinkPipelineOptions;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.flink.api.common.Plan;
import org.apache.flink.api.java.ExecutionEnvironment;
import org.apache.flink.client.deployment.executors.PipelineExecutorUtils;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.DeploymentOptions;
import org.apache.flink.configuration.GlobalConfiguration;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.core.execution.PipelineExecutor;
import org.apache.flink.core.execution.PipelineExecutorFactory;
import org.apache.flink.core.execution.PipelineExecutorServiceLoader;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.apache.flink.runtime.minicluster.MiniClusterJobClient;
import org.apache.flink.runtime.minicluster.RpcServiceSharing;
import org.apache.flink.runtime.util.EnvironmentInformation;

/**
 * Flink's mini-cluster for {@code --flinkMaster=[local]} batch runs, started on a thread of its own and handed to
 * the FlinkRunner as Flink's context environment: the options say {@code [auto]} from then on, for which the
 * runner takes that environment. The cluster is the one Flink's local executor starts for each job (one task
 * manager with a slot per parallel worker, the Flink configuration of {@code --flinkConfDir} or
 * {@code FLINK_CONF_DIR}, Beam's managed-memory fraction and class-loader setting for {@code [local]}); here it
 * stays up between runs and is stopped by {@link LocalEngine#close}.
 *
 * <p>Only loaded when the runner is Flink: Flink's classes are on the classpath only then.
 */
final class FlinkLocalEngine implements LocalEngine.Started {
  private static final String EXECUTOR = "coffeeshop-local-engine";

  /** A started cluster and the configuration it was started with, which its jobs start from. */
  private record Cluster(MiniCluster cluster, Configuration conf) {}

  private final CompletableFuture<Cluster> started;

  private FlinkLocalEngine(CompletableFuture<Cluster> started) {
    this.started = started;
  }

  static LocalEngine.Started startFor(PipelineOptions options) {
    FlinkPipelineOptions flink = options.as(FlinkPipelineOptions.class);
    if (!"[local]".equals(flink.getFlinkMaster())) {
      return null;
    }
    String confDir = flink.getFlinkConfDir();
    int parallelism = flink.getParallelism() > 0 ? flink.getParallelism() : Runtime.getRuntime().availableProcessors();
    CompletableFuture<Cluster> started = new CompletableFuture<>();
    Thread starter = new Thread(() -> {
      try {
        Configuration conf = clusterConfiguration(confDir);
        MiniCluster c = new MiniCluster(new MiniClusterConfiguration.Builder()
            .setConfiguration(conf)
            .setNumTaskManagers(1)
            .setNumSlotsPerTaskManager(parallelism)
            .setRpcServiceSharing(RpcServiceSharing.SHARED)
            .build());
        c.start();
        started.complete(new Cluster(c, conf));
      } catch (Throwable t) {
        started.completeExceptionally(t);
      }
    }, "flink-local-engine-start");
    starter.setDaemon(true);
    starter.start();

    Configuration envConf = new Configuration();
    envConf.set(DeploymentOptions.TARGET, EXECUTOR);
    envConf.set(DeploymentOptions.ATTACHED, true);
    PipelineExecutor executor = (pipeline, jobConf, classLoader) -> {
      Cluster c = started.join();  // throws what the start threw
      if (pipeline instanceof Plan plan) {
        plan.setDefaultParallelism(parallelism);  // as Flink's local executor does: every slot
      }
      Configuration effective = new Configuration(c.conf());
      effective.addAll(jobConf);
      return c.cluster().submitJob(PipelineExecutorUtils.getJobGraph(pipeline, effective, classLoader))
          .thenApply(submitted -> new MiniClusterJobClient(submitted.getJobID(), c.cluster(), classLoader,
              MiniClusterJobClient.JobFinalizationBehavior.NOTHING));
    };
    PipelineExecutorFactory factory = new PipelineExecutorFactory() {
      @Override
      public String getName() {
        return EXECUTOR;
      }

      @Override
      public boolean isCompatibleWith(Configuration c) {
        return EXECUTOR.equals(c.get(DeploymentOptions.TARGET));
      }

      @Override
      public PipelineExecutor getExecutor(Configuration c) {
        return executor;
      }
    };
    PipelineExecutorServiceLoader executors = new PipelineExecutorServiceLoader() {
      @Override
      public PipelineExecutorFactory getExecutorFactory(Configuration c) {
        return factory;
      }

      @Override
      public Stream<String> getExecutorNames() {
        return Stream.of(EXECUTOR);
      }
    };
    Context.install(() -> {
      ExecutionEnvironment env = new ExecutionEnvironment(executors, envConf, Thread.currentThread().getContextClassLoader());
      env.setParallelism(parallelism);
      return env;
    });
    flink.setFlinkMaster(FlinkPipelineOptions.AUTO);
    return new FlinkLocalEngine(started);
  }

  /**
   * What Flink's local executor and Beam's {@code [local]} set up: the same cluster, started sooner. One
   * difference: Beam sizes the managed memory (a fraction of the free heap) after a full collection
   * ({@code System.gc()}, 50 ms of both cores); a JVM that has only parsed its options has next to no garbage,
   * so the free heap is taken as it is.
   */
  private static Configuration clusterConfiguration(String confDir) {
    Configuration conf = confDir == null || confDir.isEmpty()
        ? GlobalConfiguration.loadConfiguration() : GlobalConfiguration.loadConfiguration(confDir);
    if (!conf.containsKey("taskmanager.memory.managed.size")) {
      float fraction = conf.get(TaskManagerOptions.MANAGED_MEMORY_FRACTION);
      conf.setString("taskmanager.memory.managed.size",
          String.valueOf((long) (EnvironmentInformation.getSizeOfFreeHeapMemory() * fraction)));
    }
    if (!conf.containsKey("classloader.check-leaked-classloader")) {
      conf.setBoolean("classloader.check-leaked-classloader", false);
    }
    if (!conf.contains(RestOptions.BIND_PORT)) {
      conf.set(RestOptions.BIND_PORT, "0");
    }
    return conf;
  }

  /** Flink's context environment is set and reset through {@link ExecutionEnvironment}'s protected methods. */
  private static final class Context extends ExecutionEnvironment {
    private Context() {}

    static void install(org.apache.flink.api.java.ExecutionEnvironmentFactory factory) {
      initializeContextEnvironment(factory);
    }

    static void reset() {
      resetContextEnvironment();
    }
  }

  @Override
  public void close() throws Exception {
    Context.reset();
    if (!started.isCompletedExceptionally()) {
      started.join().cluster().close();
    }
  }
}
