#!/usr/bin/env python3
"""Writes the VM-exit harness's seeds (fuzz/corpus/vmexit/): short guest
driver sequences in the input format of fuzz/vmexit/ops.c, so fuzzing
starts past the devices' initialisation. Run from the repository root."""
import os
import struct

OUT = "fuzz/corpus/vmexit"
K = dict(OUT=0, IN=3, MMIO_W=5, MMIO_R=8, NPF=10, CPUID=13, RDMSR=14, WRMSR=15, HLT=16, HYPERCALL=17,
         EXIT_OTHER=18, MEM=19, VQ_DESC=21, VQ_AVAIL=23, VIRTIO_SETUP=25, PCI_CFG=26, TIME=28, HOST_INPUT=29,
         REGS=30, MODE=31)
LAPIC, DATA = 0xfee00000, 0x200000
SIZE = {1: 0, 2: 1, 4: 2, 8: 3}


def op(kind, cpu=0):
    return bytes([K[kind] | (0xe0 if cpu else 0)])


def raw(v, n):
    return bytes([6]) + v.to_bytes(n, "little")  # rd_value: raw bytes


def out(port, val, size=1, cpu=0):
    return op("OUT", cpu) + bytes([3]) + struct.pack("<H", port) + bytes([SIZE[size]]) + raw(val, 4)


def inp(port, size=1, cpu=0):
    return op("IN", cpu) + bytes([3]) + struct.pack("<H", port) + bytes([SIZE[size]])


def mmio_w(gpa, val, size=4, cpu=0):
    return op("MMIO_W", cpu) + bytes([7]) + struct.pack("<Q", gpa) + bytes([SIZE[size]]) + raw(val, 8)


def mmio_r(gpa, size=4, cpu=0):
    return op("MMIO_R", cpu) + bytes([7]) + struct.pack("<Q", gpa) + bytes([SIZE[size]])


def mem(off, data):
    return op("MEM") + bytes([1, len(data)]) + struct.pack("<H", off) + data  # at DATA + off


def setup(dev, queue, qsize_log2, features=0x03):
    return op("VIRTIO_SETUP") + bytes([dev, features, queue, qsize_log2])


def desc(dev, queue, idx, off, length, flags, nxt):
    return op("VQ_DESC") + bytes([dev, queue, idx, 0]) + struct.pack("<H", off) + raw(length, 4) + \
        bytes([flags, nxt])


def avail(dev, queue, head, notify=True):
    return op("VQ_AVAIL") + bytes([dev, queue, 0x02 if notify else 0, head])


def npf(insn, reg, target, access):
    # flags: insn bytes (0x04), a register set to the target (0x08), NPF
    # gpa = that target (0x40); access = flags % 3 (0 read, 1 write, 2 fetch)
    flags = next(f for f in range(256) if f & 0x4c == 0x4c and not f & 0xb0 and f % 3 == access)
    return op("NPF") + bytes([flags, len(insn)]) + insn + bytes([reg, 7]) + struct.pack("<Q", target)


def time(v):
    return op("TIME") + bytes([v])


SEEDS = {
    # COM1: 8N1 at 115200, a byte out, line status and interrupt identification in
    "com1": out(0x3fb, 0x80) + out(0x3f8, 1) + out(0x3f9, 0) + out(0x3fb, 3) + out(0x3f9, 0x0f) +
    out(0x3f8, ord("h")) + inp(0x3fd) + inp(0x3fa) + op("HOST_INPUT") + bytes([0, 3]) + b"abc" + inp(0x3f8),
    # PIC remapped to 0x20, PIT at 100 Hz, sti; hlt; 10 ms pass: IRQ0
    "pit-irq": out(0x20, 0x11) + out(0x21, 0x20) + out(0x21, 4) + out(0x21, 1) + out(0x21, 0xfe) +
    out(0x43, 0x34) + out(0x40, 0x9c) + out(0x40, 0x2e) + op("HLT") + bytes([1]) + time(0xf4) +
    op("CPUID") + bytes([1]) + raw(0, 4) + out(0x20, 0x20),
    # LAPIC: software enable, timer periodic vector 0x40, INIT + SIPI to CPU 1
    "lapic": mmio_w(LAPIC + 0xf0, 0x1ff) + mmio_w(LAPIC + 0x3e0, 0xb) + mmio_w(LAPIC + 0x320, 0x20040) +
    mmio_w(LAPIC + 0x380, 0x1000) + mmio_r(LAPIC + 0x390) + mmio_w(LAPIC + 0x310, 1 << 24) +
    mmio_w(LAPIC + 0x300, 0x4500) + mmio_w(LAPIC + 0x300, 0x4608) + op("CPUID", 1) + bytes([1]) + raw(0, 4) +
    time(0xa0) + op("HLT") + bytes([1]),
    # IOAPIC: redirection entry 4 to vector 0x31, read the version
    "ioapic": mmio_w(0xfec00000, 0x18) + mmio_w(0xfec00010, 0x31) + mmio_w(0xfec00000, 1) +
    mmio_r(0xfec00010),
    # PCI: conf1 vendor of 00:01.0, BAR2 sizing and restore, command register, ECAM read
    "pci": op("PCI_CFG") + bytes([0, 1, 0, 2]) + op("PCI_CFG") + bytes([4, 1, 6, 2, 2, 0]) +
    op("PCI_CFG") + bytes([0, 1, 6, 2]) + op("PCI_CFG") + bytes([4, 1, 6, 2, 0, 4]) +
    op("PCI_CFG") + bytes([4, 1, 1, 1, 0, 6, 6, 0]) + op("PCI_CFG") + bytes([1, 2, 0, 2]),
    # virtio-blk: queue 0 of 8, a read of sector 1 (header, 512-byte buffer, status)
    "virtio-blk": setup(0, 0, 3) + mem(0, struct.pack("<IIQ", 0, 0, 1)) + desc(0, 0, 0, 0, 16, 1, 1) +
    desc(0, 0, 1, 0x1000, 512, 3, 2) + desc(0, 0, 2, 0x2000, 1, 2, 0) + avail(0, 0, 0),
    # virtio-net: transmit a 60-byte frame on queue 1, post a receive buffer, a frame arrives
    "virtio-net": setup(1, 1, 3) + mem(0x100, bytes(12) + b"\xff" * 6 + b"\x52\x54\x00\x12\x34\x56\x08\x00") +
    desc(1, 1, 0, 0x100, 72, 0, 0) + avail(1, 1, 0) + setup(1, 0, 3) + desc(1, 0, 0, 0x3000, 2048, 2, 0) +
    avail(1, 0, 0) + op("HOST_INPUT") + bytes([1]) + struct.pack("<H", 60) + b"\xff" * 12 + b"\x08\x06" +
    bytes(46),
    # virtio-console: transmit "hi" on queue 1, input on queue 0
    "virtio-console": setup(2, 1, 2) + mem(0x200, b"hi") + desc(2, 1, 0, 0x200, 2, 0, 0) + avail(2, 1, 0) +
    setup(2, 0, 2) + desc(2, 0, 0, 0x4000, 64, 2, 0) + avail(2, 0, 0) + op("HOST_INPUT") + bytes([2, 3]) +
    b"xyz",
    # MMIO emulation in long mode: mov [rax], ecx to the LAPIC's TPR, mov eax, [rbx] from the IOAPIC
    "npf-emulate": npf(b"\x89\x08", 0, LAPIC + 0x80, 1) + npf(b"\x8b\x03", 3, 0xfec00010, 0) +
    npf(b"\xf3\xab", 7, LAPIC + 0x280, 1),
    # hypercalls: version, console write of a guest buffer, CPUID signature, MSRs
    "hypercall": mem(0x10, b"hello") + op("HYPERCALL") + bytes([0]) + struct.pack("<H", 0) + raw(0, 2) +
    raw(0, 8) + raw(0, 8) + op("HYPERCALL") + bytes([1]) + struct.pack("<H", 0x10) + raw(5, 2) + raw(0, 8) +
    raw(0, 8) + op("CPUID") + bytes([13]) + raw(0, 4) + op("WRMSR") + bytes([2]) + raw(0xfee00900, 8) +
    op("RDMSR") + bytes([0x90]) + op("WRMSR") + bytes([20]) + raw(0x1000, 8),
}

os.makedirs(OUT, exist_ok=True)
for name, data in SEEDS.items():
    with open(os.path.join(OUT, name), "wb") as f:
        f.write(data)
