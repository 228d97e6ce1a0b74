#!/usr/bin/env python3
"""Checks a built native library (or program) against its row of tests/platforms/targets.tsv by
reading its headers, not its file name: the object format and machine, the system libraries it
links (only the platform's own), the oldest OS it needs (glibc version, macOS minimum) and, for
libraries, that it exports exactly the C API and uniffi symbols of a reference library.

    inspect.py PLATFORM FILE [--exports-like REFERENCE] [--program] [--allow LIBRARY]...

--allow names one more library the file may link (a program built against the shared SDK library).

Prints one line describing the file; exits 1 with the reasons when a check fails. Uses LLVM's
readers (Debian llvm-14: llvm-readobj-14, llvm-objdump-14, llvm-nm-14), which read every format.
"""
import os
import re
import subprocess
import sys

LLVM = "14"

# What each platform's binaries may link: the C library and the system's own libraries only.
ALLOWED = {
    "gnu": {"libc.so.6", "libm.so.6", "libgcc_s.so.1", "libpthread.so.0", "libdl.so.2", "librt.so.1",
            "libutil.so.1", "ld-linux-x86-64.so.2", "ld-linux-aarch64.so.1"},
    "musl": {"libc.so", "libc.musl-x86_64.so.1", "libc.musl-aarch64.so.1"},
    "darwin": {"/usr/lib/libSystem.B.dylib", "/usr/lib/libiconv.2.dylib", "/usr/lib/libcharset.1.dylib", "/usr/lib/libc++.1.dylib",
               "/usr/lib/libresolv.9.dylib"},
    # Windows' own DLLs (MinGW's libgcc and winpthread must be linked in statically).
    "windows": {"kernel32.dll", "ws2_32.dll", "bcrypt.dll", "ntdll.dll", "advapi32.dll", "userenv.dll",
                "crypt32.dll", "secur32.dll", "ncrypt.dll", "ole32.dll", "oleaut32.dll", "msvcrt.dll",
                "user32.dll", "shell32.dll", "bcryptprimitives.dll", "combase.dll"},
}
EXPECT = {  # platform: (format word in llvm-readobj's header, machine, libc family)
    "linux-x86_64": ("elf64-x86-64", "EM_X86_64", "gnu"),
    "linux-aarch64": ("elf64-littleaarch64", "EM_AARCH64", "gnu"),
    "linux-x86_64-musl": ("elf64-x86-64", "EM_X86_64", "musl"),
    "linux-aarch64-musl": ("elf64-littleaarch64", "EM_AARCH64", "musl"),
    "macos-arm64": ("Mach-O arm64", "CpuType: Arm64", "darwin"),
    "macos-x86_64": ("Mach-O 64-bit x86-64", "CpuType: X86-64", "darwin"),
    "windows-x86_64": ("COFF-x86-64", "IMAGE_FILE_MACHINE_AMD64", "windows"),
}
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from inspect_table import row  # noqa: E402


def minimum(platform):
    """The `minimum` column of the platform's row, e.g. ("glibc", "2.17") or ("macos", "11.0")."""
    system, _, version = row(platform)["minimum"].partition("-")
    return system, version


def run(*args):
    return subprocess.run(args, check=True, capture_output=True, text=True).stdout


def exports(path, family):
    if family == "windows":
        out = " ".join(re.findall(r"Name: (\S+)", run(f"llvm-readobj-{LLVM}", "--coff-exports", path)))
    else:
        # ELF: the dynamic symbol table (what the loader exports; a stripped library has no other).
        dynamic = ["--dynamic"] if family in ("gnu", "musl") else []
        out = run(f"llvm-nm-{LLVM}", *dynamic, "--defined-only", "--extern-only", "--format=just-symbols", path)
    names = set()
    for name in out.split():
        if family == "darwin":
            name = name[1:] if name.startswith("_") else name
        if re.match(r"(amperity_|uniffi_|ffi_amperity)", name):
            names.add(name)
    return names


def main(argv):
    program = "--program" in argv
    argv = [a for a in argv if a != "--program"]
    reference = None
    allowed = set()
    while "--allow" in argv:
        i = argv.index("--allow")
        allowed.add(argv[i + 1].lower())
        del argv[i:i + 2]
    if "--exports-like" in argv:
        i = argv.index("--exports-like")
        reference = argv[i + 1]
        del argv[i:i + 2]
    platform, path = argv
    fmt, machine, family = EXPECT[platform]
    problems, facts = [], []
    header = run(f"llvm-readobj-{LLVM}", "--file-headers", path)
    if f"Format: {fmt}" not in header:
        problems.append(f"format is not {fmt}: {re.search(r'Format: (.*)', header).group(1)}")
    if machine not in header:
        problems.append(f"machine is not {machine}")
    facts.append(fmt)

    if family in ("gnu", "musl"):
        dyn = run(f"llvm-readobj-{LLVM}", "--needed-libs", path)
        needed = re.findall(r"^\s+(\S+\.so[.\d]*)\s*$", dyn, re.M)
        facts.append("needs " + ",".join(needed))
        bad = [n for n in needed if n not in ALLOWED[family] | allowed]
        if bad:
            problems.append(f"links libraries outside the {family} C library: {bad}")
        if family == "musl" and not any("musl" in n or n == "libc.so" for n in needed) and not program:
            problems.append("no musl C library among the needed libraries")
        versions = run(f"llvm-readelf-{LLVM}", "-V", path)
        glibc = sorted({tuple(int(x) for x in v.split(".")) for v in re.findall(r"GLIBC_(\d+(?:\.\d+)+)", versions)})
        if family == "musl" and glibc:
            problems.append("a musl library with glibc symbol versions")
        if family == "gnu":
            newest = glibc[-1] if glibc else None
            facts.append(f"glibc >= {'.'.join(map(str, newest)) if newest else '?'}")
            oldest = tuple(int(x) for x in minimum(platform)[1].split("."))
            if newest is None or newest > oldest:
                problems.append(f"needs glibc {newest}, more than the table's {oldest}")
    elif family == "darwin":
        heads = run(f"llvm-objdump-{LLVM}", "--macho", "--private-headers", path)
        build = re.search(r"cmd LC_BUILD_VERSION.*?platform (\S+).*?minos (\S+)", heads, re.S)
        legacy = re.search(r"cmd LC_VERSION_MIN_MACOSX.*?version (\S+)", heads, re.S)
        minos = build.group(2) if build else legacy.group(1) if legacy else None
        plat = build.group(1) if build else "MACOS" if legacy else None
        facts.append(f"platform {plat} minos {minos}")
        expected = minimum(platform)[1]
        if plat not in ("1", "MACOS", "macos") or minos != expected:
            problems.append(f"platform {plat} minimum {minos}, expected macOS {expected}")
        ident = re.search(r"cmd LC_ID_DYLIB.*?name (\S+)", heads, re.S)
        if ident and not ident.group(1).startswith("@rpath/"):
            problems.append(f"install name {ident.group(1)} is not @rpath/...")
        dylibs = re.findall(r"cmd LC_LOAD_DYLIB.*?name (\S+)", heads, re.S)
        facts.append("links " + ",".join(d.rsplit("/", 1)[-1] for d in dylibs))
        bad = [d for d in dylibs if d not in ALLOWED["darwin"] | allowed]
        if bad:
            problems.append(f"links libraries outside macOS's own: {bad}")
    else:
        imports = run(f"llvm-readobj-{LLVM}", "--coff-imports", path)
        dlls = sorted({d.lower() for d in re.findall(r"Name: (\S+\.dll)", imports, re.I)})
        facts.append("imports " + ",".join(dlls))
        bad = [d for d in dlls if d not in ALLOWED["windows"] | allowed and not d.startswith("api-ms-win-")]
        if bad:
            problems.append(f"imports DLLs that are not Windows' own: {bad}")

    if reference and not program:
        ours, theirs = exports(path, family), exports(reference, "gnu")
        facts.append(f"{len(ours)} C API and uniffi exports")
        if ours != theirs:
            problems.append(f"exports differ from {reference}: missing {sorted(theirs - ours)[:5]}, "
                            f"extra {sorted(ours - theirs)[:5]}")
    print(f"{platform}: {path.rsplit('/', 1)[-1]}: " + "; ".join(facts))
    if problems:
        for p in problems:
            print(f"  FAILED: {p}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
