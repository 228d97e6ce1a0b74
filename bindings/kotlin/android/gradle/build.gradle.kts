// The Kotlin layer (../../src/main/kotlin), the Android bindings set and the per-ABI
// libamperity.so, as in the AAR tests/mobile.sh assembles; run by the android-emulator job:
//   gradle -p bindings/kotlin/android/gradle connectedDebugAndroidTest \
//     -Pamperity.uniffiOut=<generated Android bindings> -Pamperity.jniLibs=<jni/<abi>/libamperity.so> \
//     -Pandroid.testInstrumentationRunnerArguments.mockBaseUrl=http://127.0.0.1:18080
plugins {
    id("com.android.library") version "8.7.3"
    id("org.jetbrains.kotlin.android") version "2.1.0"
}

android {
    namespace = "com.amperity.sdk"
    compileSdk = 35
    defaultConfig {
        // java.time without desugaring (bindings/kotlin/README.md, "Android").
        minSdk = 26
        testInstrumentationRunner = "androidx.test.runner.AndroidJUnitRunner"
        consumerProguardFiles("../consumer-rules.pro")
    }
    sourceSets["main"].java.srcDirs("../../src/main/kotlin", providers.gradleProperty("amperity.uniffiOut").get())
    sourceSets["main"].jniLibs.srcDirs(providers.gradleProperty("amperity.jniLibs").get())
    compileOptions {
        sourceCompatibility = JavaVersion.VERSION_1_8
        targetCompatibility = JavaVersion.VERSION_1_8
    }
    kotlinOptions {
        jvmTarget = "1.8"
    }
}

dependencies {
    implementation("net.java.dev.jna:jna:5.19.1@aar")
    implementation("androidx.annotation:annotation:1.9.1")
    // The coroutine API (com.amperity.sdk.coroutines): optional, as in the AAR's pom.
    compileOnly("org.jetbrains.kotlinx:kotlinx-coroutines-core-jvm:1.10.2")
    androidTestImplementation("androidx.test:runner:1.6.2")
    androidTestImplementation("androidx.test.ext:junit:1.2.1")
    androidTestImplementation("junit:junit:4.13.2")
}
