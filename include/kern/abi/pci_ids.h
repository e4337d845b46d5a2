/* PCI and PCI Express constants (PCI Local Bus 3.0, PCI Firmware 3.x, PCIe
 * base spec): the one source of truth for the hypervisor's PCI models and
 * for drivers/. Only values the spec defines live here. */
#ifndef KERN_ABI_PCI_IDS_H
#define KERN_ABI_PCI_IDS_H

/* Vendor and device IDs. */
#define PCI_VENDOR_ID_REDHAT          0x1b36 /* QEMU's generic devices */
#define PCI_VENDOR_ID_REDHAT_QUMRANET 0x1af4 /* virtio */
#define PCI_VENDOR_ID_INTEL           0x8086
#define PCI_DEVICE_ID_REDHAT_HOST     0x0008 /* generic PCIe host bridge */
#define PCI_VENDOR_NONE               0xffff /* an absent function reads as all ones */

/* Class codes: class << 16 | subclass << 8 | programming interface. */
#define PCI_CLASS_STORAGE_OTHER    0x018000
#define PCI_CLASS_NETWORK_ETHERNET 0x020000
#define PCI_CLASS_NETWORK_OTHER    0x028000
#define PCI_CLASS_BRIDGE_HOST      0x060000
#define PCI_CLASS_COMM_OTHER       0x078000
#define PCI_CLASS_OTHERS           0xff0000

/* Type 0 configuration header. */
#define PCI_VENDOR_ID           0x00
#define PCI_DEVICE_ID           0x02
#define PCI_COMMAND             0x04
#define PCI_STATUS              0x06
#define PCI_REVISION_ID         0x08
#define PCI_CLASS_PROG          0x09
#define PCI_CLASS_DEVICE        0x0a
#define PCI_CACHE_LINE_SIZE     0x0c
#define PCI_LATENCY_TIMER       0x0d
#define PCI_HEADER_TYPE         0x0e
#define PCI_BIST                0x0f
#define PCI_BASE_ADDRESS_0      0x10
#define PCI_CARDBUS_CIS         0x28
#define PCI_SUBSYSTEM_VENDOR_ID 0x2c
#define PCI_SUBSYSTEM_ID        0x2e
#define PCI_ROM_ADDRESS         0x30
#define PCI_CAPABILITY_LIST     0x34
#define PCI_INTERRUPT_LINE      0x3c
#define PCI_INTERRUPT_PIN       0x3d
#define PCI_MIN_GNT             0x3e
#define PCI_MAX_LAT             0x3f
#define PCI_STD_HEADER_SIZE     0x40
#define PCI_CFG_SPACE_SIZE      256
#define PCI_CFG_SPACE_EXP_SIZE  4096
#define PCI_NUM_BARS            6

#define PCI_HEADER_TYPE_NORMAL 0x00
#define PCI_HEADER_TYPE_MFD    0x80

#define PCI_COMMAND_IO           0x0001
#define PCI_COMMAND_MEMORY       0x0002
#define PCI_COMMAND_MASTER       0x0004
#define PCI_COMMAND_SPECIAL      0x0008
#define PCI_COMMAND_INVALIDATE   0x0010
#define PCI_COMMAND_VGA_PALETTE  0x0020
#define PCI_COMMAND_PARITY       0x0040
#define PCI_COMMAND_SERR         0x0100
#define PCI_COMMAND_FAST_BACK    0x0200
#define PCI_COMMAND_INTX_DISABLE 0x0400

#define PCI_STATUS_INTERRUPT        0x0008
#define PCI_STATUS_CAP_LIST         0x0010
#define PCI_STATUS_66MHZ            0x0020
#define PCI_STATUS_FAST_BACK        0x0080
#define PCI_STATUS_PARITY           0x0100
#define PCI_STATUS_SIG_TARGET_ABORT 0x0800
#define PCI_STATUS_REC_TARGET_ABORT 0x1000
#define PCI_STATUS_REC_MASTER_ABORT 0x2000
#define PCI_STATUS_SIG_SYSTEM_ERROR 0x4000
#define PCI_STATUS_DETECTED_PARITY  0x8000

#define PCI_BASE_ADDRESS_SPACE_IO     0x01
#define PCI_BASE_ADDRESS_MEM_TYPE_32  0x00
#define PCI_BASE_ADDRESS_MEM_TYPE_64  0x04
#define PCI_BASE_ADDRESS_MEM_PREFETCH 0x08
#define PCI_BASE_ADDRESS_MEM_MASK     (~0x0full)
#define PCI_BASE_ADDRESS_IO_MASK      (~0x03ull)

#define PCI_INTERRUPT_PIN_NONE 0
#define PCI_INTERRUPT_PIN_INTA 1 /* ... INTD = 4 */

/* Configuration mechanism #1 (ports 0xcf8/0xcfc). */
#define PCI_CONF1_ADDRESS_PORT     0xcf8
#define PCI_CONF1_DATA_PORT        0xcfc
#define PCI_CONF1_ENABLE           0x80000000u
#define PCI_RESET_CONTROL_PORT     0xcf9 /* PIIX/ICH reset control register */
#define PCI_RESET_CONTROL_SYS_RST  0x02
#define PCI_RESET_CONTROL_RST_CPU  0x04
#define PCI_RESET_CONTROL_FULL_RST 0x08

/* ECAM (enhanced configuration access): 4 KiB per function. */
#define PCI_ECAM_BUS_SIZE (1ull << 20)
#define PCI_ECAM_OFFSET(bus, dev, fn, reg)                                                                             \
	(((uint64_t)(bus) << 20) | ((uint64_t)(dev) << 15) | ((uint64_t)(fn) << 12) | (uint64_t)(reg))

/* Capability IDs. */
#define PCI_CAP_ID_PM     0x01
#define PCI_CAP_ID_MSI    0x05
#define PCI_CAP_ID_VNDR   0x09
#define PCI_CAP_ID_EXP    0x10
#define PCI_CAP_ID_MSIX   0x11
#define PCI_CAP_LIST_ID   0
#define PCI_CAP_LIST_NEXT 1

/* MSI-X capability (offsets from the capability) and table layout. */
#define PCI_MSIX_FLAGS              2
#define PCI_MSIX_FLAGS_QSIZE        0x07ff /* table size - 1 */
#define PCI_MSIX_FLAGS_MASKALL      0x4000
#define PCI_MSIX_FLAGS_ENABLE       0x8000
#define PCI_MSIX_TABLE              4
#define PCI_MSIX_TABLE_BIR          0x00000007
#define PCI_MSIX_TABLE_OFFSET       0xfffffff8
#define PCI_MSIX_PBA                8
#define PCI_MSIX_PBA_BIR            0x00000007
#define PCI_MSIX_PBA_OFFSET         0xfffffff8
#define PCI_CAP_MSIX_SIZEOF         12
#define PCI_MSIX_ENTRY_SIZE         16
#define PCI_MSIX_ENTRY_LOWER_ADDR   0
#define PCI_MSIX_ENTRY_UPPER_ADDR   4
#define PCI_MSIX_ENTRY_DATA         8
#define PCI_MSIX_ENTRY_VECTOR_CTRL  12
#define PCI_MSIX_ENTRY_CTRL_MASKBIT 0x1
#define PCI_MSIX_MAX_VECTORS        2048

#endif
