/* PCI host bridge, bus 0 and the PCI device interface the device models
 * (virtio, ...) build on.
 *
 * Config space is reachable through configuration mechanism #1 (ports
 * 0xcf8-0xcff) and through a 1 MiB ECAM window for bus 0 at `ecam_base`.
 * Slot 0 is the host bridge (Red Hat 1b36:0008, class 060000, like QEMU's
 * generic PCIe host: no chipset quirks in guests). Devices take slots 1-31,
 * function 0 only; absent functions read as all ones.
 *
 * Each device's config space is bytes plus per-byte masks: `wmask` bits the
 * guest may write, `w1cmask` bits it clears by writing 1. BAR sizing falls
 * out of the masks (writing all ones reads back ~(size-1) | flags). The host
 * places BARs at hv_pci_add time as firmware would: memory BARs (32- and
 * 64-bit) in [HV_PCI_MMIO_BASE, HV_PCI_MMIO_END), I/O BARs in
 * [HV_PCI_IO_BASE, HV_PCI_IO_END), naturally aligned, decode enabled. A BAR
 * is claimed on the VM's bus while its command enable bit is set and its
 * address fits; BAR moves by the guest re-claim it.
 *
 * INTx: INTA#..INTD# (pin 1..4) of slot N goes to GSI
 * HV_PCI_INTX_GSI_BASE + ((N + pin - 1) % 4), see hv_pci_intx_gsi(). The
 * interrupt line register holds that GSI at reset, as firmware would write.
 *
 * Not locked: the owner serialises every call (the VM's device mutex). */
#ifndef HV_DEV_PCI_H
#define HV_DEV_PCI_H
#include <hv/bus.h>
#include <hv/dev/devsvc.h>
#include <kern/abi/pci_ids.h>
#include <kern/types.h>

#define HV_PCI_SLOTS         32
#define HV_PCI_MMIO_BASE     0xc0000000ull
#define HV_PCI_MMIO_END      0xfec00000ull /* IOAPIC above */
#define HV_PCI_IO_BASE       0xc000u
#define HV_PCI_IO_END        0x10000u
#define HV_PCI_ECAM_DEFAULT  0xb0000000ull
#define HV_PCI_INTX_GSI_BASE 16
#define HV_PCI_MSIX_MAX      32   /* vectors a device model may ask for */
#define HV_PCI_MEM_BAR_ALIGN 4096 /* memory BARs get at least a page */

enum hv_pci_bar_type {
	HV_PCI_BAR_NONE,
	HV_PCI_BAR_IO,
	HV_PCI_BAR_MEM32,
	HV_PCI_BAR_MEM64, /* takes this BAR and the next */
};

struct hv_pci_dev;

struct hv_pci_bar {
	enum hv_pci_bar_type type;
	bool prefetch;
	uint64_t size; /* power of two; I/O >= 4, memory >= 16 */
	/* Accesses inside the BAR, `offset` from its start. */
	const struct hv_bus_ops *ops;
	void *opaque;
	/* Where it is claimed on the bus now (mapped false: nowhere). */
	bool mapped;
	uint64_t mapped_at;
	struct hv_pci_dev *dev;
	unsigned index;
};

struct hv_pci_msix {
	unsigned nvec; /* 0: no MSI-X */
	uint8_t cap;   /* capability offset */
	unsigned bar;
	uint32_t table_off, pba_off;
	uint8_t table[HV_PCI_MSIX_MAX * PCI_MSIX_ENTRY_SIZE];
	uint32_t pending; /* PBA */
};

struct hv_pci_dev {
	uint8_t cfg[PCI_CFG_SPACE_SIZE];
	uint8_t wmask[PCI_CFG_SPACE_SIZE];
	uint8_t w1cmask[PCI_CFG_SPACE_SIZE];
	struct hv_pci_bar bar[PCI_NUM_BARS];
	struct hv_pci_msix msix;
	uint8_t cap_end; /* where the next capability goes */
	uint8_t cap_last;
	bool intx_asserted; /* the device's wish; the line also needs enable */
	bool intx_level;    /* what the GSI is driven to */
	const char *name;
	void *priv; /* the device model's */
	/* Optional: config access hooks for device-specific registers (the
	 * virtio PCI cfg window). read returns true if it supplied *val. */
	bool (*cfg_read)(struct hv_pci_dev *d, unsigned off, unsigned size, uint32_t *val);
	void (*cfg_written)(struct hv_pci_dev *d, unsigned off, unsigned size, uint32_t val);
	struct hv_pci_host *host; /* set by hv_pci_add */
	unsigned slot;
};

struct hv_pci_host {
	struct hv_bus *pio, *mmio;
	const struct hv_irq *irq;
	uint64_t ecam_base;
	uint32_t conf1_addr;
	uint8_t reset_control;
	/* Called when the guest resets through port 0xcf9 (may be NULL). */
	void (*reset)(void *ctx);
	void *reset_ctx;
	struct hv_pci_dev bridge;
	struct hv_pci_dev *slot[HV_PCI_SLOTS];
	uint64_t mmio_next;
	uint32_t io_next;
	bool pio_claimed, ecam_claimed;
};

/* Claims ports 0xcf8-0xcff on `pio` and the ECAM window on `mmio`, and puts
 * the host bridge at 00.0. ecam_base must be 1 MiB aligned. */
int hv_pci_host_init(struct hv_pci_host *h, struct hv_bus *pio, struct hv_bus *mmio, const struct hv_irq *irq,
                     uint64_t ecam_base);
/* Releases every bus range of the host and of the devices still added (the
 * devices themselves belong to their models). */
void hv_pci_host_destroy(struct hv_pci_host *h);
/* Puts `d` in the first free slot, places its BARs and enables decode.
 * -ENOSPC: no slot or window space left. Returns the slot. */
int hv_pci_add(struct hv_pci_host *h, struct hv_pci_dev *d);
void hv_pci_remove(struct hv_pci_host *h, struct hv_pci_dev *d);
/* The GSI the INTx pin (1-4) of `slot` drives: what an MP table or ACPI
 * _PRT describes. */
unsigned hv_pci_intx_gsi(unsigned slot, unsigned pin);

/* Config access to bus 0 as the CPU sees it (offset < 4096; sizes 1, 2, 4).
 * Absent functions read as all ones. */
uint32_t hv_pci_config_read(struct hv_pci_host *h, unsigned dev, unsigned fn, unsigned off, unsigned size);
void hv_pci_config_write(struct hv_pci_host *h, unsigned dev, unsigned fn, unsigned off, unsigned size, uint32_t val);

/* Device construction (before hv_pci_add). class_code = class << 16 |
 * subclass << 8 | prog-if. pin: 0 none, 1 INTA# ... */
void hv_pci_dev_init(struct hv_pci_dev *d, uint16_t vendor, uint16_t device, uint32_t class_code, uint8_t revision,
                     uint16_t subsys_vendor, uint16_t subsys_id, uint8_t pin, const char *name);
/* Declares BAR `idx` (a 64-bit BAR also uses idx+1). -EINVAL for a bad
 * index, type or size. */
int hv_pci_dev_set_bar(struct hv_pci_dev *d, unsigned idx, enum hv_pci_bar_type type, bool prefetch, uint64_t size,
                       const struct hv_bus_ops *ops, void *opaque);
/* Appends a capability of `len` bytes (id and next filled in, the rest
 * zero and read-only). Returns its offset or -ENOSPC. */
int hv_pci_dev_add_cap(struct hv_pci_dev *d, uint8_t id, unsigned len);
/* Adds an MSI-X capability with `nvec` vectors, table and PBA at the given
 * offsets of memory BAR `bar` (declared before). Accesses there go to the
 * MSI-X model, the rest of the BAR to its ops. */
int hv_pci_msix_init(struct hv_pci_dev *d, unsigned nvec, unsigned bar, uint32_t table_off, uint32_t pba_off);

/* Config helpers for device models. */
static inline void hv_pci_cfg_set16(struct hv_pci_dev *d, unsigned off, uint16_t v)
{
	d->cfg[off] = (uint8_t)v;
	d->cfg[off + 1] = (uint8_t)(v >> 8);
}

static inline void hv_pci_cfg_set32(struct hv_pci_dev *d, unsigned off, uint32_t v)
{
	hv_pci_cfg_set16(d, off, (uint16_t)v);
	hv_pci_cfg_set16(d, off + 2, (uint16_t)(v >> 16));
}

static inline uint16_t hv_pci_cfg_get16(const struct hv_pci_dev *d, unsigned off)
{
	return (uint16_t)(d->cfg[off] | d->cfg[off + 1] << 8);
}

static inline uint32_t hv_pci_cfg_get32(const struct hv_pci_dev *d, unsigned off)
{
	return hv_pci_cfg_get16(d, off) | (uint32_t)hv_pci_cfg_get16(d, off + 2) << 16;
}

/* Interrupts. MSI-X enabled: hv_pci_msix_notify delivers (or marks pending)
 * and returns true; false means MSI-X is off and the caller uses INTx. */
bool hv_pci_msix_enabled(const struct hv_pci_dev *d);
bool hv_pci_msix_notify(struct hv_pci_dev *d, unsigned vector);
/* Sets the device's INTx wish; the line follows it unless INTx is
 * disabled in the command register or MSI-X is on. */
void hv_pci_set_intx(struct hv_pci_dev *d, bool level);
#endif
