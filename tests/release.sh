#!/usr/bin/env bash
# Release artifacts from one command, each installed and smoke-tested from the artifact alone.
#
# Builds into target/dist/:
#   amperity-VERSION-py3-none-manylinux2014_x86_64.manylinux_2_17_x86_64.whl
#       maturin --release --zig --compatibility manylinux2014, symbols kept (uniffi-bindgen reads
#       the library's metadata), in tests/python.sh's venv (target/python-venv);
#   amperity-sdk-VERSION.jar, amperity-sdk-VERSION.pom
#       the Kotlin/JVM jar with the release-profile linux-x86-64/libamperity.so, and its pom;
#   amperity-VERSION-linux-x86_64.tar.gz
#       include/amperity.h, lib/libamperity.so (stripped), lib/libamperity.a,
#       lib/pkgconfig/amperity.pc (relocatable: prefix=${pcfiledir}/../..), LICENSE-*, README;
#   amperity-swift-VERSION-linux-x86_64.tar.gz (where a Swift toolchain is found)
#       the SwiftPM source package: bindings/swift's layout with the Swift generated from the
#       release library, lib/libamperity.so (stripped) and a manifest that links it;
#   SHA256SUMS.
# Then, against one bundled mock server (target/release/amperity-mock, stopped by PID):
#   - a fresh venv under a temporary directory installs only the wheel and its dependency (pip
#     --no-index, orjson at the version pinned in bindings/python/requirements-dev.txt downloaded
#     beside it) and runs tests/release/smoke.py (segments, a workflow run and wait, audit events, __version__);
#   - a Maven project generated in a temporary directory, with a fresh local repository, depends
#     on com.amperity:amperity-sdk from a file:// repository holding only the dist jar and pom
#     (kotlin-stdlib, JNA and Maven's plugins come from ~/.m2 through a second file:// repository
#     that leaves com/amperity out, else from Maven Central), compiles tests/release/Smoke.java
#     for Java 11 and runs it in a new JVM;
#   - the tarball unpacked in a temporary directory; tests/release/smoke.c built with pkg-config
#     (PKG_CONFIG_LIBDIR pointing into the tarball only), shared and static, and run;
#   - the Swift package unpacked in a temporary directory; a new SwiftPM project depending on it
#     by path builds and runs tests/release/Smoke.swift;
#   - after each, the mock's request log must show the User-Agent amperity-rust/VERSION.
# Versions (see tests/versions.sh for the sources) and licenses are checked on the artifacts.
#
# Needs what tests/c.sh, tests/python.sh and tests/kotlin.sh need (cargo, cc, pkg-config,
# python3 with venv, JDK 17 + Maven). The release cargo build is shared with tests/c.sh.
# Usage: tests/release.sh [--platforms LIST | --all-platforms]      (KEEP_WORK=1 keeps the scratch folder)
#   --platforms LIST   comma-separated rows of tests/platforms/targets.tsv (default
#                      linux-x86_64,linux-aarch64, the second skipped in one line where rustup
#                      cannot add its standard library);
#                      --all-platforms is every row. Per platform: its library and mock server
#                      built with cargo-zigbuild and checked by their headers
#                      (tests/platforms/inspect.py), a wheel (maturin --zig; auditwheel show on
#                      Linux, check-wheel-contents), a C package amperity-VERSION-PLATFORM.tar.gz
#                      (.zip on Windows: bindings/c/install.sh's layout with the mock server), and
#                      its JNA folder in the one jar. Smoke-tested from the artifacts alone where
#                      this machine runs the platform's code: linux-aarch64 (its wheel in Debian's
#                      arm64 CPython and its C package, under qemu-aarch64), musl (a static C
#                      program built with zig cc), Windows (a C program built with MinGW-w64, under
#                      wine64); macOS is built and inspected only.
#   --with-mobile      then tests/mobile.sh: the Apple XCFramework and the Android AAR parts
set -euo pipefail
platforms_arg=default
with_mobile=0
while [ $# -gt 0 ]; do
    case "$1" in
        --platforms) platforms_arg="${2:?--platforms needs a list}"; shift 2 ;;
        --platforms=*) platforms_arg="${1#--platforms=}"; shift ;;
        --all-platforms) platforms_arg=all; shift ;;
        --with-mobile) with_mobile=1; shift ;;
        *) echo "usage: $0 [--platforms LIST | --all-platforms] [--with-mobile]" >&2; exit 2 ;;
    esac
done

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
source tests/deps.sh
source tests/swift-toolchain.sh
source tests/platforms/lib.sh
if [ "$platforms_arg" = all ]; then
    mapfile -t platforms < <(platform_names)
elif [ "$platforms_arg" = default ]; then
    platforms=(linux-x86_64)
    if platform_rust_target aarch64-unknown-linux-gnu 2>/dev/null; then
        platforms+=(linux-aarch64)
    else
        echo "release: linux-aarch64 skipped: the Rust standard library for aarch64-unknown-linux-gnu is not installed and rustup cannot add it"
    fi
else
    IFS=, read -r -a platforms <<< "$platforms_arg"
fi
for platform in "${platforms[@]}"; do platform_field "$platform" rust >/dev/null || exit 2; done
[[ " ${platforms[*]} " == *" linux-x86_64 "* ]] ||
    { echo "release: linux-x86_64 must be among the platforms (the jar's uniffi sources and the smoke tests use it)" >&2; exit 2; }
target_dir="${CARGO_TARGET_DIR:-$root/target}"
dist="$target_dir/dist"
work="$(mktemp -d "${TMPDIR:-/tmp}/amperity-release.XXXXXX")"
mock_pid=""
started=$SECONDS
step_started=$SECONDS
timings=()

cleanup() {
    if [ -n "$mock_pid" ]; then
        kill "$mock_pid" 2>/dev/null && wait "$mock_pid" 2>/dev/null
    fi
    if [ "${KEEP_WORK:-0}" = 1 ]; then echo "kept $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT

die() { echo "release: FAILED: $*" >&2; exit 1; }
step() {
    if [ -n "${step_name:-}" ]; then timings+=("$(printf '%4ss  %s' $((SECONDS - step_started)) "$step_name")"); fi
    step_name="$*"
    step_started=$SECONDS
    printf '\n== release: %s\n' "$*"
}
# Maven prints ANSI resets even in batch mode: strip them so logs stay plain text.
mvn_plain() { mvn -B -q -Dstyle.color=never "$@" 2>&1 | sed -u 's/\x1b\[[0-9;]*m//g'; return "${PIPESTATUS[0]}"; }
sha() { sha256sum "$1" | cut -d' ' -f1; }

for tool in cargo cc pkg-config strip objdump readelf ldd python3 mvn java jar cmake zip; do
    command -v "$tool" >/dev/null || die "$tool is not installed"
done

version="$(sed -n '/^\[workspace.package\]/,/^\[/s/^version *= *"\(.*\)"/\1/p' Cargo.toml)"
license="$(sed -n '/^\[workspace.package\]/,/^\[/s/^license *= *"\(.*\)"/\1/p' Cargo.toml)"
[ -n "$version" ] || die "no [workspace.package] version in Cargo.toml"
[ "$license" = "MIT OR Apache-2.0" ] || die "[workspace.package] license is '$license', expected 'MIT OR Apache-2.0'"
echo "release $version ($license) into $dist; scratch $work"
rm -rf "$dist"
mkdir -p "$dist"

step "cargo build --release (this machine's mock server and library: the smoke tests' server)"
cargo build --release --locked -p amperity-ffi -p amperity-mock || die "cargo build"
mock="$target_dir/release/amperity-mock"
reference_lib="$target_dir/release/libamperity.so"

venv="$target_dir/python-venv"   # shared with tests/python.sh (maturin, ziglang)
[ -x "$venv/bin/python" ] || "${PYTHON:-python3}" -m venv "$venv"
"$venv/bin/python" -m pip install -q --disable-pip-version-check -r bindings/python/requirements-dev.txt
platform_tools || die "the cross-building tools (tests/platforms/requirements.txt)"
platform_install_packages inspect || die "LLVM's object readers (llvm-14)"
mkdir -p "$work/jar-natives" "$work/wheels"
declare -A built   # platform -> the folder of its release build

# Strips what a shipped library does not need (symbols the dynamic linker does not use).
strip_library() { # file
    case "$1" in
        *.so) llvm-strip-14 --strip-unneeded "$1" ;;
        *.dylib) llvm-strip-14 -x "$1" ;;
        *.dll | *.a) llvm-strip-14 --strip-debug "$1" ;;
    esac
}

c_package() { # platform, build folder
    local platform=$1 out=$2 library name stage
    library="$(platform_field "$platform" library)"
    name="amperity-$version-$platform"
    stage="$work/stage/$name"
    bindings/c/install.sh --prefix "$stage" --from "$out" --platform "$platform" --with-mock --with-cli >/dev/null ||
        die "install.sh ($platform)"
    local shared="$stage/lib/$library" shared_line
    [[ "$library" == *.dll ]] && shared="$stage/bin/$library"
    strip_library "$shared"
    strip_library "$stage/lib/libamperity.a"
    grep -q "^Version: $version$" "$stage/lib/pkgconfig/amperity.pc" || die "amperity.pc has no Version: $version"
    cp LICENSE-MIT LICENSE-APACHE "$stage/"
    # No absolute path of the build machine in what is shipped (platform_build remaps them).
    if grep -a -o -E "$root/|$HOME/\.cargo" "$shared" "$stage/lib/libamperity.a" | head -n 3 | grep .; then
        die "$name carries absolute paths of this machine"
    fi
    local minimum note
    minimum="$(platform_field "$platform" minimum)"
    note="$(platform_field "$platform" note)"
    [ "$note" = - ] && note="" || note="Note: $note"
    if [[ "$library" == *.dll ]]; then
        shared_line="bin/$library                    shared library; lib/libamperity.dll.a is its import library"
    else
        shared_line="lib/$library            shared library (stripped)"
    fi
    cat > "$stage/README" <<README
Amperity SDK $version: C library for $platform ($minimum or newer)
License: $license (LICENSE-MIT, LICENSE-APACHE)
$note

include/amperity.h                  the C API; every item documented
$shared_line
lib/libamperity.a                   static library
lib/pkgconfig/amperity.pc           pkg-config, shared:  cc app.c \$(pkg-config --cflags --libs amperity)
lib/pkgconfig/amperity-static.pc    pkg-config, static:  cc app.c \$(pkg-config --static --cflags --libs amperity-static)
lib/cmake/amperity/                 CMake: find_package(amperity) gives amperity::amperity, amperity::amperity_static
bin/amperity                        the command-line tool (amperity --help)
bin/amperity-mock                   the bundled mock server, for your tests: \`amperity-mock --port 0\` prints
                                    its origin (http://127.0.0.1:PORT) as its first line

Everything finds its prefix from its own location: unpack anywhere, then
  export PKG_CONFIG_PATH=/where/you/unpacked/$name/lib/pkgconfig      (pkg-config)
  cmake -DCMAKE_PREFIX_PATH=/where/you/unpacked/$name ...              (CMake)

amperity_version() returns the version of the library actually linked; AMPERITY_VERSION_STRING
is the version of the header. Source, examples and changelog:
https://github.com/amperity-sdk/amperity-sdk
README
    if [[ "$library" == *.dll ]]; then
        rm -f "$dist/$name.zip"
        (cd "$work/stage" && find "$name" -exec touch -d @315532800 {} + &&
            find "$name" | LC_ALL=C sort | zip -q -X -@ "$dist/$name.zip") || die "zip ($platform)"
        echo "built $dist/$name.zip ($(du -h "$dist/$name.zip" | cut -f1))"
    else
        tar --sort=name --owner=0 --group=0 --numeric-owner --mtime="@0" -czf "$dist/$name.tar.gz" \
            -C "$work/stage" "$name" || die "tar ($platform)"
        echo "built $dist/$name.tar.gz ($(du -h "$dist/$name.tar.gz" | cut -f1))"
    fi
}

# musl_libc_by_alpine_name WHEEL RUST_TARGET: zig links the musl C library by the name libc.so;
# auditwheel's musllinux policy knows it by its Alpine name, libc.musl-ARCH.so.1. musl's loader
# takes every libc.* name as itself, so both load; the wheel's ELF files get the Alpine name
# (patchelf), and the wheel is packed again (a new RECORD).
musl_libc_by_alpine_name() {
    local wheel=$1 arch=${2%%-*} dir="$work/musl-wheel" file
    rm -rf "$dir"
    python -m wheel unpack "$wheel" -d "$dir" >/dev/null || return 1
    while IFS= read -r -d '' file; do
        if patchelf --print-needed "$file" 2>/dev/null | grep -qx libc.so; then
            patchelf --replace-needed libc.so "libc.musl-$arch.so.1" "$file" || return 1
        fi
    done < <(find "$dir" -type f -print0)
    rm -f "$wheel"
    python -m wheel pack "$dir"/*/ -d "$(dirname "$wheel")" >/dev/null && [ -f "$wheel" ]
}

wheel_for() { # platform
    local platform=$1 rust_target compat features args=() before made
    # maturin takes the plain triple: --compatibility gives zig the glibc version.
    rust_target="$(platform_field "$platform" rust)"
    compat="$(platform_field "$platform" wheel)"
    features="$(platform_field "$platform" features)"
    [ "$compat" != - ] && args+=(--compatibility "$compat")
    [ "$features" = no-default ] && args+=(--no-default-features)
    local rustc_args=()
    # macOS: the library's install name @rpath/..., as platform_build links it (the final crate only).
    [[ "$rust_target" == *-apple-darwin ]] && rustc_args=(-- -C "link-arg=-Wl,-install_name,@rpath/libamperity.dylib")
    before="$(ls "$work/wheels")"
    # The platform's command-line tool goes into the wheel (amperity/_bin, the console script's).
    local exe=""
    [[ "$(platform_field "$platform" library)" == *.dll ]] && exe=.exe
    bindings/python/bundle-cli.sh "$(platform_field "$platform" rust)" "${built[$platform]}/amperity$exe" >&2 ||
        die "bundle the CLI into the $platform wheel"
    # uniffi-bindgen reads the metadata symbols of the library: never strip before generating.
    # The same remapped paths as platform_build, so cargo reuses its build of the dependencies.
    (
        export PATH="$venv/bin:$PATH" CARGO_PROFILE_RELEASE_STRIP=false
        export CARGO_ENCODED_RUSTFLAGS="--remap-path-prefix=$root=/amperity"$'\x1f'"--remap-path-prefix=${CARGO_HOME:-$HOME/.cargo}=/cargo"
        minimum="$(platform_field "$platform" minimum)"
        case "$minimum" in macos-*) export MACOSX_DEPLOYMENT_TARGET="${minimum#macos-}" ;; esac
        cd bindings/python && maturin build --release --zig --target "$rust_target" "${args[@]}" --out "$work/wheels" "${rustc_args[@]}"
    ) >&2 || die "maturin build ($platform)"
    made="$(comm -13 <(echo "$before") <(ls "$work/wheels"))"
    [ -n "$made" ] && [ "$(echo "$made" | wc -l)" = 1 ] || die "maturin made no single wheel for $platform: $made"
    mv "$work/wheels/$made" "$dist/$made"
    [[ "$platform" == *-musl ]] && { musl_libc_by_alpine_name "$dist/$made" "$rust_target" || die "musl C library name in $made"; }
    python3 tests/platforms/check_wheel.py "$platform" "$dist/$made" "$version" "$license" "$reference_lib" ||
        die "wheel $made"
    if [[ "$platform" == linux-* ]]; then
        # auditwheel must find the wheel consistent with a tag the wheel's name carries.
        local audit consistent
        audit="$(cd "$dist" && auditwheel show "$made" 2>&1)" || { echo "$audit" >&2; die "auditwheel show $made"; }
        audit="$(tr '\n' ' ' <<< "$audit" | sed 's/  */ /g')"
        echo "$audit"
        consistent="$(sed -n 's/.*consistent with the following platform tag: "\([^"]*\)".*/\1/p' <<< "$audit")"
        [ -n "$consistent" ] && [[ "$made" == *"$consistent"* ]] ||
            die "auditwheel show $made: not consistent with its own tag (${consistent:-none})"
    fi
    check-wheel-contents --no-config "$dist/$made" || die "check-wheel-contents $made"
    echo "built $dist/$made ($(du -h "$dist/$made" | cut -f1))"
}

for platform in "${platforms[@]}"; do
    step "$platform: library and mock server (cargo-zigbuild), C package, wheel"
    out="$(platform_build "$platform" release amperity-ffi amperity-mock amperity-cli)" || die "build for $platform"
    built[$platform]=$out
    library="$(platform_field "$platform" library)"
    python3 tests/platforms/inspect.py "$platform" "$out/$library" --exports-like "$reference_lib" ||
        die "$platform: $library"
    mock_file="$out/amperity-mock"
    [[ "$library" == *.dll ]] && mock_file="$out/amperity-mock.exe"
    python3 tests/platforms/inspect.py "$platform" "$mock_file" --program || die "$platform: the mock server"
    python3 tests/platforms/inspect.py "$platform" "${mock_file/amperity-mock/amperity}" --program || die "$platform: the CLI"
    c_package "$platform" "$out"
    wheel_for "$platform"
    jna="$(platform_field "$platform" jna)"
    if [ "$jna" != - ] && [ "$platform" != linux-x86_64 ]; then
        mkdir -p "$work/jar-natives/$jna"
        cp "$out/$library" "$work/jar-natives/$jna/$library"
        strip_library "$work/jar-natives/$jna/$library"
    fi
done
name="amperity-$version-linux-x86_64"
glibc="$(platform_field linux-x86_64 minimum)"
glibc="${glibc#glibc-}"
wheel="$(ls "$dist"/amperity-"$version"-py3-none-manylinux*_x86_64*.whl)"

# ---------------------------------------------------------------------------------------------
step "Python sdist (maturin sdist)"
rm -rf "$work/sdist"
(cd bindings/python && PATH="$venv/bin:$PATH" maturin sdist --out "$work/sdist") >&2 || die "maturin sdist"
sdist="$(ls "$work"/sdist/amperity-"$version".tar.gz)" || die "maturin made no amperity-$version.tar.gz"
mv "$sdist" "$dist/"
sdist="$dist/$(basename "$sdist")"
# The whole listing first: `tar | grep -q` fails under pipefail when grep exits early.
sdist_files="$(tar -tzf "$sdist")"
grep -q '/core/src/lib.rs$' <<< "$sdist_files" || die "the sdist lacks the core's sources"
grep -q '/Cargo.lock$' <<< "$sdist_files" || die "the sdist lacks Cargo.lock"
echo "built $sdist ($(du -h "$sdist" | cut -f1))"
if [ "$platforms_arg" = all ]; then
    # What pip does on a platform without a wheel: build one from the sdist (maturin from PyPI,
    # in pip's isolated build environment; cargo from this machine), then use it.
    step "Python sdist: pip builds a wheel from it and that wheel walks the mock"
    "$venv/bin/python" -m pip wheel -q --disable-pip-version-check --no-deps -w "$work/sdist-wheel" "$sdist" ||
        die "pip wheel from the sdist"
    sdist_venv="$work/sdist-venv"
    "${PYTHON:-python3}" -m venv "$sdist_venv"
    "$sdist_venv/bin/python" -m pip install -q --disable-pip-version-check --no-deps "$work"/sdist-wheel/amperity-*.whl ||
        die "install the wheel built from the sdist"
    sdist_built=1
fi

# ---------------------------------------------------------------------------------------------
step "Kotlin jar (every platform's library), sources and javadoc jars, pom"
# Built from a copy of bindings/kotlin under target/, so bindings/kotlin/target (tests/kotlin.sh's
# dev build) stays as it is. The uniffi Kotlin comes from the unstripped linux-x86_64 library (a
# snapshot: a concurrent cargo build cannot swap it halfway); the jar carries it stripped.
mkdir -p "$work/native" "$work/native-stripped"
cp "${built[linux-x86_64]}/libamperity.so" "$work/native/libamperity.so"
kbuild="$target_dir/dist-build/kotlin"
rm -rf "$kbuild"
mkdir -p "$kbuild/src"
cp bindings/kotlin/pom.xml "$kbuild/"
cp -r bindings/kotlin/src/main "$kbuild/src/"
# The javadoc jar (Dokka, from Maven Central): offline only when the cache holds Dokka.
javadoc_goal=(org.jetbrains.dokka:dokka-maven-plugin:2.2.0:javadocJar)
if [ "$AMPERITY_DEPS_MODE" = offline ] && [ ! -d "${MAVEN_LOCAL_REPO:-}/org/jetbrains/dokka/dokka-maven-plugin/2.2.0" ]; then
    echo "release: no javadoc jar: the offline Maven cache has no Dokka 2.2.0 (remake it from bindings/kotlin/pom.xml's release-docs profile)"
    javadoc_goal=()
fi
mvn_plain -f "$kbuild/pom.xml" -Dworkspace.dir="$root" -Dcargo.profile=release -Dcargo.skip=true \
    -Dnative.dir="$work/native" -Dnative.platforms.dir="$work/jar-natives" -Dmaven.test.skip=true \
    -Prelease-docs package org.apache.maven.plugins:maven-source-plugin:3.3.1:jar-no-fork "${javadoc_goal[@]}" ||
    die "mvn package"
pom_version="$(python3 - "$kbuild/pom.xml" <<'PY'
import sys, xml.etree.ElementTree as ET
ns = {"m": "http://maven.apache.org/POM/4.0.0"}
print(ET.parse(sys.argv[1]).getroot().find("m:version", ns).text)
PY
)"
[ "$pom_version" = "$version" ] || die "pom version $pom_version, expected $version"
jarfile="$dist/amperity-sdk-$version.jar"
cp "$kbuild/target/amperity-sdk-$version.jar" "$jarfile"
# The linux-x86-64 library inside the jar, stripped like the other platforms'.
(cd "$work/native-stripped" && mkdir -p linux-x86-64 && cp "$work/native/libamperity.so" linux-x86-64/ &&
    strip_library linux-x86-64/libamperity.so && zip -q "$jarfile" linux-x86-64/libamperity.so) || die "strip the jar's linux-x86-64 library"
cp "$kbuild/target/amperity-sdk-$version-sources.jar" "$dist/amperity-sdk-$version-sources.jar"
[ "${#javadoc_goal[@]}" = 0 ] || cp "$kbuild/target/amperity-sdk-$version-javadoc.jar" "$dist/amperity-sdk-$version-javadoc.jar"
cp bindings/kotlin/pom.xml "$dist/amperity-sdk-$version.pom"
jar_platforms=()
for platform in "${platforms[@]}"; do
    jna="$(platform_field "$platform" jna)"
    [ "$jna" = - ] || jar_platforms+=("$platform:$jna/$(platform_field "$platform" library)")
done
python3 - "$jarfile" "$dist/amperity-sdk-$version.pom" "$license" "$work/jar-check" "${jar_platforms[@]}" <<'PY' || die "jar contents"
import os, subprocess, sys, zipfile, xml.etree.ElementTree as ET
jar, pom, license, scratch, *wanted = sys.argv[1:]
z = zipfile.ZipFile(jar)
natives = sorted(n for n in z.namelist() if n.endswith((".so", ".dylib", ".dll")))
expected = sorted(w.split(":", 1)[1] for w in wanted)
assert natives == expected, f"jar natives {natives}, expected {expected}"
os.makedirs(scratch, exist_ok=True)
for w in wanted:
    platform, name = w.split(":", 1)
    path = os.path.join(scratch, name.replace("/", "_"))
    open(path, "wb").write(z.read(name))
    # The header, not the file name, says what each native is.
    subprocess.run([sys.executable, "tests/platforms/inspect.py", platform, path], check=True)
# Class file major version 55 = Java 11 (the bytecode level promised to Android and old JVMs).
classes = [n for n in z.namelist() if n.startswith("com/amperity/sdk/") and n.endswith(".class")]
majors = {int.from_bytes(z.read(n)[6:8], "big") for n in classes}
assert classes and majors == {55}, f"class file versions {majors}, expected {{55}} (Java 11)"
ns = {"m": "http://maven.apache.org/POM/4.0.0"}
names = [e.text for e in ET.parse(pom).getroot().findall("m:licenses/m:license/m:name", ns)]
assert sorted(names) == sorted(license.split(" OR ")), f"pom <licenses> {names}"
sources = zipfile.ZipFile(jar.replace(".jar", "-sources.jar")).namelist()
assert any(n.endswith("Client.kt") for n in sources), "the sources jar has no Client.kt"
javadoc_jar = jar.replace(".jar", "-javadoc.jar")
javadoc = []
if os.path.exists(javadoc_jar):  # absent only offline without Dokka (said above)
    javadoc = zipfile.ZipFile(javadoc_jar).namelist()
    assert "index.html" in javadoc and any("Client" in n and n.endswith(".html") for n in javadoc), \
        "the javadoc jar has no index.html or no page of Client"
print(f"jar: {len(natives)} natives ({', '.join(natives)}), {len(classes)} classes for Java 11; "
      f"pom licenses {names}; sources jar of {len(sources)} entries, javadoc jar of {len(javadoc)}")
PY
echo "built $jarfile ($(du -h "$jarfile" | cut -f1))"

# ---------------------------------------------------------------------------------------------
step "Swift source package (Linux x86_64)"
swift_name="amperity-swift-$version-linux-x86_64"
if [ "$AMPERITY_SWIFT" = 1 ]; then
    sstage="$work/swift-stage/$swift_name"
    mkdir -p "$sstage/Sources/AmperityFFI" "$sstage/Sources/AmperityBindings" "$sstage/lib"
    # Generated from the unstripped release library (the snapshot the jar carries), then stripped.
    bindings/swift/generate.sh "$work/native/libamperity.so" "$sstage" || die "uniffi-bindgen (Swift)"
    cp bindings/swift/Sources/AmperityFFI/module.modulemap "$sstage/Sources/AmperityFFI/"
    cp -r bindings/swift/Sources/Amperity "$sstage/Sources/"
    cp "$work/native/libamperity.so" "$sstage/lib/libamperity.so"
    strip --strip-unneeded "$sstage/lib/libamperity.so"
    cp LICENSE-MIT LICENSE-APACHE "$sstage/"
    # bindings/swift's own manifest: with lib/libamperity.so beside it, it adds the link flags
    # itself, so a consumer needs no command-line flags.
    cp bindings/swift/Package.swift "$sstage/Package.swift"
    cat > "$sstage/README" <<README
Amperity SDK $version for Swift: source package for Linux x86_64, glibc $glibc or newer
License: $license (LICENSE-MIT, LICENSE-APACHE)

Package.swift                               library product "Amperity" (Swift 6.2 tools or newer)
Sources/Amperity/                           the Swift API
Sources/AmperityBindings/                   generated by uniffi from lib/libamperity.so
Sources/AmperityFFI/                        its C header and module map
lib/libamperity.so                          the native core (stripped)

Use it from your package:
  dependencies: [.package(path: "/where/you/unpacked/$swift_name")]
  .target(name: "App", dependencies: [.product(name: "Amperity", package: "$swift_name")])

iOS and macOS use the same layout with an XCFramework in place of lib/ (see bindings/swift/README.md
in the source repository): https://github.com/amperity-sdk/amperity-sdk
README
    tar --sort=name --owner=0 --group=0 --numeric-owner --mtime="@0" -czf "$dist/$swift_name.tar.gz" \
        -C "$work/swift-stage" "$swift_name" || die "tar (Swift)"
    echo "built $dist/$swift_name.tar.gz ($(du -h "$dist/$swift_name.tar.gz" | cut -f1))"
else
    echo "Swift package skipped: $AMPERITY_SWIFT_MISSING"
fi

(cd "$dist" && sha256sum -- * > SHA256SUMS)

# ---------------------------------------------------------------------------------------------
step "start the mock server"
segments=250
# stdin from /dev/null: the mock serves until SIGTERM (sent by cleanup).
# The campaigns fault keeps a call asleep on Retry-After until smoke.c cancels it.
"$mock" --segments "$segments" --run-step-ms 20 --fault 'path=/api/campaigns,status=429,retry_after=30,count=0' \
    </dev/null >"$work/mock.out" 2>"$work/mock.err" &
mock_pid=$!
for _ in $(seq 100); do [ -s "$work/mock.out" ] && break; sleep 0.1; done
origin="$(head -n 1 "$work/mock.out")"
case "$origin" in http://127.0.0.1:*) ;; *) cat "$work/mock.err" >&2; die "the mock server did not start" ;; esac
base_url="$origin/api"
echo "mock: $origin"

# The User-Agent of every API request the mock received since the last call (then forgets them).
check_user_agents() { # product, e.g. amperity-python
    python3 - "$origin" "$version" "$1" <<'PY' || die "User-Agent check ($1)"
import json, sys, urllib.request
origin, version, product = sys.argv[1:]
reqs = json.load(urllib.request.urlopen(origin + "/__mock/requests"))
urllib.request.urlopen(urllib.request.Request(origin + "/__mock/requests", method="DELETE"))
assert reqs, "the mock received no request"
agents = {dict(r["headers"]).get("user-agent", "") for r in reqs}
for ua in agents:
    assert f"amperity-rust/{version}" in ua and f"{product}/{version}" in ua, f"User-Agent {ua!r}"
print(f"mock saw {len(reqs)} requests, User-Agent {' | '.join(sorted(agents))}")
PY
}

# ---------------------------------------------------------------------------------------------
step "smoke: the wheel in a fresh venv"
pyvenv="$work/py-venv"
"${PYTHON:-python3}" -m venv "$pyvenv"
# The wheel's one dependency, at the version the tests use, is the only other package offered.
orjson_pin=$(grep -E '^orjson==' bindings/python/requirements-dev.txt)
"$pyvenv/bin/python" -m pip download -q --disable-pip-version-check --only-binary=:all: --no-deps \
    -d "$work/py-deps" "$orjson_pin" || die "pip download $orjson_pin"
"$pyvenv/bin/python" -m pip install -q --disable-pip-version-check --no-index --find-links "$work/py-deps" \
    "$wheel" || die "pip install the wheel"
cp tests/release/smoke.py "$work/smoke.py"
(cd "$work" && env -i PATH=/usr/bin:/bin HOME="$HOME" AMPERITY_BASE_URL="$base_url" \
    AMPERITY_EXPECTED_VERSION="$version" AMPERITY_SMOKE_SEGMENTS="$segments" AMPERITY_SMOKE_VENV="$pyvenv" \
    "$pyvenv/bin/python" -I smoke.py) || die "python smoke test"
# The wheel's console script runs the command-line tool it carries.
[ "$("$pyvenv/bin/amperity" --version)" = "amperity $version" ] ||
    die "the wheel's amperity console script: $("$pyvenv/bin/amperity" --version 2>&1)"
check_user_agents amperity-python

if [ "${sdist_built:-0}" = 1 ]; then
    step "smoke: the wheel pip built from the sdist"
    "$sdist_venv/bin/python" -m pip install -q --disable-pip-version-check --no-index --find-links "$work/py-deps" \
        "${orjson_pin}" || die "pip install orjson into the sdist venv"
    (cd "$work" && env -i PATH=/usr/bin:/bin HOME="$HOME" AMPERITY_BASE_URL="$base_url" \
        AMPERITY_EXPECTED_VERSION="$version" AMPERITY_SMOKE_SEGMENTS="$segments" AMPERITY_SMOKE_VENV="$sdist_venv" \
        "$sdist_venv/bin/python" -I smoke.py) || die "python smoke test (wheel from the sdist)"
    check_user_agents amperity-python
fi

if [[ " ${platforms[*]} " == *" linux-aarch64 "* ]]; then
    step "smoke: the linux-aarch64 wheel in Debian's arm64 CPython 3.11, under qemu-aarch64"
    # pip (of this machine) installs the aarch64 wheel and orjson's aarch64 wheel into a folder
    # for that interpreter; nothing else is offered to it.
    site="$work/py-aarch64"
    aarch64_wheel="$(ls "$dist"/amperity-"$version"-py3-none-manylinux*_aarch64*.whl)"
    "$pyvenv/bin/python" -m pip download -q --disable-pip-version-check --only-binary=:all: --no-deps \
        --platform manylinux2014_aarch64 --python-version 3.11 --implementation cp \
        -d "$work/py-deps-aarch64" "$orjson_pin" || die "pip download $orjson_pin (aarch64)"
    "$pyvenv/bin/python" -m pip install -q --disable-pip-version-check --no-index --find-links "$work/py-deps-aarch64" \
        --target "$site" --platform manylinux2014_aarch64 --python-version 3.11 --implementation cp --only-binary=:all: \
        "$aarch64_wheel" || die "pip install the aarch64 wheel"
    (cd "$work" && env -i PATH=/usr/bin:/bin HOME="$HOME" PYTHONPATH="$site" AMPERITY_BASE_URL="$base_url" \
        AMPERITY_EXPECTED_VERSION="$version" AMPERITY_SMOKE_SEGMENTS="$segments" AMPERITY_SMOKE_VENV="$site" \
        "$root/tests/platforms/aarch64-python.sh" -s smoke.py) || die "python smoke test (linux-aarch64)"
    [ "$(qemu-aarch64 -L /usr/aarch64-linux-gnu "$site/amperity/_bin/amperity" --version)" = "amperity $version" ] ||
        die "the aarch64 wheel's command-line tool does not run under qemu-aarch64"
    check_user_agents amperity-python
fi

# ---------------------------------------------------------------------------------------------
step "smoke: the C packages, a C program built with pkg-config (and CMake) from each alone"
strict=(-std=c11 -Wall -Wextra -Werror -pedantic)
mkdir -p "$work/c"
# Compiles tests/release/smoke.c against one unpacked C package, shared and static, with the
# platform's compiler, and runs both under the platform's runner against the mock running here.
c_smoke() { # platform
    local platform=$1 library prefix compiler=() shared_compiler=() pc_env shared_flags=() threads=(-lpthread) exe="" run_dir
    library="$(platform_field "$platform" library)"
    prefix="$work/c/amperity-$version-$platform"
    if [[ "$library" == *.dll ]]; then
        unzip -q -o "$dist/amperity-$version-$platform.zip" -d "$work/c"
    else
        tar -xzf "$dist/amperity-$version-$platform.tar.gz" -C "$work/c"
    fi
    local shared="lib/$library"
    [[ "$library" == *.dll ]] && shared="bin/$library"
    for f in include/amperity.h "$shared" lib/libamperity.a lib/pkgconfig/amperity.pc lib/pkgconfig/amperity-static.pc \
        lib/cmake/amperity/amperityConfig.cmake bin/amperity-mock bin/amperity LICENSE-MIT LICENSE-APACHE README; do
        [ -f "$prefix/$f" ] || [ -f "$prefix/$f.exe" ] || die "$platform package lacks $f"
    done
    grep -q "^License: $license" "$prefix/README" || die "$platform package README does not state the license"
    # Whole outputs first: `reader | grep -q` fails under pipefail when grep exits early.
    local sections
    sections="$(llvm-readobj-14 --sections "$prefix/$shared")"
    if [[ "$library" == *.so ]] && grep -q 'Name: .symtab ' <<< "$sections"; then
        die "$platform: $shared is not stripped (it has a .symtab)"
    fi
    case "$platform" in
        linux-x86_64) compiler=(cc); shared_flags=(-Wl,-rpath,"$prefix/lib") ;;
        linux-aarch64) compiler=(aarch64-linux-gnu-gcc); shared_flags=(-Wl,-rpath,"$prefix/lib") ;;
        # musl: static programs built by zig cc (Debian's musl-gcc links glibc's libgcc_eh, which
        # a static musl program cannot use); on x86-64 also a dynamic one built by musl-gcc and
        # run by musl's own loader (musl-tools installs it), against the package's libamperity.so.
        linux-x86_64-musl) compiler=(python3 -m ziglang cc -target x86_64-linux-musl)
            shared_compiler=(musl-gcc); shared_flags=(-Wl,-rpath,"$prefix/lib") ;;
        linux-aarch64-musl) compiler=(python3 -m ziglang cc -target aarch64-linux-musl) ;;
        # MinGW's winpthreads (pthread_create, clock_gettime) linked in: a Windows program must import
        # only Windows' own DLLs and, for the shared variant, amperity.dll.
        windows-x86_64) compiler=(x86_64-w64-mingw32-gcc-posix -static-libgcc); exe=.exe
            threads=(-Wl,-Bstatic -lpthread -Wl,-Bdynamic) ;;
        *) echo "C smoke: $platform programs cannot run here (built and inspected only)"; return 0 ;;
    esac
    platform_install_packages "$platform" || die "the $platform tools"
    # The shared variant is built by the static one's compiler, except for musl (above).
    [[ "$platform" == *-musl ]] || shared_compiler=("${compiler[@]}")
    # PKG_CONFIG_LIBDIR replaces the system search path: only the package's .pc files are found.
    pc() { PKG_CONFIG_LIBDIR="$prefix/lib/pkgconfig" PKG_CONFIG_PATH="" pkg-config "$@"; }
    [ "$(pc --modversion amperity)" = "$version" ] || die "$platform: pkg-config --modversion is $(pc --modversion amperity)"
    local out="$work/c/$platform"
    mkdir -p "$out"
    if [ ${#shared_compiler[@]} -gt 0 ]; then
        PATH="$venv/bin:$PATH" "${shared_compiler[@]}" "${strict[@]}" tests/release/smoke.c $(pc --cflags --libs amperity) "${threads[@]}" \
            "${shared_flags[@]}" -o "$out/smoke$exe" || die "$platform: compile smoke.c (shared)"
    fi
    # Static: pkg-config --static alone gives everything the link needs.
    PATH="$venv/bin:$PATH" "${compiler[@]}" "${strict[@]}" tests/release/smoke.c $(pc --static --cflags --libs amperity-static) \
        "${threads[@]}" -o "$out/smoke_static$exe" || die "$platform: compile smoke.c (static)"
    if [ "$platform" = windows-x86_64 ]; then
        cp "$prefix/bin/$library" "$out/"   # Windows loads a DLL from the program's folder
        python3 tests/platforms/inspect.py "$platform" "$out/smoke$exe" --program --allow amperity.dll || die "$platform: smoke.exe imports"
        python3 tests/platforms/inspect.py "$platform" "$out/smoke_static$exe" --program || die "$platform: smoke_static.exe imports"
        grep -qi 'amperity.dll' <<< "$(llvm-readobj-14 --coff-imports "$out/smoke_static$exe")" &&
            die "$platform: smoke_static.exe imports amperity.dll"
    else
        if [ -f "$out/smoke" ]; then
            grep -q libamperity.so <<< "$(llvm-readobj-14 --needed-libs "$out/smoke")" ||
                die "$platform: smoke does not need libamperity.so"
        fi
        grep -q libamperity <<< "$(llvm-readobj-14 --needed-libs "$out/smoke_static")" &&
            die "$platform: smoke_static links libamperity dynamically"
    fi
    local variant
    for variant in smoke smoke_static; do
        [ -f "$out/$variant$exe" ] || continue
        (cd "$out" && env -u LD_LIBRARY_PATH bash -c 'source "$1"; shift; platform_run "$@"' _ \
            "$root/tests/platforms/lib.sh" "$platform" "./$variant$exe" "$base_url" "$version" "$segments") ||
            die "$platform: C smoke test ($variant)"
        check_user_agents amperity-c
    done
}
for platform in "${platforms[@]}"; do
    c_smoke "$platform"
done

step "smoke: CMake's find_package(amperity) against the linux-x86_64 package"
cmake_project="$work/cmake-consumer"
mkdir -p "$cmake_project"
cp tests/release/smoke.c "$cmake_project/"
cat > "$cmake_project/CMakeLists.txt" <<CMAKE
cmake_minimum_required(VERSION 3.16)
project(amperity_cmake_smoke C)
set(CMAKE_C_STANDARD 11)
find_package(Threads REQUIRED)
find_package(amperity $version REQUIRED)
add_executable(smoke_shared smoke.c)
target_link_libraries(smoke_shared PRIVATE amperity::amperity Threads::Threads)
add_executable(smoke_static smoke.c)
target_link_libraries(smoke_static PRIVATE amperity::amperity_static Threads::Threads)
CMAKE
cmake -S "$cmake_project" -B "$cmake_project/build" -DCMAKE_PREFIX_PATH="$work/c/$name" >"$work/cmake.log" 2>&1 &&
    cmake --build "$cmake_project/build" >>"$work/cmake.log" 2>&1 || { cat "$work/cmake.log" >&2; die "CMake build of the consumer"; }
for variant in smoke_shared smoke_static; do
    (cd "$work" && env -u LD_LIBRARY_PATH "$cmake_project/build/$variant" "$base_url" "$version" "$segments") ||
        die "C smoke test (CMake, $variant)"
    check_user_agents amperity-c
done
grep -q libamperity <<< "$(ldd "$cmake_project/build/smoke_static")" && die "CMake's smoke_static links libamperity dynamically"

# ---------------------------------------------------------------------------------------------
step "smoke: the jar from a file:// repository, in a new Maven project"
# dist-repo: only the release jar and pom. home-repo: ~/.m2/repository without com/amperity (so a
# jar installed there by tests/kotlin.sh can never stand in), for kotlin-stdlib, JNA and plugins
# without network; Maven Central after both. The local repository starts empty.
m2_home="${MAVEN_LOCAL_REPO:-$HOME/.m2/repository}"
dist_repo="$work/m2/dist-repo"
home_repo="$work/m2/home-repo"
local_repo="$work/m2/local"
mkdir -p "$dist_repo/com/amperity/amperity-sdk/$version" "$home_repo" "$local_repo"
cp "$jarfile" "$dist_repo/com/amperity/amperity-sdk/$version/amperity-sdk-$version.jar"
cp "$dist/amperity-sdk-$version.pom" "$dist_repo/com/amperity/amperity-sdk/$version/amperity-sdk-$version.pom"
if [ -d "$m2_home" ]; then
    for entry in "$m2_home"/*; do
        [ -e "$entry" ] || continue
        if [ "$(basename "$entry")" = com ]; then
            mkdir -p "$home_repo/com"
            for sub in "$entry"/*; do
                [ "$(basename "$sub")" = amperity ] || ln -s "$sub" "$home_repo/com/$(basename "$sub")"
            done
        else
            ln -s "$entry" "$home_repo/$(basename "$entry")"
        fi
    done
fi
consumer="$work/consumer"
mkdir -p "$consumer/src/main/java"
cp tests/release/Smoke.java "$consumer/src/main/java/Smoke.java"
cat > "$consumer/pom.xml" <<POM
<?xml version="1.0" encoding="UTF-8"?>
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>com.example</groupId>
  <artifactId>amperity-release-smoke</artifactId>
  <version>1</version>
  <properties>
    <project.build.sourceEncoding>UTF-8</project.build.sourceEncoding>
    <maven.compiler.release>11</maven.compiler.release>
  </properties>
  <repositories>
    <repository><id>amperity-dist</id><url>file://$dist_repo</url>
      <releases><checksumPolicy>ignore</checksumPolicy></releases><snapshots><enabled>false</enabled></snapshots></repository>
    <repository><id>home-m2</id><url>file://$home_repo</url>
      <releases><checksumPolicy>ignore</checksumPolicy></releases><snapshots><enabled>false</enabled></snapshots></repository>
  </repositories>
  <pluginRepositories>
    <pluginRepository><id>home-m2</id><url>file://$home_repo</url>
      <releases><checksumPolicy>ignore</checksumPolicy></releases><snapshots><enabled>false</enabled></snapshots></pluginRepository>
  </pluginRepositories>
  <dependencies>
    <dependency>
      <groupId>com.amperity</groupId>
      <artifactId>amperity-sdk</artifactId>
      <version>$version</version>
    </dependency>
  </dependencies>
  <build>
    <plugins>
      <plugin><groupId>org.apache.maven.plugins</groupId><artifactId>maven-resources-plugin</artifactId><version>3.3.1</version></plugin>
      <plugin><groupId>org.apache.maven.plugins</groupId><artifactId>maven-compiler-plugin</artifactId><version>3.14.1</version></plugin>
      <plugin>
        <groupId>org.codehaus.mojo</groupId><artifactId>exec-maven-plugin</artifactId><version>3.6.2</version>
        <configuration>
          <executable>java</executable>
          <arguments>
            <argument>-classpath</argument><classpath/>
            <argument>Smoke</argument>
            <argument>$base_url</argument><argument>$version</argument><argument>$segments</argument>
          </arguments>
        </configuration>
      </plugin>
    </plugins>
  </build>
</project>
POM
mvn_plain -f "$consumer/pom.xml" -Dmaven.repo.local="$local_repo" compile \
    org.codehaus.mojo:exec-maven-plugin:3.6.2:exec || die "Kotlin/JVM smoke test"
resolved="$local_repo/com/amperity/amperity-sdk/$version/amperity-sdk-$version.jar"
[ -f "$resolved" ] && [ "$(sha "$resolved")" = "$(sha "$jarfile")" ] || die "the consumer did not resolve the dist jar"
echo "consumer resolved com.amperity:amperity-sdk:$version = target/dist jar (sha256 $(sha "$jarfile" | cut -c1-16)...)"
check_user_agents amperity-kotlin

# ---------------------------------------------------------------------------------------------
step "smoke: the Swift source package, from a new SwiftPM project"
if [ "$AMPERITY_SWIFT" = 1 ]; then
    mkdir -p "$work/swift"
    tar -xzf "$dist/$swift_name.tar.gz" -C "$work/swift"
    swift_consumer="$work/swift-consumer"
    mkdir -p "$swift_consumer/Sources/Smoke"
    cp tests/release/Smoke.swift "$swift_consumer/Sources/Smoke/Smoke.swift"
    cat > "$swift_consumer/Package.swift" <<SWIFT
// swift-tools-version: 6.0
import PackageDescription
let package = Package(
    name: "AmperitySwiftSmoke",
    dependencies: [.package(path: "$work/swift/$swift_name")],
    targets: [.executableTarget(name: "Smoke", dependencies: [.product(name: "Amperity", package: "$swift_name")])],
    swiftLanguageModes: [.v6]
)
SWIFT
    # No link flags on the command line: the package's manifest brings them.
    (cd "$swift_consumer" && swift build -c release > "$work/swift-consumer.log" 2>&1) ||
        { cat "$work/swift-consumer.log" >&2; die "swift build of the consumer"; }
    grep -v '^\[' "$work/swift-consumer.log" || true
    smoke_bin="$(cd "$swift_consumer" && swift build -c release --show-bin-path)/Smoke"
    # ldd's whole output first: `ldd | grep -q` fails under pipefail when grep exits early.
    linked="$(ldd "$smoke_bin")"
    grep -q "libamperity.so => $work/swift/$swift_name/lib/libamperity.so" <<< "$linked" ||
        { echo "$linked" >&2; die "the Swift smoke binary does not load the package's libamperity.so"; }
    (cd "$work" && env -u LD_LIBRARY_PATH "$smoke_bin" "$base_url" "$version" "$segments") || die "Swift smoke test"
    check_user_agents amperity-swift
else
    echo "Swift smoke test skipped: $AMPERITY_SWIFT_MISSING"
fi

if [ "$with_mobile" = 1 ]; then
    step "mobile: tests/mobile.sh (XCFramework, SwiftPM package, Android AAR parts)"
    bash tests/mobile.sh || die "tests/mobile.sh"
fi

step "done"
echo "artifacts in $dist:"
(cd "$dist" && ls -l --time-style=+ | tail -n +2 | awk '{print "  " $5 "\t" $NF}')
echo "durations:"
printf '  %s\n' "${timings[@]}"
echo "release: all artifacts built and smoke-tested in $((SECONDS - started))s"
