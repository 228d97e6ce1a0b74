"""Rewrites two buffer readers of uniffi 0.32's generated Swift (run by generate.sh).

uniffi lifts every record field through `readInt` and `FfiConverterString.read`, which copy out
of a `Data` with `copyBytes(to:from:)` (and, for strings, through a temporary `[UInt8]`). On
Linux that costs about 1.7 ms per page of 1000 segments, three times the whole Rust walk
(0.54 ms: HTTP, JSON, typed decode). Reading in place with `withUnsafeBytes` gives the same
values in 0.6 ms. Both replacements keep the bounds checks and the errors; each must match the
generated text exactly, so a uniffi upgrade that changes them fails here instead of silently
keeping the slow path.

Usage: python3 speed_up_readers.py GENERATED_SWIFT_FILE
"""

import sys

READ_INT_OLD = """    var value: T = 0
    let _ = withUnsafeMutableBytes(of: &value, { reader.data.copyBytes(to: $0, from: range)})
    reader.offset = range.upperBound
    return value.bigEndian"""

READ_INT_NEW = """    // Patched by bindings/swift/speed_up_readers.py: read in place, no copy.
    let start = range.lowerBound - reader.data.startIndex
    let value = reader.data.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: start, as: T.self) }
    reader.offset = range.upperBound
    return value.bigEndian"""

READ_STRING_OLD = """    public static func read(from buf: inout (data: Data, offset: Data.Index)) throws -> String {
        let len: Int32 = try readInt(&buf)
        // See `lift` above for why we avoid Foundation's NSString-backed decoder here.
        return String(decoding: try readBytes(&buf, count: Int(len)), as: UTF8.self)
    }"""

READ_STRING_NEW = """    public static func read(from buf: inout (data: Data, offset: Data.Index)) throws -> String {
        // Patched by bindings/swift/speed_up_readers.py: decode in place, no temporary array.
        let len = Int(try readInt(&buf) as Int32)
        let end = buf.offset + len
        guard len >= 0, buf.data.endIndex >= end else {
            throw UniffiInternalError.bufferOverflow
        }
        let start = buf.offset - buf.data.startIndex
        buf.offset = end
        return buf.data.withUnsafeBytes { raw in
            String(decoding: UnsafeRawBufferPointer(rebasing: raw[start..<(start + len)]), as: UTF8.self)
        }
    }"""


def main(path: str) -> int:
    with open(path, encoding="utf-8") as f:
        text = f.read()
    for name, old, new in (
        ("readInt", READ_INT_OLD, READ_INT_NEW),
        ("FfiConverterString.read", READ_STRING_OLD, READ_STRING_NEW),
    ):
        if text.count(old) != 1:
            print(f"speed_up_readers.py: the generated {name} is not the expected uniffi 0.32 text "
                  f"(found {text.count(old)} times); update this script", file=sys.stderr)
            return 1
        text = text.replace(old, new)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
