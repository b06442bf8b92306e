package com.coffeeshop.systemtests.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.coffeeshop.systemtests.testing.Repo;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.library.dependencies.SliceAssignment;
import com.tngtech.archunit.library.dependencies.SliceIdentifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The modules' layering, checked on the compiled classes of every module (devstack included, whose
 * classpath can never join the others'): schemas use nothing of the project; transforms use only
 * schemas; pipelines never use the tools or devstack; the tools never use devstack. Inside pipelines, no job
 * or batch step uses another's classes: they share the lakehouse's layout and the option mixins, and only
 * {@code DailyBatch} composes the steps.
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

  /**
   * The jobs and steps, one slice each: bronze, silver, each gold step (by its top-level class), the revenue job and
   * the suggestion job. Everything else (the lakehouse layout, the shared reference rules, the options, the launcher,
   * DailyBatch) is in no slice.
   */
  static final SliceAssignment JOBS = new SliceAssignment() {
    @Override
    public SliceIdentifier getIdentifierOf(JavaClass type) {
      JavaClass c = type.isArray() ? type.getBaseComponentType() : type;
      String pkg = c.getPackageName();
      if (pkg.equals("com.coffeeshop.pipelines.medallion.gold")) {
        return SliceIdentifier.of("gold step " + c.getName().substring(pkg.length() + 1).split("\\$")[0]);
      }
      for (String job : List.of("medallion.bronze", "medallion.silver", "revenue", "suggestion")) {
        String jobPackage = "com.coffeeshop.pipelines." + job;
        if (pkg.equals(jobPackage) || pkg.startsWith(jobPackage + ".")) {
          return SliceIdentifier.of(job);
        }
      }
      return SliceIdentifier.ignore();
    }

    @Override
    public String getDescription() {
      return "the jobs and batch steps";
    }
  };

  static ArchRule noJobUsesAnothersClasses() {
    return slices().assignedFrom(JOBS).should().notDependOnEachOther();
  }

  @Test
  void noStepOrJobUsesAnothersMembersOnlyDailyBatchComposesThem() {
    noJobUsesAnothersClasses().check(mainClasses());
  }

  @Test
  void aBronzeClassThatUsesSilverBreaksTheStepRule() {
    JavaClasses fixture = new ClassFileImporter().importPackages("com.coffeeshop.pipelines.medallion.bronze.archfixture",
        "com.coffeeshop.pipelines.medallion.silver");
    AssertionError e = assertThrows(AssertionError.class, () -> noJobUsesAnothersClasses().check(fixture));
    assertThat(e.getMessage(), containsString("ReachesIntoSilver"));
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
