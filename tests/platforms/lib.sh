# Sourced by tests/platforms.sh and tests/release.sh: the platform table (targets.tsv) and the
# one way every platform's native code is built and run here.
#
#   platform_names                   every platform of the table, in its order
#   platform_field PLATFORM FIELD    one column of a row (see the header of targets.tsv)
#   platform_build PLATFORM PROFILE PACKAGE...
#                                    cargo-zigbuild of the packages for the platform's target
#                                    (features as the table says); prints the output directory
#   platform_cargo_env PLATFORM      exports the linker, C compiler and runner that `cargo test
#                                    --target` needs for the platform (Debian's cross compilers,
#                                    qemu-user, wine), after installing them (apt) when missing
#   platform_run PLATFORM CMD...     runs a program built for the platform (qemu-aarch64, wine)
#   platform_tools                   puts zig (PyPI ziglang) and cargo-zigbuild on PATH, from the
#                                    pins of tests/platforms/requirements.txt, in a venv under target/

platforms_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
platforms_table="$platforms_root/tests/platforms/targets.tsv"

platform_names() {
    grep -v '^#' "$platforms_table" | cut -f1
}

platform_field() { # platform, field name
    local column
    case "$2" in
        platform) column=1 ;; rust) column=2 ;; cargo) column=3 ;; features) column=4 ;;
        wheel) column=5 ;; jna) column=6 ;; library) column=7 ;; runner) column=8 ;; minimum) column=9 ;;
        note) column=10 ;;
        *) echo "platforms: no field '$2' in targets.tsv" >&2; return 2 ;;
    esac
    local value
    value="$(grep -v '^#' "$platforms_table" | awk -F'\t' -v p="$1" -v c="$column" '$1 == p { print $c }')"
    [ -n "$value" ] || { echo "platforms: no platform '$1' in targets.tsv ($(platform_names | tr '\n' ' '))" >&2; return 2; }
    printf '%s\n' "$value"
}

platform_tools() {
    local venv="$platforms_root/target/platforms-venv"
    local pins="$platforms_root/tests/platforms/requirements.txt"
    if [ ! -x "$venv/bin/cargo-zigbuild" ] || ! cmp -s "$pins" "$venv/requirements.txt"; then
        "${PYTHON:-python3}" -m venv "$venv"
        "$venv/bin/python" -m pip install -q --disable-pip-version-check -r "$pins" || return 1
        cp "$pins" "$venv/requirements.txt"
    fi
    case ":$PATH:" in *":$venv/bin:"*) ;; *) export PATH="$venv/bin:$PATH" ;; esac
}

# Rust's standard library for a target: rustup adds it where its server answers; a toolchain
# without rustup (an offline machine) must already have it.
platform_rust_target() { # rust triple
    rustc --print sysroot >/dev/null
    if [ -d "$(rustc --print sysroot)/lib/rustlib/$1" ]; then return 0; fi
    rustup target add "$1" >/dev/null 2>&1 || {
        echo "platforms: the Rust standard library for $1 is not installed and rustup cannot add it" >&2
        return 1
    }
}

platform_build() { # platform, cargo profile, packages...
    local platform=$1 profile=$2
    shift 2
    local rust cargo_target features args=()
    rust="$(platform_field "$platform" rust)" || return 2
    cargo_target="$(platform_field "$platform" cargo)" || return 2
    features="$(platform_field "$platform" features)" || return 2
    platform_rust_target "$rust" || return 1
    platform_tools || return 1
    [ "$features" = no-default ] && args+=(--no-default-features)
    local dir=$profile
    [ "$profile" = dev ] && dir=debug
    local out="${CARGO_TARGET_DIR:-$platforms_root/target}/$rust/$dir"
    # No absolute path of this machine in what is shipped: the checkout and cargo's home are
    # renamed in file names that panics and debug info carry.
    local cargo_home="${CARGO_HOME:-$HOME/.cargo}" minimum
    minimum="$(platform_field "$platform" minimum)"
    case "$minimum" in macos-*) export MACOSX_DEPLOYMENT_TARGET="${minimum#macos-}" ;; esac
    export CARGO_ENCODED_RUSTFLAGS="--remap-path-prefix=$platforms_root=/amperity"$'\x1f'"--remap-path-prefix=$cargo_home=/cargo"
    local others=() package
    for package in "$@"; do
        if [ "$package" = amperity-ffi ]; then
            # The library, with the system libraries a static link needs as rustc reports them
            # (the pkg-config and CMake files of the C packages list them).
            mkdir -p "$out"
            # musl targets link statically by default, which has no shared library: the library
            # (only) is linked against musl's libc.so, as a musllinux wheel needs; the programs
            # (the mock server) stay static, so they run without a musl loader.
            local link=()
            [[ "$rust" == *-musl ]] && link=(-C target-feature=-crt-static)
            # macOS: the library's install name is where programs look for it (@rpath), not the
            # build machine's path that the linker writes by default.
            [[ "$rust" == *-apple-darwin ]] && link=(-C "link-arg=-Wl,-install_name,@rpath/libamperity.dylib")
            cargo-zigbuild rustc --locked --profile "$profile" --target "$cargo_target" -p amperity-ffi --lib \
                "${args[@]}" -- --print native-static-libs "${link[@]}" 2> "$out/amperity-build.log" ||
                { cat "$out/amperity-build.log" >&2; unset CARGO_ENCODED_RUSTFLAGS; return 1; }
            grep -v '^\s*Compiling\|^\s*Finished\|native-static-libs\|^note: Link against' "$out/amperity-build.log" >&2 || true
            sed -n 's/.*native-static-libs: //p' "$out/amperity-build.log" | tail -n 1 > "$out/amperity-native-static-libs.txt"
            if [[ "$rust" == *-musl ]]; then
                # cargo decides from the target's default (static) that there is no shared
                # library to copy out of deps/: copy the one this build just linked.
                cp "$out/deps/libamperity.so" "$out/libamperity.so"
            fi
        else
            others+=(-p "$package")
        fi
    done
    if [ "${#others[@]}" -gt 0 ]; then
        # stdout is the output directory only: cargo's own report goes to stderr.
        cargo zigbuild --locked --profile "$profile" --target "$cargo_target" "${others[@]}" "${args[@]}" >&2 ||
            { unset CARGO_ENCODED_RUSTFLAGS; return 1; }
    fi
    unset CARGO_ENCODED_RUSTFLAGS
    printf '%s\n' "$out"
}

# Debian packages that build and run each foreign platform's programs.
platform_debian_packages() { # platform
    case "$1" in
        linux-aarch64) echo "gcc-aarch64-linux-gnu libc6-dev-arm64-cross qemu-user" ;;
        linux-aarch64-musl) echo "qemu-user" ;;
        linux-x86_64-musl) echo "musl-tools" ;;
        windows-x86_64) echo "gcc-mingw-w64-x86-64-posix wine64 zip" ;;
        inspect) echo "llvm-14" ;;   # tests/platforms/inspect.py and the release's strip
        *) echo "" ;;
    esac
}

platform_install_packages() { # platform
    local missing=() package
    for package in $(platform_debian_packages "$1"); do
        dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed' || missing+=("$package")
    done
    [ "${#missing[@]}" = 0 ] && return 0
    echo "platforms: apt-get install ${missing[*]}" >&2
    DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends "${missing[@]}" >/dev/null ||
        { apt-get -o DPkg::Lock::Timeout=600 update -qq && DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends "${missing[@]}" >/dev/null; }
}

platform_cargo_env() { # platform
    local platform=$1 rust upper
    rust="$(platform_field "$platform" rust)" || return 2
    platform_rust_target "$rust" || return 1
    platform_install_packages "$platform" || return 1
    upper="$(echo "$rust" | tr 'a-z-' 'A-Z_')"
    local lower=${rust//-/_}
    case "$platform" in
        linux-aarch64)
            export "CARGO_TARGET_${upper}_LINKER=aarch64-linux-gnu-gcc" "CC_${lower}=aarch64-linux-gnu-gcc"
            export "CARGO_TARGET_${upper}_RUNNER=qemu-aarch64 -L /usr/aarch64-linux-gnu" ;;
        linux-x86_64-musl)
            export "CC_${lower}=musl-gcc" ;;
        windows-x86_64)
            export "CARGO_TARGET_${upper}_LINKER=x86_64-w64-mingw32-gcc-posix" "CC_${lower}=x86_64-w64-mingw32-gcc-posix"
            export "CARGO_TARGET_${upper}_RUNNER=$platforms_root/tests/platforms/wine-run.sh" ;;
        linux-x86_64) ;;
        *) echo "platforms: no cargo test set-up for $platform" >&2; return 2 ;;
    esac
}

platform_run() { # platform, program, arguments...
    local platform=$1
    shift
    case "$(platform_field "$platform" runner)" in
        native) "$@" ;;
        qemu-aarch64)
            case "$platform" in
                *-musl) qemu-aarch64 "$@" ;;   # static musl programs need no sysroot
                *) qemu-aarch64 -L /usr/aarch64-linux-gnu "$@" ;;
            esac ;;
        wine) "$platforms_root/tests/platforms/wine-run.sh" "$@" ;;
        *) echo "platforms: $platform programs cannot run on this machine" >&2; return 2 ;;
    esac
}
