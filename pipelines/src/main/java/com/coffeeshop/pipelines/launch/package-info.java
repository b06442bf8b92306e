/**
 * How jobs are started: the runner-configs files ({@link com.coffeeshop.pipelines.launch.RunnerConfig})
 * and what every main shares ({@link com.coffeeshop.pipelines.launch.Jobs}).
 */
package com.coffeeshop.pipelines.launch;
