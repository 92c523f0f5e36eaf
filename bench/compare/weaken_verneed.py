#!/usr/bin/python3
"""Marks version needs of an ELF shared library weak, in place (the runner applies it to its own copy).

    weaken_verneed.py LIBRARY VERSION [VERSION ...]

Why: TorchSharp 0.107's libLibTorchSharp.so needs GLIBCXX_3.4.32 (GCC 13's libstdc++) only for
std::ios_base_library_init, a symbol it references but never calls; Debian 12's libstdc++ stops at
GLIBCXX_3.4.30, so the dynamic loader refuses the library. A version need flagged VER_FLG_WEAK is one
the loader may find missing (it warns only under LD_DEBUG), so the library loads and runs.

The script walks .gnu.version_r (SHT_GNU_verneed): Elf64_Verneed records {vn_version u16, vn_cnt u16,
vn_file u32, vn_aux u32, vn_next u32}, each followed by Elf64_Vernaux records {vna_hash u32, vna_flags
u16, vna_other u16, vna_name u32, vna_next u32}, names in the section's linked string table. Only
64-bit little-endian ELF is handled. It rewrites via a temporary file and rename, so a hard link into a
package cache is never modified. Exit 0 also when the versions are already weak or not needed.
"""
import os
import struct
import sys

SHT_GNU_VERNEED = 0x6FFFFFFE
VER_FLG_WEAK = 0x2


def cstr(data, off):
    end = data.index(b"\0", off)
    return data[off:end].decode()


def weaken(path, versions):
    data = bytearray(open(path, "rb").read())
    if data[:4] != b"\x7fELF" or data[4] != 2 or data[5] != 1:
        raise SystemExit(f"{path}: not a 64-bit little-endian ELF file")
    e_shoff, = struct.unpack_from("<Q", data, 0x28)
    e_shentsize, e_shnum = struct.unpack_from("<HH", data, 0x3A)
    sections = []
    for i in range(e_shnum):
        base = e_shoff + i * e_shentsize
        _name, sh_type, _flags, _addr, sh_offset, sh_size, sh_link, sh_info = struct.unpack_from("<IIQQQQII", data, base)
        sections.append((sh_type, sh_offset, sh_size, sh_link, sh_info))
    changed = []
    for sh_type, off, _size, link, count in sections:
        if sh_type != SHT_GNU_VERNEED:
            continue
        strtab = sections[link][1]
        vn = off
        for _ in range(count):
            _ver, cnt, vn_file, vn_aux, vn_next = struct.unpack_from("<HHIII", data, vn)
            aux = vn + vn_aux
            for _ in range(cnt):
                _hash, flags, _other, name, vna_next = struct.unpack_from("<IHHII", data, aux)
                version = cstr(data, strtab + name)
                if version in versions and not flags & VER_FLG_WEAK:
                    struct.pack_into("<H", data, aux + 4, flags | VER_FLG_WEAK)
                    changed.append(f"{cstr(data, strtab + vn_file)}:{version}")
                aux += vna_next
            vn += vn_next
    if changed:
        tmp = path + ".weaken.tmp"
        with open(tmp, "wb") as f:
            f.write(data)
        os.chmod(tmp, os.stat(path).st_mode)
        os.replace(tmp, path)
    print(f"{path}: weakened {', '.join(changed) if changed else 'nothing (already weak or not needed)'}")


if __name__ == "__main__":
    if len(sys.argv) < 3:
        raise SystemExit(__doc__)
    weaken(sys.argv[1], set(sys.argv[2:]))
