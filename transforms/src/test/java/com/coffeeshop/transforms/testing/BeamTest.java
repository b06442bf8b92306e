package com.coffeeshop.transforms.testing;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.testing.TestPipeline;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.InvocationInterceptor;
import org.junit.jupiter.api.extension.ReflectiveInvocationContext;
import org.junit.runner.Description;
import org.junit.runners.model.Statement;

/**
 * Beam's {@link TestPipeline} for JUnit 5 tests (in Beam 2.62 it is a JUnit 4 rule): register it with
 * {@code @RegisterExtension final BeamTest beam = new BeamTest();} and build each pipeline with
 * {@link #pipeline}. When the test method returns, every pipeline it built must have been run, with
 * no transform left out of the run: otherwise the test fails ({@code PipelineRunMissingException},
 * {@code AbandonedNodeException}), so a test that forgets {@code run()} cannot pass by asserting nothing.
 */
public final class BeamTest implements InvocationInterceptor {
  private static final Statement NOTHING = new Statement() {
    @Override
    public void evaluate() {}
  };

  private final List<TestPipeline> built = new ArrayList<>();

  /** A pipeline on the DirectRunner. */
  public TestPipeline pipeline() {
    return pipeline(PipelineOptionsFactory.fromArgs("--runner=DirectRunner").create());
  }

  /** A pipeline with these options (e.g. a runner-configs file's). */
  public TestPipeline pipeline(PipelineOptions options) {
    TestPipeline p = TestPipeline.fromOptions(options).enableAbandonedNodeEnforcement(true);
    built.add(p);
    return p;
  }

  @Override
  public void interceptTestMethod(Invocation<Void> invocation, ReflectiveInvocationContext<Method> method,
      ExtensionContext context) throws Throwable {
    invocation.proceed(); // a failing test keeps its own failure, as with the JUnit 4 rule
    Description test = Description.createTestDescription(context.getRequiredTestClass(), method.getExecutable().getName());
    try {
      for (TestPipeline p : built) {
        p.apply(NOTHING, test).evaluate(); // the rule's check after the test body: run, and nothing abandoned
      }
    } finally {
      built.clear();
    }
  }
}
