"""Checks of the Android artifacts of tests/mobile.sh.

  android.py check-static ABI LIBRARY GENERATED_KOTLIN   ELF objects of the ABI; uniffi exports
  android.py check-so ABI LIBRARY GENERATED_KOTLIN       what a linked libamperity.so must be
  android.py check-aar AAR_DIR MIN_SDK                    manifest, classes.jar, R8 rules, no java.net.http
  android.py check-pom POM VERSION JNA_VERSION COROUTINES_VERSION   the published pom
Each prints what it verified and exits 1 with the reasons when something is wrong.
"""

import os
import re
import struct
import sys
import xml.etree.ElementTree as ET
import zipfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import macho  # its ar reader serves ELF archives too

# e_machine and ELF class of each Android ABI.
ABIS = {
    "arm64-v8a": (183, 2),  # EM_AARCH64, ELFCLASS64
    "armeabi-v7a": (40, 1),  # EM_ARM, ELFCLASS32
    "x86_64": (62, 2),  # EM_X86_64
    "x86": (3, 1),  # EM_386
}
EF_ARM_ABI_FLOAT_HARD = 0x400
# Android's own system libraries a native library may need (the NDK's stable system libraries).
ANDROID_SYSTEM_LIBRARIES = {"libc.so", "libm.so", "libdl.so", "liblog.so"}
PAGE_16K = 16384
PT_LOAD, PT_DYNAMIC = 1, 2
DT_NEEDED, DT_STRTAB, DT_TEXTREL, DT_FLAGS = 1, 5, 22, 30
DF_TEXTREL = 0x4


def fail(problems):
    for problem in problems:
        print(f"android: FAILED: {problem}", file=sys.stderr)
    sys.exit(1)


def called_by_kotlin(path):
    """The native functions the generated Kotlin declares and calls through JNA."""
    with open(path, encoding="utf-8") as f:
        names = set(re.findall(r"\b((?:uniffi|ffi)_amperity_\w+)\b", f.read()))
    if len(names) < 50:
        fail([f"{path} names only {len(names)} uniffi functions"])
    return names


def elf_header(data):
    if data[:4] != b"\x7fELF":
        raise ValueError("not an ELF file")
    elf_class, endian = data[4], data[5]
    if endian != 1:
        raise ValueError("not little-endian")
    if elf_class == 2:
        fields = struct.unpack("<HHIQQQIHHHHHH", data[16:64])
    else:
        fields = struct.unpack("<HHIIIIIHHHHHH", data[16:52])
    (e_type, machine, _v, _entry, phoff, shoff, flags, _ehsize, phentsize, phnum, shentsize, shnum, _shstrndx) = fields
    return {"class": elf_class, "type": e_type, "machine": machine, "flags": flags,
            "phoff": phoff, "phentsize": phentsize, "phnum": phnum,
            "shoff": shoff, "shentsize": shentsize, "shnum": shnum}


def defined_globals(data, table_type):
    """Defined global and weak symbols of one ELF file's symbol table (SHT_SYMTAB = 2, or the
    dynamic one, SHT_DYNSYM = 11). Read here: llvm-nm-14 fails on Rust's objects, whose embedded
    bitcode is newer than LLVM 14."""
    header = elf_header(data)
    is64 = header["class"] == 2
    section = struct.Struct("<IIQQQQIIQQ" if is64 else "<IIIIIIIIII")
    sections = [section.unpack_from(data, header["shoff"] + i * header["shentsize"]) for i in range(header["shnum"])]
    names = set()
    for _name, sh_type, _flags, _addr, offset, size, link, _info, _align, entsize in sections:
        if sh_type != table_type:
            continue
        str_offset = sections[link][4]
        for i in range(size // entsize):
            at = offset + i * entsize
            if is64:
                st_name, st_info, _other, st_shndx = struct.unpack_from("<IBBH", data, at)
            else:
                st_name, _value, _size, st_info, _other, st_shndx = struct.unpack_from("<IIIBBH", data, at)
            if st_info >> 4 in (1, 2) and st_shndx != 0:  # STB_GLOBAL/STB_WEAK, not SHN_UNDEF
                start = str_offset + st_name
                names.add(data[start: data.index(b"\0", start)].decode("utf-8"))
    return names


def check_exports(label, exported, called):
    missing = sorted(called - exported)
    if missing:
        return [f"{label}: {len(missing)} of the {len(called)} functions the Kotlin calls are not exported: {missing[:5]}"]
    return []


def check_static(abi, path, kotlin):
    machine, elf_class = ABIS[abi]
    with open(path, "rb") as f:
        data = f.read()
    problems, count, exported = [], 0, set()
    for name, member in macho.members(data):
        header = elf_header(member)
        count += 1
        exported |= defined_globals(member, 2)
        if (header["machine"], header["class"]) != (machine, elf_class):
            problems.append(f"{abi}: {name} is ELF machine {header['machine']} class {header['class']}")
        if abi == "armeabi-v7a" and header["flags"] & EF_ARM_ABI_FLOAT_HARD:
            problems.append(f"{abi}: {name} uses the hard-float calling convention (Android: softfp)")
    called = called_by_kotlin(kotlin)
    problems += check_exports(abi, exported, called)
    if problems:
        fail(problems)
    print(f"android: ok: {abi} static library: {count} ELF objects (machine {machine}), "
          f"exports all {len(called)} functions the Kotlin calls")


def check_so(abi, path, kotlin):
    machine, elf_class = ABIS[abi]
    with open(path, "rb") as f:
        data = f.read()
    header = elf_header(data)
    problems = []
    if (header["machine"], header["class"], header["type"]) != (machine, elf_class, 3):
        problems.append(f"{abi}: a {header['machine']}/{header['class']} ELF of type {header['type']}, "
                        f"not a shared object for machine {machine}")
    is64 = header["class"] == 2
    loads, dynamic = [], None
    for i in range(header["phnum"]):
        off = header["phoff"] + i * header["phentsize"]
        if is64:
            p_type, _flags, p_offset, p_vaddr, _paddr, p_filesz, _memsz, p_align = struct.unpack("<IIQQQQQQ", data[off: off + 56])
        else:
            p_type, p_offset, p_vaddr, _paddr, p_filesz, _memsz, _flags, p_align = struct.unpack("<IIIIIIII", data[off: off + 32])
        if p_type == PT_LOAD:
            loads.append((p_offset, p_vaddr, p_align))
        elif p_type == PT_DYNAMIC:
            dynamic = (p_offset, p_filesz)
    small = [align for _, _, align in loads if align < PAGE_16K]
    if not loads or small:
        problems.append(f"{abi}: LOAD segments aligned to {sorted({a for _, _, a in loads})}, not 16 KB")
    needed, textrel = [], False
    if dynamic is None:
        problems.append(f"{abi}: no dynamic section")
    else:
        entry = struct.Struct("<qQ" if is64 else "<iI")
        entries = [entry.unpack_from(data, dynamic[0] + i * entry.size) for i in range(dynamic[1] // entry.size)]
        strtab_vaddr = next((v for t, v in entries if t == DT_STRTAB), None)
        # The string table's file offset: its address within the LOAD segment that holds it.
        base = max((vaddr - offset for offset, vaddr, _ in loads if vaddr <= (strtab_vaddr or 0)), default=0)
        for tag, value in entries:
            if tag == DT_NEEDED and strtab_vaddr is not None:
                start = strtab_vaddr - base + value
                needed.append(data[start: data.index(b"\0", start)].decode())
            textrel |= tag == DT_TEXTREL or (tag == DT_FLAGS and bool(value & DF_TEXTREL))
    others = sorted(set(needed) - ANDROID_SYSTEM_LIBRARIES)
    if others:
        problems.append(f"{abi}: needs {others}, which are not Android system libraries")
    if textrel:
        problems.append(f"{abi}: has text relocations")
    called = called_by_kotlin(kotlin)
    problems += check_exports(abi, defined_globals(data, 11), called)
    if problems:
        fail(problems)
    print(f"android: ok: {abi} {os.path.basename(path)}: machine {machine}, needs {sorted(needed)}, "
          f"LOAD alignment {sorted({a for _, _, a in loads})}, no text relocations, exports all {len(called)} called functions")


def check_aar(folder, min_sdk):
    problems = []
    android = "{http://schemas.android.com/apk/res/android}"
    manifest = ET.parse(os.path.join(folder, "AndroidManifest.xml")).getroot()
    if manifest.get("package") != "com.amperity.sdk":
        problems.append(f"AndroidManifest.xml: package {manifest.get('package')}")
    uses = manifest.find("uses-sdk")
    if uses is None or uses.get(android + "minSdkVersion") != str(min_sdk):
        problems.append(f"AndroidManifest.xml: minSdkVersion is not {min_sdk}")
    with zipfile.ZipFile(os.path.join(folder, "classes.jar")) as jar:
        names = jar.namelist()
        for wanted in ("com/amperity/sdk/Client.class", "com/amperity/sdk/ffi/UniffiLib.class",
                       "com/amperity/sdk/ffi/AmperityKt.class"):
            if wanted not in names:
                problems.append(f"classes.jar lacks {wanted}")
        natives = [n for n in names if n.endswith((".so", ".dylib", ".dll"))]
        if natives:
            problems.append(f"classes.jar carries native libraries {natives} (they belong in jni/)")
        classes = [n for n in names if n.endswith(".class")]
        for name in classes:
            body = jar.read(name)
            # A class that uses java.net.http names it in its constant pool.
            if b"java/net/http/" in body:
                problems.append(f"{name} uses java.net.http (not on Android)")
            if b"android/system/SystemCleaner" in body and name != "com/amperity/sdk/ffi/AndroidSystemCleaner.class":
                problems.append(f"{name} uses android.system.SystemCleaner outside uniffi's API-34 guard")
        if not any(b"android/system/SystemCleaner" in jar.read(n) for n in classes):
            problems.append("classes.jar: not the Android bindings set (no uniffi Android cleaner)")
    with open(os.path.join(folder, "proguard.txt"), encoding="utf-8") as f:
        rules = f.read()
    for rule in ("-keep class com.sun.jna.** { *; }", "-keep class com.amperity.sdk.ffi.** { *; }",
                 "-dontwarn kotlinx.coroutines.**"):
        if rule not in rules:
            problems.append(f"proguard.txt lacks `{rule}`")
    jni = os.path.join(folder, "jni")
    if os.path.isdir(jni) and sorted(os.listdir(jni)) != sorted(ABIS):
        problems.append(f"jni/ holds {sorted(os.listdir(jni))}, not every ABI")
    if problems:
        fail(problems)
    print(f"android: ok: AAR layout of {os.path.basename(folder)}: manifest (minSdk {min_sdk}), "
          f"classes.jar ({len(classes)} classes, no java.net.http, no native library), consumer R8 rules")


def check_pom(path, version, jna_version, coroutines_version):
    ns = {"m": "http://maven.apache.org/POM/4.0.0"}
    pom = ET.parse(path).getroot()
    problems = []
    found = {k: pom.findtext(f"m:{k}", namespaces=ns) for k in ("groupId", "artifactId", "version", "packaging")}
    if found != {"groupId": "com.amperity", "artifactId": "amperity-sdk-android", "version": version, "packaging": "aar"}:
        problems.append(f"{path}: coordinates {found}")
    # (groupId, artifactId) -> (version, type, optional) of each dependency
    deps = {(d.findtext("m:groupId", namespaces=ns), d.findtext("m:artifactId", namespaces=ns)):
            tuple(d.findtext(f"m:{k}", namespaces=ns) for k in ("version", "type", "optional"))
            for d in pom.findall("m:dependencies/m:dependency", ns)}
    jna = deps.get(("net.java.dev.jna", "jna"))
    if jna != (jna_version, "aar", None):
        problems.append(f"{path}: JNA dependency {jna}, not ({jna_version}, aar)")
    if ("org.jetbrains.kotlin", "kotlin-stdlib") not in deps:
        problems.append(f"{path}: no kotlin-stdlib dependency")
    coroutines = deps.get(("org.jetbrains.kotlinx", "kotlinx-coroutines-core-jvm"))
    if coroutines != (coroutines_version, None, "true"):
        problems.append(f"{path}: kotlinx-coroutines-core-jvm {coroutines}, not optional at {coroutines_version}")
    if problems:
        fail(problems)
    print(f"android: ok: {os.path.basename(path)}: com.amperity:amperity-sdk-android:{version}@aar, "
          f"depends on net.java.dev.jna:jna:{jna_version}@aar, optionally on kotlinx-coroutines {coroutines_version}")


def main(argv):
    command, args = argv[1], argv[2:]
    if command == "check-static":
        check_static(*args)
    elif command == "check-so":
        check_so(*args)
    elif command == "check-aar":
        check_aar(args[0], int(args[1]))
    elif command == "check-pom":
        check_pom(*args)
    else:
        print(__doc__, file=sys.stderr)
        sys.exit(2)


if __name__ == "__main__":
    main(sys.argv)
