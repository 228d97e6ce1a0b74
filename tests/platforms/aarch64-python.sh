#!/usr/bin/env bash
# An aarch64 CPython for tests on this x86_64 machine: Debian's arm64 packages of python3.11 and
# the libraries its standard library loads, unpacked (dpkg -x, nothing installed) into
# target/platforms/aarch64-python and run under qemu-aarch64 with Debian's arm64 cross libc.
#
#   tests/platforms/aarch64-python.sh [PYTHON ARGUMENTS...]
#
# The first run adds the arm64 architecture to dpkg (apt-get update), downloads the packages and
# unpacks them; later runs reuse the folder.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
dest="$root/target/platforms/aarch64-python"
packages=(python3.11-minimal libpython3.11-minimal libpython3.11-stdlib libffi8 zlib1g libexpat1
          libssl3 libbz2-1.0 liblzma5 libuuid1 libcrypt1 libsqlite3-0)
if [ ! -x "$dest/usr/bin/python3.11" ]; then
    command -v qemu-aarch64 >/dev/null && [ -d /usr/aarch64-linux-gnu/lib ] ||
        DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends qemu-user libc6-arm64-cross >/dev/null
    if ! dpkg --print-foreign-architectures | grep -qx arm64; then
        dpkg --add-architecture arm64
    fi
    apt-get -o DPkg::Lock::Timeout=600 update -qq
    debs="$(mktemp -d)"
    (cd "$debs" && apt-get download -qq "${packages[@]/%/:arm64}") >&2
    rm -rf "$dest.partial"
    mkdir -p "$dest.partial"
    for deb in "$debs"/*.deb; do dpkg -x "$deb" "$dest.partial"; done
    rm -rf "$debs" "$dest"
    mv "$dest.partial" "$dest"
fi
export PYTHONHOME="$dest/usr" PYTHONNOUSERSITE=1
exec qemu-aarch64 -L /usr/aarch64-linux-gnu \
    -E LD_LIBRARY_PATH="$dest/usr/lib/aarch64-linux-gnu:$dest/lib/aarch64-linux-gnu" \
    "$dest/usr/bin/python3.11" "$@"
