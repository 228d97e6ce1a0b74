"""A small reader of what tests/mobile.sh checks in Apple static libraries: fat (universal) files,
ar archives (BSD and GNU member names) and 64-bit Mach-O objects (CPU, platform and minimum OS
from LC_BUILD_VERSION / LC_VERSION_MIN_*, defined external symbols from LC_SYMTAB).
Standard library only; raises ValueError on anything it cannot read."""

import struct

FAT_MAGIC = 0xCAFEBABE
MH_MAGIC_64 = 0xFEEDFACF
CPU_NAMES = {0x0100000C: "arm64", 0x01000007: "x86_64"}
LC_SYMTAB = 0x2
LC_VERSION_MIN_MACOSX = 0x24
LC_VERSION_MIN_IPHONEOS = 0x25
LC_BUILD_VERSION = 0x32
# LC_BUILD_VERSION platforms (mach-o/loader.h) and what the old LC_VERSION_MIN_* commands mean.
PLATFORMS = {1: "macos", 2: "ios", 7: "ios-simulator"}
N_EXT = 0x01
N_TYPE = 0x0E
N_SECT = 0x0E


def version(encoded):
    """The X.Y.Z of a Mach-O version (xxxx.yy.zz nibbles) as a tuple."""
    return (encoded >> 16, (encoded >> 8) & 0xFF, encoded & 0xFF)


def version_text(v):
    return ".".join(str(part) for part in (v if v[2] else v[:2]))


def parse_version(text):
    parts = [int(p) for p in text.split(".")] + [0, 0]
    return tuple(parts[:3])


def slices(data):
    """{architecture: bytes} of a fat or thin file (a thin ar archive's CPU comes from its objects)."""
    if len(data) >= 8 and struct.unpack(">I", data[:4])[0] == FAT_MAGIC:
        (count,) = struct.unpack(">I", data[4:8])
        result = {}
        for i in range(count):
            cpu, _sub, offset, size, _align = struct.unpack(">iiIII", data[8 + 20 * i: 28 + 20 * i])
            name = CPU_NAMES.get(cpu & 0xFFFFFFFF)
            if name is None:
                raise ValueError(f"fat slice {i}: unknown CPU type {cpu:#x}")
            result[name] = data[offset: offset + size]
        return result
    objects = [obj for _, obj in members(data)] if data.startswith(b"!<arch>\n") else [data]
    cpus = {macho_object(obj)["cpu"] for obj in objects if is_macho(obj)}
    if len(cpus) != 1:
        raise ValueError(f"a thin library with objects of CPU types {sorted(cpus)}")
    return {cpus.pop(): data}


def write_fat(inputs, out):
    """A universal (fat) file of thin libraries, as lipo -create writes it (mach-o/fat.h): the
    32-bit big-endian header, one fat_arch per input (CPU type and subtype of its objects), each
    slice at an offset aligned to 2^14 (arm64) or 2^12 (x86_64)."""
    thin = []
    for data in inputs:
        objects = [obj for _, obj in members(data)] if data.startswith(b"!<arch>\n") else [data]
        cpus = {struct.unpack("<ii", obj[4:12]) for obj in objects if is_macho(obj)}
        if len(cpus) != 1:
            raise ValueError(f"an input with objects of CPU types {sorted(cpus)}")
        thin.append((cpus.pop(), data))
    names = [CPU_NAMES.get(cpu & 0xFFFFFFFF) for (cpu, _), _ in thin]
    if None in names or len(set(names)) != len(names):
        raise ValueError(f"inputs for {names}: each must be a different known architecture")
    header = struct.pack(">II", FAT_MAGIC, len(thin))
    offset, entries, body = 8 + 20 * len(thin), b"", b""
    for (cpu, subtype), data in thin:
        align = 14 if CPU_NAMES[cpu & 0xFFFFFFFF] == "arm64" else 12
        start = -(-offset // (1 << align)) * (1 << align)
        body += b"\0" * (start - offset) + data
        entries += struct.pack(">iiIII", cpu, subtype, start, len(data), align)
        offset = start + len(data)
    with open(out, "wb") as f:
        f.write(header + entries + body)


def members(data):
    """(name, bytes) of each member of an ar archive, symbol tables left out."""
    if not data.startswith(b"!<arch>\n"):
        raise ValueError("not an ar archive")
    pos, long_names, result = 8, b"", []
    while pos + 60 <= len(data):
        header = data[pos: pos + 60]
        if header[58:60] != b"`\n":
            raise ValueError(f"bad ar member header at {pos}")
        name = header[:16].decode("ascii").rstrip()
        size = int(header[48:58].decode("ascii").strip())
        body = data[pos + 60: pos + 60 + size]
        pos += 60 + size + (size & 1)
        if name.startswith("#1/"):  # BSD: the name follows the header, inside the member
            length = int(name[3:])
            name, body = body[:length].rstrip(b"\0").decode("utf-8"), body[length:]
        elif name == "//":  # GNU: the long-name table
            long_names = body
            continue
        elif name.startswith("/") and name[1:].isdigit():
            start = int(name[1:])
            name = long_names[start: long_names.index(b"/\n", start)].decode("utf-8")
        elif name.endswith("/"):
            name = name[:-1]
        if name in ("", "/", "__.SYMDEF", "__.SYMDEF SORTED", "/SYM64"):
            continue
        result.append((name, body))
    return result


def is_macho(data):
    return len(data) >= 4 and struct.unpack("<I", data[:4])[0] == MH_MAGIC_64


def macho_object(data):
    """CPU name, platform name, minimum OS (tuple) and defined external symbols of one object."""
    magic, cpu, _sub, _type, ncmds, _size, _flags, _reserved = struct.unpack("<IiiIIIII", data[:32])
    if magic != MH_MAGIC_64:
        raise ValueError("not a 64-bit little-endian Mach-O object")
    info = {"cpu": CPU_NAMES.get(cpu & 0xFFFFFFFF, hex(cpu)), "platform": None, "minos": None, "symbols": set()}
    pos = 32
    for _ in range(ncmds):
        cmd, cmdsize = struct.unpack("<II", data[pos: pos + 8])
        if cmd == LC_BUILD_VERSION:
            platform, minos = struct.unpack("<II", data[pos + 8: pos + 16])
            info["platform"] = PLATFORMS.get(platform, f"platform {platform}")
            info["minos"] = version(minos)
        elif cmd in (LC_VERSION_MIN_MACOSX, LC_VERSION_MIN_IPHONEOS):
            (minos,) = struct.unpack("<I", data[pos + 8: pos + 12])
            # The old commands do not tell a simulator from a device: x86_64 iOS is the simulator.
            ios = cmd == LC_VERSION_MIN_IPHONEOS
            info["platform"] = ("ios-simulator" if info["cpu"] == "x86_64" else "ios") if ios else "macos"
            info["minos"] = version(minos)
        elif cmd == LC_SYMTAB:
            symoff, nsyms, stroff, _strsize = struct.unpack("<IIII", data[pos + 8: pos + 24])
            for i in range(nsyms):
                strx, ntype, _sect, _desc, _value = struct.unpack("<IBBHQ", data[symoff + 16 * i: symoff + 16 * i + 16])
                if ntype & N_EXT and (ntype & N_TYPE) == N_SECT:
                    end = data.index(b"\0", stroff + strx)
                    info["symbols"].add(data[stroff + strx: end].decode("utf-8"))
        pos += cmdsize
    return info


def library_objects(data):
    """{architecture: [(member name, object info)]} of a static library, fat or thin."""
    result = {}
    for arch, body in slices(data).items():
        objects = []
        for name, member in members(body):
            if not is_macho(member):
                raise ValueError(f"{arch}: member {name} is not a 64-bit Mach-O object")
            info = macho_object(member)
            if info["cpu"] != arch:
                raise ValueError(f"{arch}: member {name} is for {info['cpu']}")
            objects.append((name, info))
        result[arch] = objects
    return result
