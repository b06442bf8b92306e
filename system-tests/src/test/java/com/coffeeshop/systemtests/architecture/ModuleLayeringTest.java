package com.coffeeshop.systemtests.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.coffeeshop.systemtests.testing.Repo;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.lang.ArchRule;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The modules' layering, checked on the compiled classes of every module (devstack included, whose
 * classpath can never join the others'): schemas use nothing of the project; transforms use only
 * schemas; pipelines never use the tools or devstack; the tools never use devstack.
 */
class ModuleLayeringTest {
  private static final List<String> MODULES = List.of("schemas", "transforms", "pipelines", "tools", "devstack");

  private static JavaClasses mainClasses() {
    List<Path> dirs = MODULES.stream().map(m -> Repo.path(m, "target", "classes")).toList();
    for (Path d : dirs) {
      if (!Files.isDirectory(d)) {
        throw new AssertionError(d + " is missing: build every module first (mvn install -DskipTests)");
      }
    }
    return new ClassFileImporter().importPaths(dirs);
  }

  static ArchRule schemasUseNothingOfTheProject() {
    return noClasses().that().resideInAPackage("com.coffeeshop.schemas..").should().dependOnClassesThat()
        .resideInAnyPackage("com.coffeeshop.transforms..", "com.coffeeshop.pipelines..", "com.coffeeshop.tools..",
            "com.coffeeshop.devstack..");
  }

  static ArchRule transformsUseOnlySchemas() {
    return noClasses().that().resideInAPackage("com.coffeeshop.transforms..").should().dependOnClassesThat()
        .resideInAnyPackage("com.coffeeshop.pipelines..", "com.coffeeshop.tools..", "com.coffeeshop.devstack..");
  }

  static ArchRule pipelinesNeverUseToolsOrDevstack() {
    return noClasses().that().resideInAPackage("com.coffeeshop.pipelines..").should().dependOnClassesThat()
        .resideInAnyPackage("com.coffeeshop.tools..", "com.coffeeshop.devstack..");
  }

  static ArchRule toolsNeverUseDevstack() {
    return noClasses().that().resideInAPackage("com.coffeeshop.tools..").should().dependOnClassesThat()
        .resideInAPackage("com.coffeeshop.devstack..");
  }

  @Test
  void schemasImportNothingOfTheProject() {
    schemasUseNothingOfTheProject().check(mainClasses());
  }

  @Test
  void transformsNeverImportPipelinesToolsOrDevstack() {
    transformsUseOnlySchemas().check(mainClasses());
  }

  @Test
  void pipelinesNeverImportTheToolsOrDevstack() {
    pipelinesNeverUseToolsOrDevstack().check(mainClasses());
  }

  @Test
  void toolsNeverImportDevstack() {
    toolsNeverUseDevstack().check(mainClasses());
  }

  @Test
  void aTransformThatImportsAPipelineBreaksTheRule() {
    JavaClasses fixture = new ClassFileImporter().importPackages("com.coffeeshop.transforms.archfixture");
    AssertionError e = assertThrows(AssertionError.class, () -> transformsUseOnlySchemas().check(fixture));
    assertThat(e.getMessage(), containsString("ImportsAPipeline"));
  }
}
