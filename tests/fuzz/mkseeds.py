#!/usr/bin/env python3
"""mkseeds.py OUTDIR TRACE...: fuzz seeds from real traces (fuzz_trace.c).

Each trace becomes a whole-file seed, and each of its event blocks a
wrapped-payload seed (0x80 + the block's uncompressed bytes, up to 64 KiB).
"""
import os
import struct
import sys
import zlib


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    for path in sys.argv[2:]:
        name = os.path.basename(path)
        data = open(path, 'rb').read()
        open(os.path.join(out, name), 'wb').write(data)
        off, block = 16, 0
        while off + 12 <= len(data):
            raw, comp, _crc = struct.unpack_from('<III', data, off)
            payload = data[off + 12:off + 12 + comp]
            off += 12 + comp
            if len(payload) < comp:
                break
            if block > 0:
                try:
                    b = zlib.decompress(payload)
                except zlib.error:
                    break
                if len(b) <= 65536:
                    open(os.path.join(out, '%s.block%d' % (name, block)), 'wb').write(b'\x80' + b)
            block += 1


if __name__ == '__main__':
    main()
