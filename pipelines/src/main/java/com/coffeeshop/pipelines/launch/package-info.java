/**
 * How jobs are started: the runner-configs files and the jobs' JVM flags
 * ({@link com.coffeeshop.pipelines.launch.RunnerConfig}), what every main shares (options, progress lines, the
 * result line, exit codes: {@link com.coffeeshop.pipelines.launch.Jobs}) and the training run of a runner jar's
 * class-data archive ({@link com.coffeeshop.pipelines.launch.StartupTraining}).
 */
package com.coffeeshop.pipelines.launch;
