# Sourced by every tests/*.sh (and .ci/run): decides where crates and Maven artifacts come from.
#
#   AMPERITY_OFFLINE=0      the ordinary registries only (the crate registry through cargo, Maven Central
#                           through mvn), as on any connected machine;
#   AMPERITY_OFFLINE=1      the offline caches only: no request to a crate registry or Maven repo;
#   AMPERITY_OFFLINE=auto   (default) the ordinary path first (`cargo fetch --locked`, from the local
#                           cache when it holds everything, else from the registry); the caches
#                           when that fails and they are present.
#   AMPERITY_OFFLINE_CACHE  where the caches are (default: ../shared/offline beside the checkout):
#                           crates.tar.gz (a `cargo vendor --versioned-dirs` tree), maven-repo.tar.gz
#                           (a Maven local repository) and SHA256SUMS.
#
# With the caches, they are unpacked once into target/offline/ (again only when SHA256SUMS
# changes), and then:
#   - CARGO_HOME is target/offline/cargo-home, whose config.toml replaces crates.io with the
#     vendored directory and sets net.offline (so maturin, Maven's cargo step and every nested
#     cargo see it too; Cargo.lock stays as it is);
#   - `mvn` on PATH is target/offline/bin/mvn: the real mvn with -o (offline; file:// repositories
#     still allowed) and the unpacked repository as the local repository (MAVEN_LOCAL_REPO names
#     it for scripts that seed a second local repository from it).
# Only the crates and artifacts of the cache set can be used then: a new dependency must be added
# to that set first (see README.md, "Building offline").
#
# Safe to source more than once: the first decision is exported and kept.

amperity_deps_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

amperity_use_caches() {
    local cache="$1" dest="$amperity_deps_root/target/offline"
    local stamp="$dest/SHA256SUMS"
    for f in crates.tar.gz maven-repo.tar.gz SHA256SUMS; do
        [ -f "$cache/$f" ] || { echo "deps: $cache/$f is missing" >&2; return 1; }
    done
    if ! cmp -s "$cache/SHA256SUMS" "$stamp"; then
        echo "deps: unpacking the offline caches from $cache into target/offline (once)" >&2
        (cd "$cache" && sha256sum --quiet -c SHA256SUMS) || { echo "deps: the caches fail SHA256SUMS" >&2; return 1; }
        rm -rf "$dest"
        mkdir -p "$dest"
        tar -xzf "$cache/crates.tar.gz" -C "$dest" && tar -xzf "$cache/maven-repo.tar.gz" -C "$dest" || {
            echo "deps: could not unpack the caches" >&2
            rm -rf "$dest"
            return 1
        }
        cp "$cache/SHA256SUMS" "$stamp"
    fi
    mkdir -p "$dest/cargo-home" "$dest/bin"
    cat > "$dest/cargo-home/config.toml" <<TOML
# Written by tests/deps.sh: crates come from the unpacked offline cache only.
[source.crates-io]
replace-with = "vendored-sources"
[source.vendored-sources]
directory = "$dest/vendor"
[net]
offline = true
TOML
    local real_mvn
    real_mvn="$(PATH="$(amperity_path_without "$dest/bin")" command -v mvn || true)"
    if [ -n "$real_mvn" ]; then
        cat > "$dest/bin/mvn" <<SH
#!/bin/sh
# Written by tests/deps.sh: Maven offline, against the unpacked repository only (file://
# repositories stay readable: they are local, e.g. the release smoke test's).
exec "$real_mvn" -o -Daether.offline.protocols=file -Dmaven.repo.local="$dest/repository" "\$@"
SH
        chmod +x "$dest/bin/mvn"
    fi
    export CARGO_HOME="$dest/cargo-home"
    export CARGO_NET_OFFLINE=true
    export MAVEN_LOCAL_REPO="$dest/repository"
    export PATH="$dest/bin:$PATH"
    # rustup's proxies stay where they were (PATH); only cargo's home moves.
    return 0
}

amperity_path_without() { # PATH without one directory
    local out="" part
    local IFS=:
    for part in $PATH; do
        [ "$part" = "$1" ] || out="${out:+$out:}$part"
    done
    printf '%s' "$out"
}

if [ -z "${AMPERITY_DEPS_MODE:-}" ]; then
    amperity_cache="${AMPERITY_OFFLINE_CACHE:-$(cd "$amperity_deps_root/.." && pwd)/shared/offline}"
    case "${AMPERITY_OFFLINE:-auto}" in
        1 | true | yes)
            amperity_use_caches "$amperity_cache" || { echo "deps: AMPERITY_OFFLINE=1 but the caches cannot be used" >&2; exit 1; }
            AMPERITY_DEPS_MODE=offline
            ;;
        0 | false | no)
            AMPERITY_DEPS_MODE=registries
            ;;
        auto | "")
            # The ordinary path: everything already in cargo's cache (no network), else the registry.
            if (cd "$amperity_deps_root" && cargo fetch --locked --offline >/dev/null 2>&1); then
                AMPERITY_DEPS_MODE=registries
            elif (cd "$amperity_deps_root" && CARGO_NET_RETRY=1 timeout 300 cargo fetch --locked >/dev/null 2>&1); then
                AMPERITY_DEPS_MODE=registries
            elif amperity_use_caches "$amperity_cache"; then
                echo "deps: the crate registry is not reachable: using the offline caches of $amperity_cache" >&2
                AMPERITY_DEPS_MODE=offline
            else
                echo "deps: cargo fetch failed and there are no usable offline caches (set AMPERITY_OFFLINE_CACHE)" >&2
                exit 1
            fi
            ;;
        *)
            echo "deps: AMPERITY_OFFLINE must be 0, 1 or auto, not '$AMPERITY_OFFLINE'" >&2
            exit 2
            ;;
    esac
    export AMPERITY_DEPS_MODE
    echo "deps: $AMPERITY_DEPS_MODE (crates and Maven artifacts from $([ "$AMPERITY_DEPS_MODE" = offline ] && echo "the caches in target/offline" || echo "the registries"))"
fi
