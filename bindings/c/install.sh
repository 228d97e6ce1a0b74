#!/usr/bin/env bash
# Installs the Amperity C SDK under a prefix (also how the release's C packages are laid out):
#   PREFIX/include/amperity.h
#   PREFIX/lib/libamperity.so | .dylib   (Windows: PREFIX/bin/amperity.dll + lib/libamperity.dll.a)
#   PREFIX/lib/libamperity.a
#   PREFIX/lib/pkgconfig/amperity.pc          shared:  cc app.c $(pkg-config --cflags --libs amperity)
#   PREFIX/lib/pkgconfig/amperity-static.pc   static:  cc app.c $(pkg-config --static --cflags --libs amperity-static)
#   PREFIX/lib/cmake/amperity/                find_package(amperity): amperity::amperity, amperity::amperity_static
#   PREFIX/bin/amperity-mock                  the bundled mock server, when built (--with-mock)
#   PREFIX/bin/amperity                       the command-line tool, when built (--with-cli)
# Both .pc files and the CMake files find the prefix from their own location: the tree can move.
#
# Usage: bindings/c/install.sh --prefix DIR [--no-build] [--from DIR] [--platform NAME] [--with-mock] [--with-cli]
#   --from DIR       install the libraries of DIR (e.g. target/aarch64-unknown-linux-gnu/release, as
#                    tests/platforms/lib.sh builds them) instead of target/release; implies --no-build
#   --platform NAME  the platform of those libraries (a row of tests/platforms/targets.tsv: its
#                    file names); default: this machine's linux-x86_64
#   --with-mock      also install the mock server built beside the libraries (DIR/amperity-mock)
#   --with-cli       also install the command-line tool built beside them (DIR/amperity)
# Needs: cargo (builds the release library first unless --no-build).
set -euo pipefail

usage() { sed -n '2,22p' "$0" | sed 's/^# \{0,1\}//'; }

prefix=""
build=1
from=""
platform=linux-x86_64
with_mock=0
with_cli=0
while [ $# -gt 0 ]; do
    case "$1" in
        --prefix) prefix="${2:?--prefix needs a directory}"; shift 2 ;;
        --prefix=*) prefix="${1#--prefix=}"; shift ;;
        --no-build) build=0; shift ;;
        --from) from="${2:?--from needs a directory}"; build=0; shift 2 ;;
        --platform) platform="${2:?--platform needs a name}"; shift 2 ;;
        --with-mock) with_mock=1; shift ;;
        --with-cli) with_cli=1; shift ;;
        -h|--help) usage; exit 0 ;;
        *) echo "install.sh: unknown argument: $1" >&2; usage >&2; exit 2 ;;
    esac
done
[ -n "$prefix" ] || { echo "install.sh: --prefix DIR is required" >&2; usage >&2; exit 2; }
mkdir -p "$prefix"
prefix="$(cd "$prefix" && pwd)"

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
source "$root/tests/platforms/lib.sh"
library="$(platform_field "$platform" library)"
target_dir="${CARGO_TARGET_DIR:-$root/target}"
release="${from:-$target_dir/release}"
native_cache="$release/amperity-native-static-libs.txt"

cd "$root"
if [ "$build" = 1 ]; then
    # The library, and the system libraries a static link needs as rustc reports them.
    out="$(cargo rustc --release -p amperity-ffi --lib -- --print native-static-libs 2>&1)" || {
        printf '%s\n' "$out" >&2
        exit 1
    }
    printf '%s\n' "$out" | sed -n 's/.*native-static-libs: //p' | tail -n 1 > "$native_cache"
fi
[ -s "$native_cache" ] || { echo "install.sh: $native_cache is missing (run without --no-build)" >&2; exit 1; }
# Deduplicate, keeping the last occurrence of each flag (link order: -lc stays last); a
# "-framework X" pair stays one flag.
native="$(sed 's/-framework /-framework:/g' "$native_cache" | tr ' ' '\n' | grep -v '^$' | tac | awk '!seen[$0]++' | tac |
    tr '\n' ' ' | sed -e 's/ $//' -e 's/-framework:/-framework /g')"

case "$library" in
    *.dll) shared_dir=bin; files=("$release/$library" "$release/libamperity.dll.a") ;;
    *) shared_dir=lib; files=("$release/$library") ;;
esac
files+=("$release/libamperity.a" "$root/include/amperity.h")
exe=""
[[ "$library" == *.dll ]] && exe=.exe
mock="$release/amperity-mock$exe"
cli="$release/amperity$exe"
[ "$with_mock" = 1 ] && files+=("$mock")
[ "$with_cli" = 1 ] && files+=("$cli")
for f in "${files[@]}"; do
    [ -f "$f" ] || { echo "install.sh: $f is missing (run without --no-build)" >&2; exit 1; }
done

version="$(sed -n 's/^#define AMPERITY_VERSION_STRING "\(.*\)"$/\1/p' "$root/include/amperity.h")"
[ -n "$version" ] || { echo "install.sh: no AMPERITY_VERSION_STRING in include/amperity.h" >&2; exit 1; }

install -d "$prefix/include" "$prefix/lib/pkgconfig" "$prefix/lib/cmake/amperity" "$prefix/$shared_dir"
install -m 0644 "$root/include/amperity.h" "$prefix/include/amperity.h"
install -m 0755 "$release/$library" "$prefix/$shared_dir/$library"
[[ "$library" == *.dll ]] && install -m 0644 "$release/libamperity.dll.a" "$prefix/lib/libamperity.dll.a"
install -m 0644 "$release/libamperity.a" "$prefix/lib/libamperity.a"
# The windows-targets crates reach Windows' DLLs through an import library of their own
# (-lwindows.0.52.0, in the windows_x86_64_gnu crate), which a static link needs too: it goes
# into lib/ beside libamperity.a, and the static flags name it by its path.
for flag in $native; do
    case "$flag" in
        -lwindows.*)
            name="lib${flag#-l}.a"
            found="$(find "${CARGO_HOME:-$HOME/.cargo}"/registry/src -path "*/windows_x86_64_gnu-*/lib/$name" 2>/dev/null | sort | tail -n 1)"
            [ -n "$found" ] || { echo "install.sh: $name (behind $flag) is not in the cargo registry" >&2; exit 1; }
            install -m 0644 "$found" "$prefix/lib/$name"
            native="${native/$flag/\${libdir\}/$name}"
            ;;
    esac
done
for program in mock cli; do
    [ "$(eval echo "\$with_$program")" = 1 ] || continue
    install -d "$prefix/bin"
    install -m 0755 "${!program}" "$prefix/bin/$(basename "${!program}")"
done

pc_head="prefix=\${pcfiledir}/../..
exec_prefix=\${prefix}
libdir=\${prefix}/lib
includedir=\${prefix}/include
"
cat > "$prefix/lib/pkgconfig/amperity.pc" <<PC
${pc_head}
Name: amperity
Description: Amperity SDK: C API for the Amperity control-plane API
Version: $version
URL: https://github.com/amperity-sdk/amperity-sdk
Cflags: -I\${includedir}
Libs: -L\${libdir} -lamperity
Libs.private: $native
PC
cat > "$prefix/lib/pkgconfig/amperity-static.pc" <<PC
${pc_head}
Name: amperity-static
Description: Amperity SDK: C API for the Amperity control-plane API, linked statically
Version: $version
URL: https://github.com/amperity-sdk/amperity-sdk
Cflags: -I\${includedir}
Libs: \${libdir}/libamperity.a
Libs.private: $native
PC

# CMake: the system libraries as a list (-lm -> m; "-framework X" stays whole).
cmake_native="$(printf '%s\n' "$native" | sed -e 's/-framework /-framework:/g' | tr ' ' '\n' | sed -e 's/^-l//' -e 's/-framework:/-framework /' | paste -sd ';' |
    sed -e 's#[$]{libdir}#${_amperity_prefix}/lib#g')"
shared_location="\${_amperity_prefix}/$shared_dir/$library"
implib=""
[[ "$library" == *.dll ]] && implib="
    IMPORTED_IMPLIB \"\${_amperity_prefix}/lib/libamperity.dll.a\""
cat > "$prefix/lib/cmake/amperity/amperityConfig.cmake" <<CMAKE
# CMake package of the Amperity C SDK $version (written by bindings/c/install.sh).
#   find_package(amperity $version REQUIRED)
#   target_link_libraries(app PRIVATE amperity::amperity)          # shared library
#   target_link_libraries(app PRIVATE amperity::amperity_static)   # static library
# The prefix is found from this file's location, so the installed tree can move.
get_filename_component(_amperity_prefix "\${CMAKE_CURRENT_LIST_DIR}/../../.." ABSOLUTE)
if(NOT TARGET amperity::amperity)
  add_library(amperity::amperity SHARED IMPORTED)
  set_target_properties(amperity::amperity PROPERTIES
    IMPORTED_LOCATION "$shared_location"$implib
    INTERFACE_INCLUDE_DIRECTORIES "\${_amperity_prefix}/include")
  add_library(amperity::amperity_static STATIC IMPORTED)
  set_target_properties(amperity::amperity_static PROPERTIES
    IMPORTED_LOCATION "\${_amperity_prefix}/lib/libamperity.a"
    INTERFACE_INCLUDE_DIRECTORIES "\${_amperity_prefix}/include"
    INTERFACE_LINK_LIBRARIES "$cmake_native")
endif()
set(amperity_MOCK "\${_amperity_prefix}/bin/$(basename "$mock")")
if(NOT EXISTS "\${amperity_MOCK}")
  unset(amperity_MOCK)
endif()
unset(_amperity_prefix)
CMAKE
cat > "$prefix/lib/cmake/amperity/amperityConfigVersion.cmake" <<CMAKE
# Version check of the Amperity C SDK package: before 1.0 a minor version may break the API, so
# a request is met by the same major.minor with an equal or newer patch.
set(PACKAGE_VERSION "$version")
if(PACKAGE_FIND_VERSION VERSION_GREATER PACKAGE_VERSION)
  set(PACKAGE_VERSION_COMPATIBLE FALSE)
elseif(PACKAGE_FIND_VERSION_MAJOR STREQUAL "$(echo "$version" | cut -d. -f1)" AND
       ("$(echo "$version" | cut -d. -f1)" STRGREATER "0" OR PACKAGE_FIND_VERSION_MINOR STREQUAL "$(echo "$version" | cut -d. -f2)"))
  set(PACKAGE_VERSION_COMPATIBLE TRUE)
  if(PACKAGE_FIND_VERSION STREQUAL PACKAGE_VERSION)
    set(PACKAGE_VERSION_EXACT TRUE)
  endif()
else()
  set(PACKAGE_VERSION_COMPATIBLE FALSE)
endif()
CMAKE

echo "installed amperity $version ($platform) under $prefix"
echo "  $prefix/include/amperity.h"
echo "  $prefix/$shared_dir/$library, $prefix/lib/libamperity.a"
echo "  $prefix/lib/pkgconfig/amperity.pc, amperity-static.pc (Libs.private: $native)"
echo "  $prefix/lib/cmake/amperity/amperityConfig.cmake"
[ "$with_mock" = 1 ] && echo "  $prefix/bin/$(basename "$mock")"
[ "$with_cli" = 1 ] && echo "  $prefix/bin/$(basename "$cli")"
exit 0
