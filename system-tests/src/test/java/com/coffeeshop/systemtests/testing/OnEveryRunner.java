package com.coffeeshop.systemtests.testing;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.Tag;

/**
 * A test class whose pipelines run on the runner under test ({@link RunnerUnderTest}):
 * {@code devstack/test.sh} runs these again under the flink-runner and spark-runner profiles
 * ({@code -Dgroups=every-runner}).
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Tag("every-runner")
public @interface OnEveryRunner {}
