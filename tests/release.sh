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
# Usage: tests/release.sh      (KEEP_WORK=1 keeps the temporary directory)
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
source tests/deps.sh
source tests/swift-toolchain.sh
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

for tool in cargo cc pkg-config strip objdump readelf ldd python3 mvn java jar; do
    command -v "$tool" >/dev/null || die "$tool is not installed"
done

version="$(sed -n '/^\[workspace.package\]/,/^\[/s/^version *= *"\(.*\)"/\1/p' Cargo.toml)"
license="$(sed -n '/^\[workspace.package\]/,/^\[/s/^license *= *"\(.*\)"/\1/p' Cargo.toml)"
[ -n "$version" ] || die "no [workspace.package] version in Cargo.toml"
[ "$license" = "MIT OR Apache-2.0" ] || die "[workspace.package] license is '$license', expected 'MIT OR Apache-2.0'"
echo "release $version ($license) into $dist; scratch $work"
rm -rf "$dist"
mkdir -p "$dist"

step "cargo build --release (native library, mock server)"
cargo build --release --locked -p amperity-ffi -p amperity-mock || die "cargo build"
mock="$target_dir/release/amperity-mock"
# A snapshot of the library for the jar (and its uniffi sources): a concurrent cargo build in
# target/release cannot swap it halfway.
mkdir -p "$work/native"
cp "$target_dir/release/libamperity.so" "$work/native/libamperity.so"

# ---------------------------------------------------------------------------------------------
step "C tarball"
name="amperity-$version-linux-x86_64"
stage="$work/stage/$name"
# install.sh copies the header and libraries and writes amperity.pc with the static link flags
# that rustc reported (cached by tests/c.sh's run; without it, install.sh asks rustc again).
if [ -s "$target_dir/release/amperity-native-static-libs.txt" ]; then
    bindings/c/install.sh --prefix "$stage" --no-build >/dev/null || die "install.sh"
else
    bindings/c/install.sh --prefix "$stage" >/dev/null || die "install.sh"
fi
strip --strip-unneeded "$stage/lib/libamperity.so"
strip --strip-debug "$stage/lib/libamperity.a"
# Relocatable: pkg-config resolves ${pcfiledir} to the directory of the .pc file.
sed -i -e 's|^prefix=.*|prefix=${pcfiledir}/../..|' -e 's|^libdir=.*|libdir=${prefix}/lib|' \
    "$stage/lib/pkgconfig/amperity.pc"
grep -q "^Version: $version$" "$stage/lib/pkgconfig/amperity.pc" || die "amperity.pc has no Version: $version"
cp LICENSE-MIT LICENSE-APACHE "$stage/"
# Built against this machine's glibc (unlike the wheel, built with zig for glibc 2.17).
glibc="$(objdump -T "$stage/lib/libamperity.so" | grep -o 'GLIBC_[0-9.]*' | sed 's/GLIBC_//' | sort -Vu | tail -n 1)"
[ -n "$glibc" ] || die "no GLIBC symbol versions in libamperity.so"
cat > "$stage/README" <<README
Amperity SDK $version: C library for Linux x86_64, glibc $glibc or newer
License: $license (LICENSE-MIT, LICENSE-APACHE)

include/amperity.h              the C API; every item documented
lib/libamperity.so              shared library (stripped)
lib/libamperity.a               static library
lib/pkgconfig/amperity.pc       relocatable: unpack anywhere

Build against it:
  export PKG_CONFIG_PATH=/where/you/unpacked/$name/lib/pkgconfig
  cc app.c \$(pkg-config --cflags --libs amperity)                       # shared; at run time set
                                                                       # LD_LIBRARY_PATH or -Wl,-rpath
  cc app.c \$(pkg-config --cflags amperity) \$(pkg-config --variable=libdir amperity)/libamperity.a \\
     \$(pkg-config --libs --static amperity | sed 's/-lamperity//')    # static

amperity_version() returns the version of the library actually linked; AMPERITY_VERSION_STRING
is the version of the header. Source, examples and changelog:
https://github.com/amperity-sdk/amperity-sdk
README
tar --sort=name --owner=0 --group=0 --numeric-owner --mtime="@0" -czf "$dist/$name.tar.gz" \
    -C "$work/stage" "$name" || die "tar"
echo "built $dist/$name.tar.gz ($(du -h "$dist/$name.tar.gz" | cut -f1))"

# ---------------------------------------------------------------------------------------------
step "Python wheel (manylinux2014, zig)"
venv="$target_dir/python-venv"   # shared with tests/python.sh (maturin, ziglang)
[ -x "$venv/bin/python" ] || "${PYTHON:-python3}" -m venv "$venv"
"$venv/bin/python" -m pip install -q --disable-pip-version-check -r bindings/python/requirements-dev.txt
# uniffi-bindgen reads the metadata symbols of the library: never strip before generating.
# The same settings as `tests/python.sh --manylinux`, so the two share their cargo build.
(
    export PATH="$venv/bin:$PATH" CARGO_PROFILE_RELEASE_STRIP=false
    cd bindings/python && maturin build --release --zig --compatibility manylinux2014 --out "$work/wheels"
) || die "maturin build"
wheels=("$work"/wheels/amperity-*.whl)
[ "${#wheels[@]}" = 1 ] || die "expected one wheel, got: ${wheels[*]}"
wheel="$dist/$(basename "${wheels[0]}")"
mv "${wheels[0]}" "$wheel"
case "$(basename "$wheel")" in
    "amperity-$version-py3-none-"*manylinux2014_x86_64*.whl) ;;
    *) die "wheel $(basename "$wheel") is not amperity $version for manylinux2014_x86_64" ;;
esac
python3 - "$wheel" "$version" "$license" <<'PY' || die "wheel metadata"
import sys, zipfile
wheel, version, license = sys.argv[1:]
z = zipfile.ZipFile(wheel)
meta = next(n for n in z.namelist() if n.endswith(".dist-info/METADATA"))
fields = {}
for line in z.read(meta).decode().split("\n\n")[0].splitlines():
    key, _, value = line.partition(": ")
    fields.setdefault(key, []).append(value)
assert fields["Version"] == [version], f"wheel METADATA Version {fields['Version']}, expected {version}"
licenses = fields.get("License", []) + fields.get("License-Expression", [])
assert license in licenses, f"wheel METADATA License {licenses}, expected {license!r}"
assert "Requires-Python" in fields and fields["Requires-Python"] == [">=3.9"], fields.get("Requires-Python")
libs = [n for n in z.namelist() if n.endswith(".so")]
assert libs, "no native library in the wheel"
print(f"wheel METADATA: Version {version}, License {license}, Requires-Python >=3.9; {', '.join(libs)}")
PY
echo "built $wheel ($(du -h "$wheel" | cut -f1))"

# ---------------------------------------------------------------------------------------------
step "Kotlin jar (release library) and pom"
# Built from a copy of bindings/kotlin under target/, so bindings/kotlin/target (tests/kotlin.sh's
# dev build) stays as it is. The cargo release build above is reused (-Dcargo.skip), through the
# snapshot in $work/native.
kbuild="$target_dir/dist-build/kotlin"
rm -rf "$kbuild"
mkdir -p "$kbuild/src"
cp bindings/kotlin/pom.xml "$kbuild/"
cp -r bindings/kotlin/src/main "$kbuild/src/"
mvn_plain -f "$kbuild/pom.xml" -Dworkspace.dir="$root" -Dcargo.profile=release -Dcargo.skip=true \
    -Dnative.dir="$work/native" -Dmaven.test.skip=true package || die "mvn package"
pom_version="$(python3 - "$kbuild/pom.xml" <<'PY'
import sys, xml.etree.ElementTree as ET
ns = {"m": "http://maven.apache.org/POM/4.0.0"}
print(ET.parse(sys.argv[1]).getroot().find("m:version", ns).text)
PY
)"
[ "$pom_version" = "$version" ] || die "pom version $pom_version, expected $version"
cp "$kbuild/target/amperity-sdk-$version.jar" "$dist/amperity-sdk-$version.jar"
cp bindings/kotlin/pom.xml "$dist/amperity-sdk-$version.pom"
jarfile="$dist/amperity-sdk-$version.jar"
python3 - "$jarfile" "$work/native/libamperity.so" "$dist/amperity-sdk-$version.pom" "$license" <<'PY' || die "jar contents"
import hashlib, sys, zipfile, xml.etree.ElementTree as ET
jar, lib, pom, license = sys.argv[1:]
z = zipfile.ZipFile(jar)
native = z.read("linux-x86-64/libamperity.so")
assert hashlib.sha256(native).digest() == hashlib.sha256(open(lib, "rb").read()).digest(), \
    "linux-x86-64/libamperity.so in the jar is not the release-profile library"
# Class file major version 55 = Java 11 (the bytecode level promised to Android and old JVMs).
classes = [n for n in z.namelist() if n.startswith("com/amperity/sdk/") and n.endswith(".class")]
majors = {int.from_bytes(z.read(n)[6:8], "big") for n in classes}
assert classes and majors == {55}, f"class file versions {majors}, expected {{55}} (Java 11)"
ns = {"m": "http://maven.apache.org/POM/4.0.0"}
names = [e.text for e in ET.parse(pom).getroot().findall("m:licenses/m:license/m:name", ns)]
expected = license.split(" OR ")
assert sorted(names) == sorted(expected), f"pom <licenses> {names}, expected {expected}"
print(f"jar: release libamperity.so ({len(native) // 1024} KiB), {len(classes)} classes for Java 11; "
      f"pom licenses {names}")
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
"$mock" --segments "$segments" --run-step-ms 20 </dev/null >"$work/mock.out" 2>"$work/mock.err" &
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
check_user_agents amperity-python

# ---------------------------------------------------------------------------------------------
step "smoke: the tarball, C program built with pkg-config"
mkdir -p "$work/c"
tar -xzf "$dist/$name.tar.gz" -C "$work/c"
prefix="$work/c/$name"
for f in include/amperity.h lib/libamperity.so lib/libamperity.a lib/pkgconfig/amperity.pc LICENSE-MIT LICENSE-APACHE README; do
    [ -f "$prefix/$f" ] || die "tarball lacks $f"
done
grep -q "^License: $license" "$prefix/README" || die "tarball README does not state the license"
readelf -S "$prefix/lib/libamperity.so" | grep -q '\.symtab' && die "lib/libamperity.so is not stripped (it has a .symtab)"
# PKG_CONFIG_LIBDIR replaces the system search path: only the tarball's amperity.pc is found.
pc() { PKG_CONFIG_LIBDIR="$prefix/lib/pkgconfig" PKG_CONFIG_PATH="" pkg-config "$@"; }
[ "$(pc --modversion amperity)" = "$version" ] || die "pkg-config --modversion is $(pc --modversion amperity)"
libdir="$(pc --variable=libdir amperity)"
[ "$(cd "$libdir" && pwd -P)" = "$(cd "$prefix/lib" && pwd -P)" ] || die "amperity.pc libdir $libdir is not the tarball's lib/"
cc -std=c11 -Wall -Wextra -Werror -pedantic tests/release/smoke.c $(pc --cflags --libs amperity) \
    -Wl,-rpath,"$libdir" -o "$work/c/smoke" || die "compile smoke.c (shared)"
cc -std=c11 -Wall -Wextra -Werror -pedantic tests/release/smoke.c $(pc --cflags amperity) "$libdir/libamperity.a" \
    $(pc --libs --static amperity | sed 's/-lamperity//') -o "$work/c/smoke_static" || die "compile smoke.c (static)"
linked="$(ldd "$work/c/smoke")"
grep -q "libamperity.so => $libdir/libamperity.so" <<< "$linked" || { echo "$linked" >&2; die "smoke does not load the tarball's libamperity.so"; }
grep -q libamperity <<< "$(ldd "$work/c/smoke_static")" && die "smoke_static links libamperity dynamically"
(cd "$work" && env -u LD_LIBRARY_PATH "$work/c/smoke" "$base_url" "$version" "$segments") || die "C smoke test (shared)"
check_user_agents amperity-c
(cd "$work" && "$work/c/smoke_static" "$base_url" "$version" "$segments") || die "C smoke test (static)"
check_user_agents amperity-c

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

step "done"
echo "artifacts in $dist:"
(cd "$dist" && ls -l --time-style=+ | tail -n +2 | awk '{print "  " $5 "\t" $NF}')
echo "durations:"
printf '  %s\n' "${timings[@]}"
echo "release: all artifacts built and smoke-tested in $((SECONDS - started))s"
