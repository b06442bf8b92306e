/**
 * How jobs are started: the runner-configs files ({@link com.coffeeshop.pipelines.launch.RunnerConfig}),
 * what every main shares ({@link com.coffeeshop.pipelines.launch.Jobs}), the embedded Flink cluster or Spark
 * context a local batch step starts while it builds its pipeline ({@link com.coffeeshop.pipelines.launch.LocalEngine})
 * and the training run of a runner jar's class-data archive ({@link com.coffeeshop.pipelines.launch.StartupTraining}).
 */
package com.coffeeshop.pipelines.launch;
