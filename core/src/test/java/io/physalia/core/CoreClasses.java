package io.physalia.core;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;

/** core's production classes, imported once for the build rules that check them. */
final class CoreClasses {
    private static JavaClasses imported;

    private CoreClasses() {}

    static synchronized JavaClasses get() {
        if (imported == null) {
            imported = new ClassFileImporter()
                    .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                    .importPackages("io.physalia.core");
        }
        return imported;
    }
}
