#!/usr/bin/env bash
# Regenerates the binding code that is written from the uniffi metadata of a built libamperity
# (the core's models and the `lists!` table of core/src/uniffi_api/pager.rs):
#   python  bindings/python/python/amperity/_schema.py   the model classes
#           bindings/python/python/amperity/_lists.py    the list resources
#   kotlin  bindings/kotlin/src/main/kotlin/com/amperity/sdk/Lists.kt
#           bindings/kotlin/src/main/kotlin/com/amperity/sdk/FutureResources.kt and
#           .../sdk/coroutines/CoroutineResources.kt: the async forms of every resource group,
#           derived from the Kotlin sources of the blocking groups (Lists.kt, Resources.kt,
#           Client.kt) by the Python script at the end of this file
#   python  bindings/python/python/amperity/_async_resources.py: the async resource groups,
#           derived from the blocking Client by bindings/python/generate_async.py (needs the
#           package importable: PYTHON names an interpreter that has it, default python3)
#   swift   bindings/swift/Sources/Amperity/Lists.swift
# Commit the results; each language's tests/<language>.sh runs this with --check and fails when
# a committed file differs from a fresh generation.
#
# Usage: bindings/generate.sh [--check] [--library LIBRARY] [LANGUAGE...]
#   --check    compare instead of writing (exit 1 and show the diff when stale)
#   LIBRARY    an unstripped libamperity.so (default: target/release/libamperity.so, built first)
#   LANGUAGE   python, kotlin or swift (default: all)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
check=0 library="" languages=()
while [ $# -gt 0 ]; do
    case "$1" in
        --check) check=1 ;;
        --library) library="$2"; shift ;;
        python|kotlin|swift) languages+=("$1") ;;
        *) echo "usage: bindings/generate.sh [--check] [--library LIBRARY] [python|kotlin|swift...]" >&2; exit 2 ;;
    esac
    shift
done
[ ${#languages[@]} -gt 0 ] || languages=(python kotlin swift)
if [ -z "$library" ]; then
    cargo build --quiet --locked --release -p amperity-ffi
    library="${CARGO_TARGET_DIR:-$root/target}/release/libamperity.so"
fi
targets=()
for language in "${languages[@]}"; do
    case "$language" in
        python) targets+=("python-models bindings/python/python/amperity/_schema.py"
                          "python-lists bindings/python/python/amperity/_lists.py") ;;
        kotlin) targets+=("kotlin-lists bindings/kotlin/src/main/kotlin/com/amperity/sdk/Lists.kt") ;;
        swift) targets+=("swift-lists bindings/swift/Sources/Amperity/Lists.swift") ;;
    esac
done
cargo build --quiet --locked -p uniffi-bindgen
bindgen="${CARGO_TARGET_DIR:-$root/target}/debug/uniffi-bindgen"
fresh="$(mktemp -d "${TMPDIR:-/tmp}/amperity-generated.XXXXXX")"
trap 'rm -rf "$fresh"' EXIT
stale=0
for target in "${targets[@]}"; do
    read -r command file <<<"$target"
    "$bindgen" "$command" "$library" "$fresh/out"
    if [ "$check" = 1 ]; then
        if ! diff -u "$file" "$fresh/out"; then
            echo "FAILED: $file is stale: run bindings/generate.sh" >&2
            stale=1
        fi
    else
        cp "$fresh/out" "$file"
        echo "wrote $file"
    fi
done
# The async forms, derived from the blocking layers' sources rather than the library.
compare_or_write() { # generated file, committed file
    if [ "$check" = 1 ]; then
        if ! diff -u "$2" "$1"; then
            echo "FAILED: $2 is stale: run bindings/generate.sh" >&2
            stale=1
        fi
    else
        cp "$1" "$2"
        echo "wrote $2"
    fi
}
for language in "${languages[@]}"; do
    case "$language" in
        kotlin)
            sdk=bindings/kotlin/src/main/kotlin/com/amperity/sdk
            python3 - "$sdk" "$fresh/futures" "$fresh/coroutines" <<'KOTLIN_ASYNC'
"""Writes the async forms of the Kotlin client's resource groups from its sources (Lists.kt,
Resources.kt, Client.kt): FutureResources.kt (CompletableFuture, no kotlinx) and
coroutines/CoroutineResources.kt (suspend functions and Flow). A method returning a PagedList
becomes a FuturePages / PagedFlow; any other a CancellableFuture / suspend function; the call
itself is the blocking method, run by AsyncCalls with a cancel token of its own.
Usage: python3 - SDK_DIR OUT_FUTURES OUT_COROUTINES"""
import re
import sys
from pathlib import Path

sdk = Path(sys.argv[1])
sources = {name: (sdk / name).read_text() for name in ("Lists.kt", "Resources.kt", "Client.kt")}


def split_params(text):
    out, depth, cur = [], 0, ""
    for i, ch in enumerate(text):
        if ch in "(<[{":
            depth += 1
        elif ch in ")]}" or (ch == ">" and text[i - 1] != "-"):
            depth -= 1
        if ch == "," and depth == 0:
            out.append(cur.strip())
            cur = ""
        else:
            cur += ch
    if cur.strip():
        out.append(cur.strip())
    return out


def class_bodies(text):
    """(name, base, body) of every top-level class."""
    out = []
    for match in re.finditer(r"^(?:abstract )?class (\w+)[^\n{]*?(?:: (\w+)\([^)]*\))?\s*\{", text, re.M):
        start = match.end()
        depth, i = 1, start
        while depth:
            depth += {"{": 1, "}": -1}.get(text[i], 0)
            i += 1
        out.append((match.group(1), match.group(2), text[start : i - 1]))
    return out


FUN = re.compile(r"\n()((?:    @JvmOverloads\n)?)    fun (\w+)\(([^{}]*?)\):\s*([\w<>?, .]+?)\s*(?:=|\{)")

classes = {}
for text in sources.values():
    for name, base, body in class_bodies(text):
        methods = []
        for m in FUN.finditer("\n" + body):
            doc, overloads, fname, params, returns = m.groups()
            methods.append((fname, [p for p in split_params(params)], returns.strip(), bool(overloads)))
        classes[name] = (base, methods)

groups = re.findall(r"^    val (\w+): (\w+) by lazy", sources["Lists.kt"], re.M)
groups += re.findall(r"^    val (\w+): (\w+) = \w+\(this\)", sources["Client.kt"], re.M)
groups.sort()

imports = set()
for text in sources.values():
    imports.update(line for line in text.splitlines() if line.startswith("import ") and "ffi.Client as FfiClient" not in line)


def methods_of(cls):
    base, methods = classes[cls]
    inherited = methods_of(base) if base in classes else []
    return sorted(inherited + methods)


def param_name(p):
    return p.split(":", 1)[0].strip()


def render(fname, params, returns, overloads, target, style):
    call = f"it{target}.{fname}({', '.join(f'{param_name(p)} = {param_name(p)}' for p in params)})"
    paged = returns.startswith("PagedList<")
    item = returns[len("PagedList<") : -1] if paged else None
    lines = ["", f"    /** The async form of the blocking `{fname}` (same arguments, same results). */"]
    if overloads and style == "futures":
        lines.append("    @JvmOverloads")
    sig = ", ".join(params)
    if style == "futures":
        if paged:
            lines.append(f"    fun {fname}({sig}): FuturePages<{item}> = calls.pages {{ {call} }}")
        else:
            lines.append(f"    fun {fname}({sig}): CancellableFuture<{returns}> = calls.submit {{ {call} }}")
    else:
        if paged:
            lines.append(f"    fun {fname}({sig}): PagedFlow<{item}> = PagedFlow(calls) {{ {call} }}")
        else:
            lines.append(f"    suspend fun {fname}({sig}): {returns} = calls.submit {{ {call} }}.await()")
    return lines


def client_methods():
    out = []
    for m in FUN.finditer(sources["Client.kt"]):
        doc, overloads, fname, params, returns = m.groups()
        if fname in ("raw", "rawPages"):
            out.append((fname, split_params(params), returns.strip(), bool(overloads)))
    return out


def generate(style):
    prefix = "Future" if style == "futures" else "Async"
    package = "com.amperity.sdk" if style == "futures" else "com.amperity.sdk.coroutines"
    head = [
        "// Generated by bindings/generate.sh from Lists.kt, Resources.kt and Client.kt (the blocking",
        "// resource groups). Do not edit: tests/kotlin.sh fails when this file differs from a fresh",
        "// generation.",
        f"package {package}",
        "",
    ]
    imps = set(imports)
    if style == "coroutines":
        imps |= {"import com.amperity.sdk.*", "import kotlinx.coroutines.future.await"}
    body = []
    for attr, cls in groups:
        body += ["", f"/** [{cls}] of the async client (`{attr}`): each call runs on the client's executor with its own cancel token. */"]
        body.append(f"class {prefix}{cls} internal constructor(private val calls: AsyncCalls) {{")
        first = True
        for fname, params, returns, overloads in methods_of(cls):
            lines = render(fname, params, returns, overloads, f".{attr}", style)
            body += lines[1:] if first else lines
            first = False
        body.append("}")
    base = f"{prefix}Resources"
    body += ["", "/** The resource groups and request methods of the async client. */",
             f"abstract class {base} internal constructor() {{",
             "    /** Runs the calls: the executor, and `submit` for any blocking call with a cancel token. */",
             "    abstract val calls: AsyncCalls"]
    for attr, cls in groups:
        body += ["", f"    /** [{cls}], asynchronously. */", f"    val {attr}: {prefix}{cls} by lazy {{ {prefix}{cls}(calls) }}"]
    for fname, params, returns, overloads in client_methods():
        body += render(fname, params, returns, overloads, "", style)
    body.append("}")
    return "\n".join(head + sorted(imps) + body) + "\n"


Path(sys.argv[2]).write_text(generate("futures"))
Path(sys.argv[3]).write_text(generate("coroutines"))
KOTLIN_ASYNC
            compare_or_write "$fresh/futures" "$sdk/FutureResources.kt"
            compare_or_write "$fresh/coroutines" "$sdk/coroutines/CoroutineResources.kt"
            ;;
        python)
            if [ "$check" = 1 ]; then
                "${PYTHON:-python3}" bindings/python/generate_async.py --check || stale=1
            else
                "${PYTHON:-python3}" bindings/python/generate_async.py
            fi
            ;;
    esac
done
exit "$stale"
