#!/usr/bin/env bash
# Installs the Amperity C SDK under a prefix:
#   PREFIX/include/amperity.h
#   PREFIX/lib/libamperity.so, PREFIX/lib/libamperity.a
#   PREFIX/lib/pkgconfig/amperity.pc
# then a C program builds with:  cc app.c $(pkg-config --cflags --libs amperity)
#   (static: cc app.c $(pkg-config --cflags amperity) PREFIX/lib/libamperity.a $(pkg-config --libs --static amperity | sed 's/-lamperity//'))
#
# Usage: bindings/c/install.sh --prefix DIR [--libdir DIR] [--no-build]
# Needs: cargo (builds the release library first unless --no-build).
set -euo pipefail

usage() { sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//'; }

prefix=""
libdir=""
build=1
while [ $# -gt 0 ]; do
    case "$1" in
        --prefix) prefix="${2:?--prefix needs a directory}"; shift 2 ;;
        --prefix=*) prefix="${1#--prefix=}"; shift ;;
        --libdir) libdir="${2:?--libdir needs a directory}"; shift 2 ;;
        --libdir=*) libdir="${1#--libdir=}"; shift ;;
        --no-build) build=0; shift ;;
        -h|--help) usage; exit 0 ;;
        *) echo "install.sh: unknown argument: $1" >&2; usage >&2; exit 2 ;;
    esac
done
[ -n "$prefix" ] || { echo "install.sh: --prefix DIR is required" >&2; usage >&2; exit 2; }
mkdir -p "$prefix"
prefix="$(cd "$prefix" && pwd)"
libdir="${libdir:-$prefix/lib}"

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
target_dir="${CARGO_TARGET_DIR:-$root/target}"
release="$target_dir/release"
native_cache="$release/amperity-native-static-libs.txt"
# What Rust's std needs on glibc Linux; used only if rustc's answer is unavailable.
native_default="-lgcc_s -lutil -lrt -lpthread -lm -ldl -lc"

cd "$root"
if [ "$build" = 1 ]; then
    cargo build --release -p amperity-ffi
    # Ask rustc which system libraries a static link needs (this relinks the library once).
    out="$(cargo rustc --release -p amperity-ffi --lib -- --print native-static-libs 2>&1)" || {
        printf '%s\n' "$out" >&2
        exit 1
    }
    line="$(printf '%s\n' "$out" | sed -n 's/.*native-static-libs: //p' | tail -n 1)"
    if [ -n "$line" ]; then
        printf '%s\n' "$line" > "$native_cache"
    fi
fi
native="$native_default"
if [ -s "$native_cache" ]; then
    native="$(cat "$native_cache")"
fi
# Deduplicate, keeping the last occurrence of each flag (link order: -lc stays last).
native="$(printf '%s\n' $native | tac | awk '!seen[$0]++' | tac | tr '\n' ' ' | sed 's/ $//')"

for f in "$release/libamperity.so" "$release/libamperity.a" "$root/include/amperity.h"; do
    [ -f "$f" ] || { echo "install.sh: $f is missing (run without --no-build)" >&2; exit 1; }
done

version="$(sed -n 's/^#define AMPERITY_VERSION_STRING "\(.*\)"$/\1/p' "$root/include/amperity.h")"
[ -n "$version" ] || { echo "install.sh: no AMPERITY_VERSION_STRING in include/amperity.h" >&2; exit 1; }

install -d "$prefix/include" "$libdir" "$libdir/pkgconfig"
install -m 0644 "$root/include/amperity.h" "$prefix/include/amperity.h"
install -m 0755 "$release/libamperity.so" "$libdir/libamperity.so"
install -m 0644 "$release/libamperity.a" "$libdir/libamperity.a"

cat > "$libdir/pkgconfig/amperity.pc" <<PC
prefix=$prefix
exec_prefix=\${prefix}
libdir=$libdir
includedir=\${prefix}/include

Name: amperity
Description: Amperity SDK: C API for the Amperity control-plane API
Version: $version
URL: https://github.com/amperity-sdk/amperity-sdk
Cflags: -I\${includedir}
Libs: -L\${libdir} -lamperity
Libs.private: $native
PC

echo "installed amperity $version under $prefix"
echo "  $prefix/include/amperity.h"
echo "  $libdir/libamperity.so"
echo "  $libdir/libamperity.a"
echo "  $libdir/pkgconfig/amperity.pc (Libs.private: $native)"
