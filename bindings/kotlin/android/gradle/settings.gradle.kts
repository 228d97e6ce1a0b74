// An Android library module over the same sources as the AAR, for the instrumented smoke tests
// of .github/workflows/mobile.yml (job android-emulator). UNTRIED: the project's machines have no
// Android Gradle plugin (Google's Maven repository) and no emulator.
pluginManagement {
    repositories {
        google()
        mavenCentral()
        gradlePluginPortal()
    }
}
dependencyResolutionManagement {
    repositories {
        google()
        mavenCentral()
    }
}
rootProject.name = "amperity-sdk-android"
