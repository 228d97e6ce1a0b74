#!/usr/bin/env bash
# Mobile artifacts (issue 26): the Apple XCFramework + SwiftPM package and the Android AAR parts,
# built from this checkout into target/dist/ and checked; fails when a build or a check fails.
#
#   Apple   static libraries (workspace `mobile` profile) for aarch64-apple-ios, the iOS simulator
#           (aarch64-apple-ios-sim + x86_64-apple-ios, fat) and macOS (aarch64 + x86_64, fat);
#           target/dist/AmperityFFI.xcframework(.zip) with its SwiftPM checksum and
#           target/dist/amperity-swift/ (Package.swift by path; Package.release.swift by URL).
#           Checks: each slice's architectures, platform and minimum OS (Mach-O load commands of
#           every object), the exported uniffi symbols against what the generated Swift calls, the
#           Info.plist against the slices, the zip's SHA-256 against the manifest, a second zip
#           byte-identical (reproducible).
#   Android static libraries per ABI (arm64-v8a, armeabi-v7a, x86_64, x86); the Kotlin layer and an
#           Android bindings set (bindings/kotlin/android/uniffi-android.toml) compiled against
#           Android's classes and checked with animal-sniffer for API 26 and for java.net.http;
#           the AAR layout (manifest, classes.jar, consumer R8 rules, pom). The .so files cannot be
#           linked here (no NDK: see bindings/kotlin/README.md), so the AAR is only assembled under
#           target/dist/partial/, never as a finished artifact. The ELF check a linked .so must
#           pass (tests/mobile/android.py check-so) must refuse the host library and a 4 KB-page
#           fixture, and accept a fixture shaped as the real library must be.
#
# Takes about 45 min on a cold target/ of a loaded 2-core machine (nine release builds), a few
# minutes once they are built. Not part of tests/run-all.sh.
#
# Installs what it needs: Debian's llvm-14 (llvm-ar, llvm-nm, llvm-objdump, llvm-readelf),
# rustup targets, nightly's rust-src (the simulator slices: -Zbuild-std), zig from PyPI
# (target/mobile-venv, pinned below) as the C compiler of ring, actionlint from the Go module proxy
# (pinned below; checks .github/workflows/mobile.yml), Maven artifacts through
# bindings/kotlin/android/pom.xml.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
source tests/deps.sh
started=$SECONDS

ZIGLANG_VERSION=0.17.0
ACTIONLINT_VERSION=v1.7.12
# Minimum OS versions: the Swift layer's (bindings/swift/README.md) and Android's minSdk.
IOS_MIN=15.0
MACOS_MIN=12.0
ANDROID_MIN_SDK=26
VERSION=$(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -n 1)

dist=target/dist
work=target/mobile-build
tools=target/mobile-tools
mkdir -p "$dist" "$work" "$tools"

step() { echo "== mobile: $*"; }
fail() { echo "mobile: FAILED: $*" >&2; exit 1; }

# ---------------------------------------------------------------------------------------------
step "tools"
if ! command -v llvm-objdump-14 >/dev/null || ! command -v llvm-nm-14 >/dev/null; then
    apt-get update -qq && apt-get install -y -qq --no-install-recommends llvm-14 >/dev/null
fi
venv=target/mobile-venv
if [ "$("$venv/bin/python" -m ziglang version 2>/dev/null)" != "$ZIGLANG_VERSION" ]; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install -q "ziglang==$ZIGLANG_VERSION"
fi
zig_lib="$("$venv/bin/python" -c 'import ziglang, os; print(os.path.dirname(ziglang.__file__))')/lib"
apple_targets=(aarch64-apple-ios aarch64-apple-darwin x86_64-apple-darwin)
android_targets=(aarch64-linux-android armv7-linux-androideabi x86_64-linux-android i686-linux-android)
installed=$(rustup target list --installed)
for t in "${apple_targets[@]}" "${android_targets[@]}"; do
    grep -qx "$t" <<<"$installed" || rustup target add "$t"
done
grep -q '^nightly' <<<"$(rustup toolchain list)" || rustup toolchain install nightly --profile minimal
grep -q '^rust-src' <<<"$(rustup +nightly component list --installed)" || rustup +nightly component add rust-src
if [ ! -x "$tools/actionlint" ]; then
    (cd /tmp && GOBIN="$root/$tools" go install "github.com/rhysd/actionlint/cmd/actionlint@$ACTIONLINT_VERSION")
fi

# zig cc as the C compiler of one target (ring's C and assembly): cc-rs passes clang's target and
# SDK flags, which zig takes from -target instead.
cat > "$tools/zcc" <<'EOF'
#!/usr/bin/env bash
# zig cc for $ZIG_CC_TARGET with $ZIG_CC_FLAGS (written by tests/mobile.sh).
args=()
skip=0
for a in "$@"; do
    if [ "$skip" = 1 ]; then skip=0; continue; fi
    case "$a" in
        --target=*|-mmacosx-version-min=*|-miphoneos-version-min=*|-mios-simulator-version-min=*) ;;
        -target|-isysroot|-arch) skip=1 ;;
        *) args+=("$a") ;;
    esac
done
# shellcheck disable=SC2086 # ZIG_CC_FLAGS holds several flags
exec "$ZIG_PYTHON" -m ziglang cc -target "$ZIG_CC_TARGET" ${ZIG_CC_FLAGS:-} "${args[@]}"
EOF
chmod +x "$tools/zcc"
mkdir -p "$tools/no-sdk"
export ZIG_PYTHON="$root/$venv/bin/python"

# ---------------------------------------------------------------------------------------------
step "host library (mobile profile, unstripped) and the generated bindings"
cargo build --quiet --locked --profile mobile -p amperity-ffi
host_lib=target/mobile/libamperity.so
[ "$(nm "$host_lib" | grep -c UNIFFI_META)" -gt 0 ] || fail "$host_lib has no uniffi metadata"
rm -rf "$work/swift-gen" "$work/kotlin-android"
mkdir -p "$work/swift-gen"
bindings/swift/generate.sh "$host_lib" "$work/swift-gen"
cargo run --quiet --locked -p uniffi-bindgen -- generate "$host_lib" --language kotlin --no-format \
    --config bindings/kotlin/android/uniffi-android.toml --out-dir "$work/kotlin-android"
kotlin_gen="$work/kotlin-android/com/amperity/sdk/ffi/amperity.kt"
test -s "$kotlin_gen"
grep -q 'android.system.SystemCleaner' "$kotlin_gen" || fail "the Android bindings lack uniffi's Android cleaner"

# ---------------------------------------------------------------------------------------------
# One static library: cargo rustc --crate-type staticlib (no cdylib link) with zig cc for ring.
#   build_static TARGET ZIG_TARGET [cargo +toolchain and -Z flags...]
build_static() {
    local target="$1" zig_target="$2"; shift 2
    local var=${target//-/_}
    local flags=""
    case "$target" in
        *-apple-*) flags="-isystem $zig_lib/libc/include/any-darwin-any" ;;
        *-android*)
            # ring's C needs only the C library's declarations (string.h, stdint.h); zig has no
            # Bionic headers, so musl's standard ones declare them.
            local arch=${zig_target%%-*}
            flags="-isystem $zig_lib/libc/include/$arch-linux-musl -isystem $zig_lib/libc/include/generic-musl -isystem $zig_lib/libc/include/any-linux-any"
            [ "$target" = armv7-linux-androideabi ] && flags="-mcpu=generic+v7a+vfp3d16+neon $flags"
            ;;
    esac
    env "CC_$var=$root/$tools/zcc" "AR_$var=llvm-ar-14" ZIG_CC_TARGET="$zig_target" ZIG_CC_FLAGS="$flags" \
        SDKROOT="$root/$tools/no-sdk" IPHONEOS_DEPLOYMENT_TARGET="$IOS_MIN" MACOSX_DEPLOYMENT_TARGET="$MACOS_MIN" \
        cargo "$@" rustc --quiet --locked --profile mobile -p amperity-ffi --lib --crate-type staticlib --target "$target"
    test -s "target/$target/mobile/libamperity.a" || fail "no target/$target/mobile/libamperity.a"
}

step "Apple static libraries"
build_static aarch64-apple-ios "aarch64-ios.$IOS_MIN"
build_static aarch64-apple-darwin "aarch64-macos.$MACOS_MIN"
build_static x86_64-apple-darwin "x86_64-macos.$MACOS_MIN"
# rustup has no prebuilt standard library for the simulator targets: nightly builds it from source.
build_static aarch64-apple-ios-sim "aarch64-ios.$IOS_MIN-simulator" +nightly -Zbuild-std=std,panic_unwind
build_static x86_64-apple-ios "x86_64-ios.$IOS_MIN-simulator" +nightly -Zbuild-std=std,panic_unwind

step "Android static libraries"
build_static aarch64-linux-android aarch64-linux-android
build_static armv7-linux-androideabi arm-linux-androideabi
build_static x86_64-linux-android x86_64-linux-android
build_static i686-linux-android x86-linux-android


# ---------------------------------------------------------------------------------------------
step "Apple: fat libraries, AmperityFFI.xcframework, zip, SwiftPM package"
apple="$work/apple"
rm -rf "$apple"
mkdir -p "$apple/ios-sim" "$apple/macos" "$apple/headers/AmperityFFI"
# Universal libraries: llvm-lipo-14 crashes on Rust's archives (their objects embed LLVM bitcode
# newer than LLVM 14), so apple.py writes the fat header; llvm-objdump-14 reads it back.
python3 tests/mobile/apple.py lipo "$apple/ios-sim/libamperity.a" \
    target/aarch64-apple-ios-sim/mobile/libamperity.a target/x86_64-apple-ios/mobile/libamperity.a
python3 tests/mobile/apple.py lipo "$apple/macos/libamperity.a" \
    target/aarch64-apple-darwin/mobile/libamperity.a target/x86_64-apple-darwin/mobile/libamperity.a
for fat in "$apple/ios-sim/libamperity.a" "$apple/macos/libamperity.a"; do
    archs=$(llvm-objdump-14 --macho --universal-headers "$fat" | sed -n 's/^architecture //p' | sort | tr '\n' ' ')
    [ "$archs" = "arm64 x86_64 " ] || fail "llvm-objdump-14 reads $fat as [$archs], not arm64 + x86_64"
done
cp "$work/swift-gen/Sources/AmperityFFI/AmperityFFI.h" "$apple/headers/AmperityFFI/"
cp bindings/swift/apple/module.modulemap "$apple/headers/AmperityFFI/"
xcf="$dist/AmperityFFI.xcframework"
python3 tests/mobile/apple.py assemble "$xcf" "$apple/headers" \
    "ios-arm64=ios=target/aarch64-apple-ios/mobile/libamperity.a" \
    "ios-arm64_x86_64-simulator=ios-simulator=$apple/ios-sim/libamperity.a" \
    "macos-arm64_x86_64=macos=$apple/macos/libamperity.a"
zip="$dist/AmperityFFI.xcframework.zip"
python3 tests/mobile/apple.py zip "$xcf" "$zip"
python3 tests/mobile/apple.py zip "$xcf" "$apple/again.zip"
cmp -s "$zip" "$apple/again.zip" || fail "two zips of the same XCFramework differ (not reproducible)"
checksum=$(sha256sum "$zip" | cut -d' ' -f1)
echo "$checksum  AmperityFFI.xcframework.zip" > "$dist/AmperityFFI.xcframework.zip.sha256"

pkg="$dist/amperity-swift"
rm -rf "$pkg"
mkdir -p "$pkg/Sources/AmperityBindings"
cp -R bindings/swift/Sources/Amperity "$pkg/Sources/Amperity"
cp "$work/swift-gen/Sources/AmperityBindings/AmperityBindings.swift" "$pkg/Sources/AmperityBindings/"
cp -R "$xcf" "$pkg/AmperityFFI.xcframework"
cp bindings/swift/apple/Package.swift "$pkg/Package.swift"
release_url="${AMPERITY_RELEASE_URL:-https://github.com/amperity-sdk/amperity-sdk/releases/download/v$VERSION/AmperityFFI.xcframework.zip}"
sed -e "s|@URL@|$release_url|" -e "s|@CHECKSUM@|$checksum|" bindings/swift/apple/Package.release.swift.in > "$pkg/Package.release.swift"
diff -r bindings/swift/Sources/Amperity "$pkg/Sources/Amperity" >/dev/null || fail "the package's Amperity sources differ from bindings/swift"

step "Apple checks"
python3 tests/mobile/apple.py check-plist "$xcf"
python3 tests/mobile/apple.py check-slices "$xcf" "ios=$IOS_MIN" "macos=$MACOS_MIN"
python3 tests/mobile/apple.py check-symbols "$xcf" "$pkg/Sources/AmperityBindings/AmperityBindings.swift" \
    "$apple/headers/AmperityFFI/AmperityFFI.h"
python3 tests/mobile/apple.py check-zip "$zip" "$xcf" "$pkg/Package.release.swift"
grep -q 'binaryTarget(name: "AmperityFFI", path: "AmperityFFI.xcframework")' "$pkg/Package.swift" \
    || fail "Package.swift does not use the XCFramework by path"
# The checks are live: each must refuse a copy with one thing wrong.
bad="$apple/bad"
refuses() {  # refuses WHAT COMMAND...: the command must fail
    local what="$1"; shift
    if "$@" >/dev/null 2>&1; then fail "apple.py accepted $what"; fi
}
refuses "a minimum iOS below the slices' (14.0)" python3 tests/mobile/apple.py check-slices "$xcf" "ios=14.0" "macos=$MACOS_MIN"
rm -rf "$bad" && cp -R "$xcf" "$bad"
sed -i '0,/<string>x86_64<\/string>/s//<string>i386<\/string>/' "$bad/Info.plist"
refuses "an Info.plist with a wrong architecture" python3 tests/mobile/apple.py check-plist "$bad"
sed "s/$checksum/$(printf '%064d' 0)/" "$pkg/Package.release.swift" > "$apple/bad-manifest.swift"
refuses "a manifest with another checksum" python3 tests/mobile/apple.py check-zip "$zip" "$xcf" "$apple/bad-manifest.swift"
printf 'void uniffi_amperity_fn_not_exported(void);\n' | cat "$apple/headers/AmperityFFI/AmperityFFI.h" - > "$apple/bad.h"
refuses "a header declaring a function no slice exports" python3 tests/mobile/apple.py check-symbols "$xcf" \
    "$pkg/Sources/AmperityBindings/AmperityBindings.swift" "$apple/bad.h"
echo "mobile: ok: the Apple checks refuse a wrong minimum OS, architecture, checksum and export"

step "Apple: the macOS arm64 slice links into an executable (zig's Mach-O linker)"
# No Apple SDK here: libSystem comes from zig, Security and CoreFoundation are left to run-time
# lookup; the check is that those two frameworks are all the library needs besides libSystem.
link="$apple/link"
mkdir -p "$link"
printf '#include <stdint.h>\nextern uint32_t ffi_amperity_uniffi_contract_version(void);\nint main(void) { return ffi_amperity_uniffi_contract_version() == 0; }\n' > "$link/main.c"
"$ZIG_PYTHON" -m ziglang cc -target "aarch64-macos.$MACOS_MIN" -o "$link/main" "$link/main.c" \
    "$xcf/macos-arm64_x86_64/libamperity.a" -Wl,-undefined,dynamic_lookup
binds=$(llvm-objdump-14 --macho --bind --lazy-bind "$link/main")
flat=$(awk 'NF >= 2 && $(NF-1) == "flat-namespace" {print $NF}' <<<"$binds" | sort -u)
others=$(grep -v -E '^_k?(CF|Sec)[A-Z]' <<<"$flat" || true)
[ -z "$others" ] || fail "the macOS slice needs symbols outside libSystem, Security and CoreFoundation: $others"
[ "$(grep -c -E '^_Sec' <<<"$flat")" -gt 0 ] || fail "the macOS slice imports nothing from Security (platform-verifier missing?)"
echo "mobile: ok: linked $(stat -c %s "$link/main") bytes; $(wc -l <<<"$flat") symbols from Security/CoreFoundation, the rest from libSystem"

# ---------------------------------------------------------------------------------------------
step "Android: static libraries per ABI"
abis=(arm64-v8a armeabi-v7a x86_64 x86)
partial="$dist/partial"
rm -rf "$partial"
for i in 0 1 2 3; do
    abi=${abis[$i]} target=${android_targets[$i]}
    python3 tests/mobile/android.py check-static "$abi" "target/$target/mobile/libamperity.a" "$kotlin_gen"
    mkdir -p "$partial/android-static/$abi"
    cp "target/$target/mobile/libamperity.a" "$partial/android-static/$abi/"
done

step "Android: classes (Kotlin layer + Android bindings) and the API level check (animal-sniffer, API $ANDROID_MIN_SDK)"
mvn_plain() { mvn -B -q -Dstyle.color=never "$@" 2>&1 | sed -u 's/\x1b\[[0-9;]*m//g'; }
classes=$(tests/mobile/android-classes.sh "$work/kotlin-android") || fail "the Android classes did not build or pass their checks"
[ "$classes" = "$work/android-maven/amperity-sdk-android-classes-$VERSION.jar" ] || fail "unexpected classes jar $classes"
# The check is live: the same classes at API 21 must fail it (java.time is API 26).
if mvn_plain -f bindings/kotlin/android/pom.xml "-Duniffi.android.out=$root/$work/kotlin-android" \
        -Dandroid.min.sdk=21 -Dandroid.signature.version=5.0.1_r2 -Dmaven.main.skip \
        animal-sniffer:check@android-api-level > "$work/api-21.log"; then
    fail "animal-sniffer passed the classes at API 21, though they use java.time"
fi
grep -q 'Undefined reference: java.time.Instant' "$work/api-21.log" || fail "the API 21 check failed for another reason: $(tail -5 "$work/api-21.log")"
echo "mobile: ok: API 26 check passed; at API 21 it refuses $(grep -c 'Undefined reference' "$work/api-21.log") references (java.time ...)"

step "Android: AAR layout (target/dist/partial: no linked libamperity.so, see bindings/kotlin/README.md)"
for pom in bindings/kotlin/android/pom.xml bindings/kotlin/android/amperity-sdk-android.pom; do
    grep -q "<version>$VERSION</version>" "$pom" || fail "$pom is not at the workspace version $VERSION"
done
jna_version=$(sed -n 's:.*<jna.version>\(.*\)</jna.version>.*:\1:p' bindings/kotlin/pom.xml)
grep -q "<version>$jna_version</version>" bindings/kotlin/android/amperity-sdk-android.pom \
    || fail "amperity-sdk-android.pom does not use the JVM package's JNA $jna_version"
coroutines_version=$(sed -n 's:.*<kotlinx.coroutines.version>\(.*\)</kotlinx.coroutines.version>.*:\1:p' bindings/kotlin/pom.xml)
grep -q "<kotlinx.coroutines.version>$coroutines_version</kotlinx.coroutines.version>" bindings/kotlin/android/pom.xml \
    || fail "android/pom.xml does not compile against the JVM package's kotlinx-coroutines $coroutines_version"
aar="$partial/amperity-sdk-android-$VERSION"
mkdir -p "$aar/META-INF/com/android/build/gradle"
cp bindings/kotlin/android/AndroidManifest.xml "$aar/AndroidManifest.xml"
cp "$classes" "$aar/classes.jar"
cp bindings/kotlin/android/consumer-rules.pro "$aar/proguard.txt"
: > "$aar/R.txt"
printf 'aarFormatVersion=1.0\naarMetadataVersion=1.0\nminAndroidGradlePluginVersion=1.0.0\nminCompileSdk=1\n' \
    > "$aar/META-INF/com/android/build/gradle/aar-metadata.properties"
cp bindings/kotlin/android/amperity-sdk-android.pom "$partial/amperity-sdk-android-$VERSION.pom"
python3 tests/mobile/android.py check-aar "$aar" "$ANDROID_MIN_SDK"
python3 tests/mobile/android.py check-pom "$partial/amperity-sdk-android-$VERSION.pom" "$VERSION" "$jna_version" \
    "$coroutines_version"

step "Android: the .so check refuses a library that is not an Android one (the host's)"
if out=$(python3 tests/mobile/android.py check-so x86_64 "$host_lib" "$kotlin_gen" 2>&1); then
    fail "check-so accepted the host library: $out"
fi
for reason in "not Android system libraries" "not 16 KB"; do
    grep -q "$reason" <<<"$out" || fail "check-so did not report '$reason' for the host library: $out"
done
echo "mobile: ok: check-so refuses $host_lib: $(grep -c FAILED <<<"$out") reasons"
# ... and accepts an arm64-v8a ELF shaped as the real one must be: a fixture linked by zig
# (no libc: -nostdlib) defining every function the Kotlin calls, needing a libc.so/liblog.so by
# soname, with 16 KB pages; the same fixture with 4 KB pages must be refused.
fixture="$work/so-fixture"
rm -rf "$fixture" && mkdir -p "$fixture"
grep -o -E '\b(uniffi|ffi)_amperity_[A-Za-z0-9_]+' "$kotlin_gen" | sort -u | sed 's/.*/void &(void) {}/' > "$fixture/exports.c"
zcc_android() { ZIG_CC_TARGET=aarch64-linux-android ZIG_CC_FLAGS="" "$tools/zcc" -shared -nostdlib -fPIC "$@"; }
printf 'void __amperity_fixture(void) {}\n' > "$fixture/empty.c"
for lib in libc.so liblog.so; do zcc_android -Wl,-soname,$lib -o "$fixture/$lib" "$fixture/empty.c"; done
zcc_android -Wl,-z,max-page-size=16384 -o "$fixture/libamperity.so" "$fixture/exports.c" \
    -Wl,--no-as-needed "$fixture/libc.so" "$fixture/liblog.so"
[ "$(llvm-readelf-14 -d "$fixture/libamperity.so" | grep -c NEEDED)" = 2 ] || fail "the fixture lacks its DT_NEEDED entries"
python3 tests/mobile/android.py check-so arm64-v8a "$fixture/libamperity.so" "$kotlin_gen"
zcc_android -Wl,-z,max-page-size=4096 -o "$fixture/libamperity-4k.so" "$fixture/exports.c"
if out=$(python3 tests/mobile/android.py check-so arm64-v8a "$fixture/libamperity-4k.so" "$kotlin_gen" 2>&1); then
    fail "check-so accepted 4 KB pages"
fi
grep -q "not 16 KB" <<<"$out" || fail "check-so refused the 4 KB fixture for another reason: $out"

# ---------------------------------------------------------------------------------------------
step "workflow: actionlint .github/workflows/mobile.yml"
"$tools/actionlint" -no-color .github/workflows/mobile.yml
echo "mobile: ok: actionlint found nothing in .github/workflows/mobile.yml"

step "artifacts"
sizes() { find "$@" -maxdepth 0 -printf '%s\t%p\n' | awk -F'\t' '{printf "  %10.2f MB  %s\n", $1 / 1048576, $2}'; }
du_mb() { du -sb "$1" | awk -v p="$1" '{printf "  %10.2f MB  %s/\n", $1 / 1048576, p}'; }
sizes "$zip" "$dist/AmperityFFI.xcframework.zip.sha256"
du_mb "$xcf"
for f in "$xcf"/*/libamperity.a; do sizes "$f"; done
du_mb "$pkg"
echo "  SwiftPM checksum: $checksum"
echo "  partial (not finished artifacts):"
du_mb "$aar"
sizes "$aar/classes.jar"
for abi in "${abis[@]}"; do sizes "$partial/android-static/$abi/libamperity.a"; done
echo "mobile: done in $((SECONDS - started)) s"
