"""Assembles and checks the AmperityFFI.xcframework of tests/mobile.sh (xcodebuild and
`swift package compute-checksum` are not available on Linux).

  apple.py lipo OUT THIN_LIBRARY...             a universal library (llvm-lipo-14 crashes on Rust's
                                                 archives: their objects embed newer LLVM bitcode)
  apple.py assemble OUT.xcframework HEADERS_DIR ID=PLATFORM[-simulator]=LIBRARY...
  apple.py zip XCFRAMEWORK ZIP                   reproducible zip (fixed times, modes and order)
  apple.py check-slices XCFRAMEWORK ios=15.0 macos=12.0
  apple.py check-plist XCFRAMEWORK
  apple.py check-symbols XCFRAMEWORK GENERATED_SWIFT HEADER
  apple.py check-zip ZIP XCFRAMEWORK RELEASE_MANIFEST
Each check prints what it verified and exits 1 with the reasons when something is wrong.
"""

import hashlib
import os
import plistlib
import re
import shutil
import sys
import zipfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import macho

LIBRARY = "libamperity.a"
HEADERS = "Headers"
# 1980-01-01, the earliest time a zip entry can hold: no build time leaks into the checksum.
ZIP_TIME = (1980, 1, 1, 0, 0, 0)
# The platform an XCFramework slice declares, as the Mach-O objects name it.
SLICE_PLATFORM = {("ios", None): "ios", ("ios", "simulator"): "ios-simulator", ("macos", None): "macos"}


def fail(problems):
    for problem in problems:
        print(f"apple: FAILED: {problem}", file=sys.stderr)
    sys.exit(1)


def read_plist(xcframework):
    with open(os.path.join(xcframework, "Info.plist"), "rb") as f:
        return plistlib.load(f)


def assemble(out, headers, specs):
    """The folder xcodebuild -create-xcframework would write for these static libraries."""
    shutil.rmtree(out, ignore_errors=True)
    libraries = []
    for spec in specs:
        identifier, platform, library = spec.split("=", 2)
        platform, _, variant = platform.partition("-")
        with open(library, "rb") as f:
            archs = sorted(macho.slices(f.read()))
        expected = f"{platform}-{'_'.join(archs)}" + (f"-{variant}" if variant else "")
        if identifier != expected:
            fail([f"slice {identifier}: its libraries hold {archs}, so it is named {expected}"])
        os.makedirs(os.path.join(out, identifier))
        shutil.copyfile(library, os.path.join(out, identifier, LIBRARY))
        shutil.copytree(headers, os.path.join(out, identifier, HEADERS))
        entry = {
            "BinaryPath": LIBRARY,
            "HeadersPath": HEADERS,
            "LibraryIdentifier": identifier,
            "LibraryPath": LIBRARY,
            "SupportedArchitectures": archs,
            "SupportedPlatform": platform,
        }
        if variant:
            entry["SupportedPlatformVariant"] = variant
        libraries.append(entry)
    info = {"AvailableLibraries": libraries, "CFBundlePackageType": "XFWK", "XCFrameworkFormatVersion": "1.0"}
    with open(os.path.join(out, "Info.plist"), "wb") as f:
        plistlib.dump(info, f, sort_keys=True)
    print(f"apple: assembled {out} ({', '.join(e['LibraryIdentifier'] for e in libraries)})")


def files_under(folder):
    """Paths (relative, '/'-separated, sorted) of the files and folders below folder."""
    result = []
    for base, dirs, files in os.walk(folder):
        dirs.sort()
        for name in dirs + sorted(files):
            path = os.path.join(base, name)
            result.append(os.path.relpath(path, os.path.dirname(folder)).replace(os.sep, "/"))
    return sorted(result)


def make_zip(xcframework, out):
    root = os.path.dirname(os.path.abspath(xcframework))
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        names = [os.path.basename(xcframework)] + files_under(xcframework)
        for name in sorted(names):
            path = os.path.join(root, name)
            if os.path.isdir(path):
                entry = zipfile.ZipInfo(name + "/", ZIP_TIME)
                entry.external_attr = (0o40755 << 16) | 0x10
                z.writestr(entry, b"")
            else:
                entry = zipfile.ZipInfo(name, ZIP_TIME)
                entry.external_attr = 0o100644 << 16
                entry.compress_type = zipfile.ZIP_DEFLATED
                with open(path, "rb") as f:
                    z.writestr(entry, f.read(), compresslevel=9)
    print(f"apple: wrote {out}")


def check_slices(xcframework, minimums):
    """Each slice: the declared architectures, every object's platform, and minimum OS versions."""
    problems, lines = [], []
    for entry in read_plist(xcframework)["AvailableLibraries"]:
        ident = entry["LibraryIdentifier"]
        platform = SLICE_PLATFORM[(entry["SupportedPlatform"], entry.get("SupportedPlatformVariant"))]
        minimum = macho.parse_version(minimums[entry["SupportedPlatform"]])
        with open(os.path.join(xcframework, ident, entry["LibraryPath"]), "rb") as f:
            objects = macho.library_objects(f.read())
        for arch, members in sorted(objects.items()):
            own = [info for name, info in members if name.startswith("amperity-")]
            if not own:
                problems.append(f"{ident}/{arch}: no object of the amperity crate")
            for info in own:
                if info["minos"] != minimum:
                    problems.append(f"{ident}/{arch}: the crate's object says minimum "
                                    f"{macho.version_text(info['minos'] or (0, 0, 0))}, not the "
                                    f"deployment target {macho.version_text(minimum)}")
            oldest = newest = None
            for name, info in members:
                if info["platform"] is None:
                    # Objects that carry no code of their own (empty assembly units) say nothing.
                    if info["symbols"]:
                        problems.append(f"{ident}/{arch}: {name} has no platform load command")
                    continue
                if info["platform"] != platform:
                    problems.append(f"{ident}/{arch}: {name} is for {info['platform']}, not {platform}")
                if info["minos"] > minimum:
                    problems.append(f"{ident}/{arch}: {name} needs {macho.version_text(info['minos'])}, "
                                    f"above the declared {macho.version_text(minimum)}")
                oldest = min(oldest or info["minos"], info["minos"])
                newest = max(newest or info["minos"], info["minos"])
            lines.append(f"{ident}/{arch}: {len(members)} objects, all {platform}, minimum OS "
                         f"{macho.version_text(oldest)}..{macho.version_text(newest)} "
                         f"(declared {macho.version_text(minimum)})")
    if problems:
        fail(problems)
    for line in lines:
        print(f"apple: ok: {line}")


def check_plist(xcframework):
    """The Info.plist against the folder and against what the libraries are."""
    problems = []
    info = read_plist(xcframework)
    if info.get("CFBundlePackageType") != "XFWK" or info.get("XCFrameworkFormatVersion") != "1.0":
        problems.append("Info.plist: not an XCFramework format 1.0 (CFBundlePackageType XFWK)")
    listed = set()
    for entry in info.get("AvailableLibraries", []):
        ident = entry["LibraryIdentifier"]
        listed.add(ident)
        key = (entry["SupportedPlatform"], entry.get("SupportedPlatformVariant"))
        if key not in SLICE_PLATFORM:
            problems.append(f"{ident}: unknown platform {key}")
            continue
        library = os.path.join(xcframework, ident, entry["LibraryPath"])
        if not os.path.isfile(library):
            problems.append(f"{ident}: {entry['LibraryPath']} is missing")
            continue
        with open(library, "rb") as f:
            objects = macho.library_objects(f.read())
        if sorted(objects) != sorted(entry["SupportedArchitectures"]):
            problems.append(f"{ident}: declares {entry['SupportedArchitectures']}, holds {sorted(objects)}")
        platforms = {info["platform"] for members in objects.values() for _, info in members if info["platform"]}
        if platforms != {SLICE_PLATFORM[key]}:
            problems.append(f"{ident}: declares {SLICE_PLATFORM[key]}, objects are for {sorted(platforms)}")
        expected = f"{key[0]}-{'_'.join(sorted(objects))}" + (f"-{key[1]}" if key[1] else "")
        if ident != expected:
            problems.append(f"{ident}: should be named {expected}")
        headers = os.path.join(xcframework, ident, entry.get("HeadersPath", ""))
        for name in ("AmperityFFI/module.modulemap", "AmperityFFI/AmperityFFI.h"):
            if not os.path.isfile(os.path.join(headers, name)):
                problems.append(f"{ident}: {entry.get('HeadersPath')}/{name} is missing")
    present = {name for name in os.listdir(xcframework) if name != "Info.plist"}
    if present != listed:
        problems.append(f"folders {sorted(present)} but Info.plist lists {sorted(listed)}")
    if problems:
        fail(problems)
    print(f"apple: ok: Info.plist lists exactly the {len(listed)} slices, their architectures and platforms")


def check_symbols(xcframework, swift, header):
    """Every uniffi function the generated Swift calls (and the header declares) is exported."""
    pattern = re.compile(r"\b((?:uniffi|ffi)_amperity_\w+)\b")
    with open(swift, encoding="utf-8") as f:
        called = set(pattern.findall(f.read()))
    with open(header, encoding="utf-8") as f:
        declared = set(re.findall(r"\b((?:uniffi|ffi)_amperity_\w+)\s*\(", f.read()))
    if len(called) < 50 or not called <= declared:
        fail([(f"the generated Swift calls {len(called)} uniffi functions, "
               f"{sorted(called - declared)[:5]} of them not in the header")])
    problems, lines = [], []
    for entry in read_plist(xcframework)["AvailableLibraries"]:
        ident = entry["LibraryIdentifier"]
        with open(os.path.join(xcframework, ident, entry["LibraryPath"]), "rb") as f:
            objects = macho.library_objects(f.read())
        for arch, members in sorted(objects.items()):
            # Mach-O C symbols carry a leading underscore.
            exported = {s[1:] for _, info in members for s in info["symbols"] if s.startswith("_")}
            for name, wanted in (("called by the Swift", called), ("declared in the header", declared)):
                missing = sorted(wanted - exported)
                if missing:
                    problems.append(f"{ident}/{arch}: {len(missing)} functions {name} are not exported: {missing[:5]}")
            lines.append(f"{ident}/{arch}: exports all {len(called)} called / {len(declared)} declared uniffi functions")
    if problems:
        fail(problems)
    for line in lines:
        print(f"apple: ok: {line}")


def check_zip(path, xcframework, manifest):
    """The manifest's checksum is the zip's SHA-256, and the zip holds the folder byte for byte."""
    with open(path, "rb") as f:
        digest = hashlib.sha256(f.read()).hexdigest()
    with open(manifest, encoding="utf-8") as f:
        text = f.read()
    declared = re.findall(r'checksum:\s*"([0-9a-f]{64})"', text)
    problems = []
    if declared != [digest]:
        problems.append(f"{manifest} declares {declared}, the zip's SHA-256 is {digest}")
    root = os.path.dirname(os.path.abspath(xcframework))
    wanted = [os.path.basename(xcframework)] + files_under(xcframework)
    with zipfile.ZipFile(path) as z:
        names = sorted(n.rstrip("/") for n in z.namelist())
        if names != sorted(wanted):
            problems.append(f"the zip holds {len(names)} entries, the folder {len(wanted)}")
        for name in wanted:
            full = os.path.join(root, name)
            if os.path.isfile(full):
                with open(full, "rb") as f:
                    if z.read(name) != f.read():
                        problems.append(f"{name} differs in the zip")
    if problems:
        fail(problems)
    print(f"apple: ok: {os.path.basename(path)} SHA-256 {digest} = the manifest's checksum; "
          f"its {len(wanted)} entries match the folder")


def main(argv):
    command, args = argv[1], argv[2:]
    if command == "lipo":
        inputs = []
        for path in args[1:]:
            with open(path, "rb") as f:
                inputs.append(f.read())
        macho.write_fat(inputs, args[0])
        with open(args[0], "rb") as f:
            print(f"apple: wrote {args[0]} ({' + '.join(sorted(macho.slices(f.read())))})")
    elif command == "assemble":
        assemble(args[0], args[1], args[2:])
    elif command == "zip":
        make_zip(args[0], args[1])
    elif command == "check-slices":
        check_slices(args[0], dict(a.split("=", 1) for a in args[1:]))
    elif command == "check-plist":
        check_plist(args[0])
    elif command == "check-symbols":
        check_symbols(args[0], args[1], args[2])
    elif command == "check-zip":
        check_zip(args[0], args[1], args[2])
    else:
        print(__doc__, file=sys.stderr)
        sys.exit(2)


if __name__ == "__main__":
    main(sys.argv)
