/* Virtio 1.x constants and ring layouts (OASIS virtio 1.1/1.2): the one
 * source of truth for the hypervisor's virtio devices and for drivers/.
 * All multi-byte fields are little-endian. */
#ifndef KERN_ABI_VIRTIO_H
#define KERN_ABI_VIRTIO_H
#include <kern/types.h>

/* Device IDs (section 5); the modern PCI device ID is 0x1040 + this. */
#define VIRTIO_ID_NET                   1
#define VIRTIO_ID_BLOCK                 2
#define VIRTIO_ID_CONSOLE               3
#define VIRTIO_ID_RNG                   4
#define VIRTIO_ID_GPU                   16
#define VIRTIO_ID_INPUT                 18
#define VIRTIO_PCI_VENDOR_ID            0x1af4
#define VIRTIO_PCI_MODERN_DEVICE_ID(id) (0x1040 + (id))
#define VIRTIO_PCI_MODERN_REVISION      1

/* Device status (2.1). */
#define VIRTIO_STATUS_ACKNOWLEDGE        0x01
#define VIRTIO_STATUS_DRIVER             0x02
#define VIRTIO_STATUS_DRIVER_OK          0x04
#define VIRTIO_STATUS_FEATURES_OK        0x08
#define VIRTIO_STATUS_DEVICE_NEEDS_RESET 0x40
#define VIRTIO_STATUS_FAILED             0x80

/* Reserved feature bits (6). */
#define VIRTIO_F_INDIRECT_DESC     28
#define VIRTIO_F_EVENT_IDX         29
#define VIRTIO_F_VERSION_1         32
#define VIRTIO_F_ACCESS_PLATFORM   33
#define VIRTIO_F_RING_PACKED       34
#define VIRTIO_F_IN_ORDER          35
#define VIRTIO_F_ORDER_PLATFORM    36
#define VIRTIO_F_SR_IOV            37
#define VIRTIO_F_NOTIFICATION_DATA 38
#define VIRTIO_BIT(f)              (1ull << (f))

/* PCI transport (4.1): vendor capability cfg_type values. */
#define VIRTIO_PCI_CAP_COMMON_CFG 1
#define VIRTIO_PCI_CAP_NOTIFY_CFG 2
#define VIRTIO_PCI_CAP_ISR_CFG    3
#define VIRTIO_PCI_CAP_DEVICE_CFG 4
#define VIRTIO_PCI_CAP_PCI_CFG    5
/* struct virtio_pci_cap, offsets from the capability start. */
#define VIRTIO_PCI_CAP_VNDR          0
#define VIRTIO_PCI_CAP_NEXT          1
#define VIRTIO_PCI_CAP_LEN           2
#define VIRTIO_PCI_CAP_CFG_TYPE      3
#define VIRTIO_PCI_CAP_BAR           4
#define VIRTIO_PCI_CAP_ID            5
#define VIRTIO_PCI_CAP_OFFSET        8
#define VIRTIO_PCI_CAP_LENGTH        12
#define VIRTIO_PCI_CAP_SIZEOF        16
#define VIRTIO_PCI_NOTIFY_CAP_MULT   16 /* notify_off_multiplier */
#define VIRTIO_PCI_NOTIFY_CAP_SIZEOF 20
#define VIRTIO_PCI_CFG_CAP_DATA      16 /* pci_cfg_data[4] */
#define VIRTIO_PCI_CFG_CAP_SIZEOF    20

/* struct virtio_pci_common_cfg offsets. */
#define VIRTIO_PCI_COMMON_DFSELECT      0x00
#define VIRTIO_PCI_COMMON_DF            0x04
#define VIRTIO_PCI_COMMON_GFSELECT      0x08
#define VIRTIO_PCI_COMMON_GF            0x0c
#define VIRTIO_PCI_COMMON_MSIX          0x10
#define VIRTIO_PCI_COMMON_NUMQ          0x12
#define VIRTIO_PCI_COMMON_STATUS        0x14
#define VIRTIO_PCI_COMMON_CFGGENERATION 0x15
#define VIRTIO_PCI_COMMON_Q_SELECT      0x16
#define VIRTIO_PCI_COMMON_Q_SIZE        0x18
#define VIRTIO_PCI_COMMON_Q_MSIX        0x1a
#define VIRTIO_PCI_COMMON_Q_ENABLE      0x1c
#define VIRTIO_PCI_COMMON_Q_NOFF        0x1e
#define VIRTIO_PCI_COMMON_Q_DESCLO      0x20
#define VIRTIO_PCI_COMMON_Q_DESCHI      0x24
#define VIRTIO_PCI_COMMON_Q_AVAILLO     0x28
#define VIRTIO_PCI_COMMON_Q_AVAILHI     0x2c
#define VIRTIO_PCI_COMMON_Q_USEDLO      0x30
#define VIRTIO_PCI_COMMON_Q_USEDHI      0x34
#define VIRTIO_PCI_COMMON_SIZEOF        0x38
#define VIRTIO_MSI_NO_VECTOR            0xffff
#define VIRTIO_PCI_ISR_QUEUE            0x1
#define VIRTIO_PCI_ISR_CONFIG           0x2

/* Split virtqueues (2.7). */
#define VIRTQ_DESC_F_NEXT          1
#define VIRTQ_DESC_F_WRITE         2
#define VIRTQ_DESC_F_INDIRECT      4
#define VIRTQ_AVAIL_F_NO_INTERRUPT 1
#define VIRTQ_USED_F_NO_NOTIFY     1
#define VIRTQ_DESC_SIZE            16
#define VIRTQ_USED_ELEM_SIZE       8
#define VIRTQ_DESC_ALIGN           16
#define VIRTQ_AVAIL_ALIGN          2
#define VIRTQ_USED_ALIGN           4
#define VIRTQ_MAX_SIZE_SPEC        32768

struct virtq_desc {
	uint64_t addr;
	uint32_t len;
	uint16_t flags;
	uint16_t next;
};

struct virtq_used_elem {
	uint32_t id;
	uint32_t len;
};

/* virtio-blk (5.2). */
#define VIRTIO_BLK_F_SIZE_MAX     1
#define VIRTIO_BLK_F_SEG_MAX      2
#define VIRTIO_BLK_F_GEOMETRY     4
#define VIRTIO_BLK_F_RO           5
#define VIRTIO_BLK_F_BLK_SIZE     6
#define VIRTIO_BLK_F_FLUSH        9
#define VIRTIO_BLK_F_TOPOLOGY     10
#define VIRTIO_BLK_F_CONFIG_WCE   11
#define VIRTIO_BLK_F_MQ           12
#define VIRTIO_BLK_F_DISCARD      13
#define VIRTIO_BLK_F_WRITE_ZEROES 14
/* struct virtio_blk_config offsets. */
#define VIRTIO_BLK_CFG_CAPACITY   0
#define VIRTIO_BLK_CFG_SIZE_MAX   8
#define VIRTIO_BLK_CFG_SEG_MAX    12
#define VIRTIO_BLK_CFG_GEOMETRY   16
#define VIRTIO_BLK_CFG_BLK_SIZE   20
#define VIRTIO_BLK_T_IN           0
#define VIRTIO_BLK_T_OUT          1
#define VIRTIO_BLK_T_FLUSH        4
#define VIRTIO_BLK_T_GET_ID       8
#define VIRTIO_BLK_T_DISCARD      11
#define VIRTIO_BLK_T_WRITE_ZEROES 13
#define VIRTIO_BLK_S_OK           0
#define VIRTIO_BLK_S_IOERR        1
#define VIRTIO_BLK_S_UNSUPP       2
#define VIRTIO_BLK_ID_BYTES       20
#define VIRTIO_BLK_SECTOR_SIZE    512
#define VIRTIO_BLK_REQ_HDR_SIZE   16 /* le32 type, le32 reserved, le64 sector */

/* virtio-net (5.1). */
#define VIRTIO_NET_F_CSUM           0
#define VIRTIO_NET_F_GUEST_CSUM     1
#define VIRTIO_NET_F_MTU            3
#define VIRTIO_NET_F_MAC            5
#define VIRTIO_NET_F_GUEST_TSO4     7
#define VIRTIO_NET_F_HOST_TSO4      11
#define VIRTIO_NET_F_MRG_RXBUF      15
#define VIRTIO_NET_F_STATUS         16
#define VIRTIO_NET_F_CTRL_VQ        17
#define VIRTIO_NET_F_MQ             22
#define VIRTIO_NET_S_LINK_UP        1
#define VIRTIO_NET_S_ANNOUNCE       2
#define VIRTIO_NET_CFG_MAC          0
#define VIRTIO_NET_CFG_STATUS       6
#define VIRTIO_NET_CFG_MAX_VQ_PAIRS 8
#define VIRTIO_NET_CFG_MTU          10
#define VIRTIO_NET_HDR_SIZE         12 /* struct virtio_net_hdr with num_buffers (1.x) */
#define VIRTIO_NET_HDR_F_NEEDS_CSUM 1
#define VIRTIO_NET_HDR_GSO_NONE     0

/* virtio-console (5.3). */
#define VIRTIO_CONSOLE_F_SIZE        0
#define VIRTIO_CONSOLE_F_MULTIPORT   1
#define VIRTIO_CONSOLE_F_EMERG_WRITE 2
#define VIRTIO_CONSOLE_CFG_COLS      0
#define VIRTIO_CONSOLE_CFG_ROWS      2
#define VIRTIO_CONSOLE_CFG_MAX_PORTS 4
#define VIRTIO_CONSOLE_CFG_EMERG_WR  8

#endif
