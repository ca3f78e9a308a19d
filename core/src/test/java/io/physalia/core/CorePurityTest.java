package io.physalia.core;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.Test;

/**
 * The build rule that keeps {@code core} pure (DESIGN.md section 2): a replica is a function of
 * its inputs, so it may not touch threads, sockets, files, wall clocks, sleeping or global
 * randomness. Time and randomness arrive as arguments.
 */
class CorePurityTest {
    private final JavaClasses core = CoreClasses.get();

    private void check(ArchRule rule) {
        rule.check(core);
    }

    @Test
    void noThreadsLocksOrExecutors() {
        check(noClasses().should().dependOnClassesThat().resideInAnyPackage(
                        "java.util.concurrent..", "java.lang.ref..")
                .orShould().dependOnClassesThat().areAssignableTo(Thread.class)
                .orShould().dependOnClassesThat().areAssignableTo(ThreadGroup.class)
                .orShould().dependOnClassesThat().areAssignableTo(ThreadLocal.class)
                .because("a replica runs on whatever single context drives it; concurrency lives in the node"));
    }

    @Test
    void noSocketsFilesOrProcesses() {
        check(noClasses().should().dependOnClassesThat().resideInAnyPackage(
                        "java.net..", "java.nio.channels..", "java.nio.file..", "java.io..", "java.rmi..",
                        "java.sql..", "javax.net..")
                .orShould().dependOnClassesThat().areAssignableTo(ProcessBuilder.class)
                .orShould().dependOnClassesThat().areAssignableTo(Process.class)
                .orShould().dependOnClassesThat().areAssignableTo(Runtime.class)
                .because("all I/O happens outside core, through the effects a replica returns"));
    }

    @Test
    void noWallClocksOrSleeping() {
        check(noClasses().should().callMethod(System.class, "currentTimeMillis")
                .orShould().callMethod(System.class, "nanoTime")
                .orShould().dependOnClassesThat().areAssignableTo(java.time.Clock.class)
                .orShould().dependOnClassesThat().areAssignableTo(java.time.Instant.class)
                .orShould().dependOnClassesThat().areAssignableTo(java.time.LocalDateTime.class)
                .orShould().dependOnClassesThat().areAssignableTo(java.time.ZonedDateTime.class)
                .orShould().callMethod(Thread.class, "sleep", long.class)
                .orShould().callMethod(Object.class, "wait")
                .orShould().callMethod(Object.class, "wait", long.class)
                .because("time arrives as an argument ('now'), so the simulator can control it"));
    }

    @Test
    void noGlobalRandomness() {
        check(noClasses().should().callMethod(Math.class, "random")
                .orShould().dependOnClassesThat().areAssignableTo(java.util.UUID.class)
                .orShould().dependOnClassesThat().areAssignableTo(java.security.SecureRandom.class)
                .orShould().callConstructor(java.util.Random.class)
                .orShould().callConstructor(java.util.SplittableRandom.class)
                .because("randomness arrives as an argument, so a seed replays a run exactly"));
    }

    @Test
    void noEnvironmentOrSystemProperties() {
        check(noClasses().should().callMethod(System.class, "getenv")
                .orShould().callMethod(System.class, "getenv", String.class)
                .orShould().callMethod(System.class, "getProperty", String.class)
                .orShould().callMethod(System.class, "exit", int.class)
                .because("configuration arrives as arguments"));
    }
}
