/* The guest's ACPI tables (include/hv/acpi.h; ACPI 6.x chapters 5 and 19). */
#include <hv/acpi.h>
#include <hv/dev/pci.h>
#include <kern/errno.h>
#include <kern/mm.h>
#include <kern/string.h>

#include "loader_internal.h"

#define OEM_ID       "MCRHRD"
#define OEM_TABLE_ID "HV PC   "
#define CREATOR_ID   "MCHV"
#define LAPIC_ADDR   0xfee00000u
#define DSDT_MAX     (HV_ACPI_MADT_OFF - HV_ACPI_DSDT_OFF)
#define MADT_FIXED   44

/* FADT fields (ACPI 6.x, table 5.9). */
#define FADT_FIRMWARE_CTRL 36
#define FADT_DSDT          40
#define FADT_SCI_INT       46
#define FADT_SMI_CMD       48
#define FADT_PM1A_EVT_BLK  56
#define FADT_PM1A_CNT_BLK  64
#define FADT_PM1_EVT_LEN   88
#define FADT_PM1_CNT_LEN   89
#define FADT_P_LVL2_LAT    96
#define FADT_P_LVL3_LAT    98
#define FADT_IAPC_BOOT     109
#define FADT_FLAGS         112
#define FADT_MINOR         131
#define FADT_X_FACS        132
#define FADT_X_DSDT        140
#define FADT_X_PM1A_EVT    148
#define FADT_X_PM1A_CNT    172

#define BOOT_LEGACY_DEVICES 0x0001 /* ISA devices (RTC, PIT, COM1) */
#define BOOT_8042           0x0002
#define FLAG_WBINVD         (1u << 0)
#define FLAG_PROC_C1        (1u << 2)
#define FLAG_PWR_BUTTON     (1u << 4) /* no fixed power button */
#define FLAG_SLP_BUTTON     (1u << 5) /* no fixed sleep button */
#define LAT_NO_C2           101       /* > 100 us: C2 not supported */
#define LAT_NO_C3           1001      /* > 1000 us: C3 not supported */
#define GAS_SYSTEM_IO       1
#define GAS_ACCESS_WORD     2

/* MADT entries (ACPI 6.x, 5.2.12). */
enum { MADT_LAPIC = 0, MADT_IOAPIC = 1, MADT_ISO = 2, MADT_LAPIC_NMI = 4 };
#define MADT_PCAT_COMPAT  1 /* dual 8259s present */
#define MADT_ENABLED      1
#define MPS_ACTIVE_HIGH   0x0001 /* MPS INTI flags: polarity */
#define MPS_LEVEL         0x000c /* trigger mode level */
#define MADT_LAPIC_LEN    8
#define MADT_IOAPIC_LEN   12
#define MADT_ISO_LEN      10
#define MADT_LAPIC_NMI_LN 6

const uint8_t hv_acpi_s5_aml[14] = {0x08, '_',
                                    'S',  '5',
                                    '_', /* NameOp _S5_ */
                                    0x12, 0x08,
                                    0x04,                     /* PackageOp, PkgLength 8, 4 elements */
                                    0x0a, HV_ACPI_S5_SLP_TYP, /* BytePrefix: SLP_TYPa */
                                    0x0a, HV_ACPI_S5_SLP_TYP, /* BytePrefix: SLP_TYPb */
                                    0x00, 0x00};              /* ZeroOp (reserved) x2 */

static uint8_t checksum(const uint8_t *p, size_t n)
{
	uint8_t sum = 0;
	while (n--)
		sum = (uint8_t)(sum + *p++);
	return (uint8_t)-sum;
}

static void header(uint8_t *t, const char *sig, uint32_t len, uint8_t rev)
{
	memcpy(t, sig, 4);
	put32(t + 4, len);
	t[8] = rev;
	memcpy(t + 10, OEM_ID, 6);
	memcpy(t + 16, OEM_TABLE_ID, 8);
	put32(t + 24, 1);
	memcpy(t + 28, CREATOR_ID, 4);
	put32(t + 32, 1);
}

static void seal(uint8_t *t)
{
	t[9] = 0;
	t[9] = checksum(t, get32(t + 4));
}

static void gas_io(uint8_t *g, uint8_t bits, uint16_t port)
{
	g[0] = GAS_SYSTEM_IO, g[1] = bits, g[2] = 0, g[3] = GAS_ACCESS_WORD;
	put64(g + 4, port);
}

/* ---- AML: a byte stream with back-patched two-byte PkgLengths ---- */

struct aml {
	uint8_t *p;
	size_t n, max;
};

static void aml_bytes(struct aml *a, const void *b, size_t n)
{
	if (a->n + n <= a->max)
		memcpy(a->p + a->n, b, n);
	a->n += n;
}

static void aml_byte(struct aml *a, uint8_t b)
{
	aml_bytes(a, &b, 1);
}

static void aml_le(struct aml *a, uint64_t v, unsigned n)
{
	while (n--)
		aml_byte(a, (uint8_t)v), v >>= 8;
}

/* Opens a PkgLength; returns where it is, for aml_close. */
static size_t aml_open(struct aml *a)
{
	size_t at = a->n;
	aml_le(a, 0, 2);
	return at;
}

/* The two-byte form (bits 7:6 = 1 following byte) holds up to 4095. */
static void aml_close(struct aml *a, size_t at)
{
	size_t len = a->n - at;
	if (at + 2 <= a->max && len < 4096)
		a->p[at] = (uint8_t)(0x40 | (len & 0x0f)), a->p[at + 1] = (uint8_t)(len >> 4);
	else
		a->n = a->max + 1; /* too long: make the caller fail */
}

/* Word address space descriptor (6.4.3.5.3): a fixed [min, max] window the
 * bridge produces. */
static void res_word(struct aml *a, uint8_t type, uint8_t type_flags, uint16_t min, uint16_t max)
{
	aml_byte(a, 0x88);
	aml_le(a, 13, 2);
	aml_byte(a, type);
	aml_byte(a, 0x0c); /* _MIF, _MAF fixed; producer */
	aml_byte(a, type_flags);
	aml_le(a, 0, 2); /* granularity */
	aml_le(a, min, 2);
	aml_le(a, max, 2);
	aml_le(a, 0, 2); /* translation */
	aml_le(a, (uint32_t)max - min + 1, 2);
}

static void res_dword_mem(struct aml *a, uint32_t min, uint32_t max)
{
	aml_byte(a, 0x87);
	aml_le(a, 23, 2);
	aml_byte(a, 0); /* memory */
	aml_byte(a, 0x0c);
	aml_byte(a, 0x01); /* read/write, non-cacheable */
	aml_le(a, 0, 4);
	aml_le(a, min, 4);
	aml_le(a, max, 4);
	aml_le(a, 0, 4);
	aml_le(a, max - min + 1, 4);
}

/* \_SB.PCI0: the host bridge (PNP0A03), so that Linux's ACPI PCI code
 * scans bus 0, with the windows hv/pci/host.c places BARs in (_CRS). No
 * _PRT: the virtio devices use MSI-X. */
static void aml_pci0(struct aml *a)
{
	static const uint8_t hid[] = {0x08, '_', 'H', 'I', 'D', 0x0c, 0x41, 0xd0, 0x0a, 0x03}; /* EISAID PNP0A03 */
	static const uint8_t uid[] = {0x08, '_', 'U', 'I', 'D', 0x00};
	static const uint8_t cfg_io[] = {0x47, 0x01, 0xf8, 0x0c, 0xf8, 0x0c, 0x01, 0x08}; /* IO 0xcf8, 8 ports */
	size_t scope, dev, crs, buf;

	aml_byte(a, 0x10); /* ScopeOp */
	scope = aml_open(a);
	aml_bytes(a, "\\_SB_", 5);
	aml_bytes(a, (const uint8_t[]){0x5b, 0x82}, 2); /* DeviceOp */
	dev = aml_open(a);
	aml_bytes(a, "PCI0", 4);
	aml_bytes(a, hid, sizeof(hid));
	aml_bytes(a, uid, sizeof(uid));
	aml_bytes(a, "\x08_CRS", 5);
	aml_byte(a, 0x11); /* BufferOp */
	crs = aml_open(a);
	aml_byte(a, 0x0b); /* WordPrefix: the buffer size, patched below */
	buf = a->n;
	aml_le(a, 0, 2);
	res_word(a, 2, 0, 0, 0xff); /* bus numbers */
	aml_bytes(a, cfg_io, sizeof(cfg_io));
	res_word(a, 1, 3, 0, 0xcf7);
	res_word(a, 1, 3, 0xd00, 0xffff);
	res_dword_mem(a, (uint32_t)HV_PCI_MMIO_BASE, (uint32_t)(HV_PCI_MMIO_END - 1));
	aml_bytes(a, (const uint8_t[]){0x79, 0x00}, 2); /* end tag */
	if (buf + 2 <= a->max)
		put16(a->p + buf, (uint16_t)(a->n - buf - 2));
	aml_close(a, crs);
	aml_close(a, dev);
	aml_close(a, scope);
}

/* Returns the DSDT's length, 0 if it would not fit. */
static size_t build_dsdt(uint8_t *t, size_t max)
{
	struct aml a = {t + HV_ACPI_HEADER_LEN, 0, max - HV_ACPI_HEADER_LEN};

	aml_bytes(&a, hv_acpi_s5_aml, sizeof(hv_acpi_s5_aml));
	aml_pci0(&a);
	if (a.n > a.max)
		return 0;
	header(t, "DSDT", (uint32_t)(HV_ACPI_HEADER_LEN + a.n), 2);
	seal(t);
	return HV_ACPI_HEADER_LEN + a.n;
}

static void build_fadt(uint8_t *t, uint32_t base)
{
	header(t, "FACP", HV_ACPI_FADT_LEN, 6);
	put32(t + FADT_FIRMWARE_CTRL, 0); /* must be 0 when X_FIRMWARE_CTRL is set */
	put32(t + FADT_DSDT, base + HV_ACPI_DSDT_OFF);
	put16(t + FADT_SCI_INT, HV_ACPI_SCI_IRQ);
	put32(t + FADT_SMI_CMD, 0); /* no SMI: the PM1 model starts with SCI_EN set */
	put32(t + FADT_PM1A_EVT_BLK, HV_ACPI_PM1_PORT);
	put32(t + FADT_PM1A_CNT_BLK, HV_ACPI_PM1_PORT + HV_ACPI_PM1_CNT_OFF);
	t[FADT_PM1_EVT_LEN] = HV_ACPI_PM1_EVT_LEN;
	t[FADT_PM1_CNT_LEN] = HV_ACPI_PM1_CNT_LEN;
	put16(t + FADT_P_LVL2_LAT, LAT_NO_C2);
	put16(t + FADT_P_LVL3_LAT, LAT_NO_C3);
	put16(t + FADT_IAPC_BOOT, BOOT_LEGACY_DEVICES | BOOT_8042);
	put32(t + FADT_FLAGS, FLAG_WBINVD | FLAG_PROC_C1 | FLAG_PWR_BUTTON | FLAG_SLP_BUTTON);
	t[FADT_MINOR] = 0;
	put64(t + FADT_X_FACS, base + HV_ACPI_FACS_OFF);
	put64(t + FADT_X_DSDT, base + HV_ACPI_DSDT_OFF);
	gas_io(t + FADT_X_PM1A_EVT, HV_ACPI_PM1_EVT_LEN * 8, HV_ACPI_PM1_PORT);
	gas_io(t + FADT_X_PM1A_CNT, HV_ACPI_PM1_CNT_LEN * 8, HV_ACPI_PM1_PORT + HV_ACPI_PM1_CNT_OFF);
	seal(t);
}

static size_t madt_len(const struct hv_acpi_config *c)
{
	return MADT_FIXED + (size_t)c->ncpus * MADT_LAPIC_LEN + MADT_IOAPIC_LEN + 2 * MADT_ISO_LEN + MADT_LAPIC_NMI_LN;
}

static uint8_t *madt_iso(uint8_t *e, uint8_t irq, uint32_t gsi, uint16_t flags)
{
	e[0] = MADT_ISO, e[1] = MADT_ISO_LEN, e[2] = 0 /* ISA */, e[3] = irq;
	put32(e + 4, gsi);
	put16(e + 8, flags);
	return e + MADT_ISO_LEN;
}

static void build_madt(uint8_t *t, const struct hv_acpi_config *c)
{
	uint8_t *e = t + MADT_FIXED;

	header(t, "APIC", (uint32_t)madt_len(c), 5);
	put32(t + 36, LAPIC_ADDR);
	put32(t + 40, MADT_PCAT_COMPAT);
	for (unsigned i = 0; i < c->ncpus; i++, e += MADT_LAPIC_LEN) {
		e[0] = MADT_LAPIC, e[1] = MADT_LAPIC_LEN, e[2] = (uint8_t)i, e[3] = (uint8_t)i;
		put32(e + 4, MADT_ENABLED);
	}
	e[0] = MADT_IOAPIC, e[1] = MADT_IOAPIC_LEN, e[2] = (uint8_t)c->ncpus, e[3] = 0;
	put32(e + 4, (uint32_t)c->ioapic_addr);
	put32(e + 8, 0); /* GSI base */
	e += MADT_IOAPIC_LEN;
	e = madt_iso(e, 0, 2, 0); /* the PIT on pin 2, as on every PC */
	e = madt_iso(e, HV_ACPI_SCI_IRQ, HV_ACPI_SCI_IRQ, MPS_ACTIVE_HIGH | MPS_LEVEL);
	e[0] = MADT_LAPIC_NMI, e[1] = MADT_LAPIC_NMI_LN, e[2] = 0xff; /* all processors */
	put16(e + 3, 0);
	e[5] = 1; /* LINT1 */
	seal(t);
}

static void build_rsdp(uint8_t *r, uint32_t base)
{
	memcpy(r, "RSD PTR ", 8);
	memcpy(r + 9, OEM_ID, 6);
	r[15] = 2;
	put32(r + 16, 0); /* no RSDT: revision 2 readers take the XSDT */
	put32(r + 20, HV_ACPI_RSDP_LEN);
	put64(r + 24, base + HV_ACPI_XSDT_OFF);
	r[8] = checksum(r, 20);
	r[32] = checksum(r, HV_ACPI_RSDP_LEN);
}

static void build_xsdt(uint8_t *t, uint32_t base)
{
	header(t, "XSDT", HV_ACPI_HEADER_LEN + 2 * 8, 1);
	put64(t + HV_ACPI_HEADER_LEN, base + HV_ACPI_FADT_OFF);
	put64(t + HV_ACPI_HEADER_LEN + 8, base + HV_ACPI_MADT_OFF);
	seal(t);
}

static void build_facs(uint8_t *f)
{
	memcpy(f, "FACS", 4);
	put32(f + 4, HV_ACPI_FACS_LEN);
	f[32] = 2; /* version */
}

size_t hv_acpi_size(const struct hv_acpi_config *c)
{
	return HV_ACPI_MADT_OFF + madt_len(c);
}

int hv_acpi_write(struct gmem *m, uint64_t gpa, const struct hv_acpi_config *c)
{
	uint8_t *buf; /* a kernel buffer: two VMs may build their tables at once */
	uint32_t base = (uint32_t)gpa;
	size_t size;
	int rc;

	if (!m || !c || !c->ncpus || c->ncpus > HV_ACPI_MAX_CPUS || gpa & 15 || c->ioapic_addr >= 0x100000000ull)
		return -EINVAL;
	size = hv_acpi_size(c);
	if (gpa + size > 0x100000000ull)
		return -EINVAL;
	buf = kzalloc(size);
	if (!buf)
		return -ENOMEM;
	build_rsdp(buf + HV_ACPI_RSDP_OFF, base);
	build_xsdt(buf + HV_ACPI_XSDT_OFF, base);
	build_fadt(buf + HV_ACPI_FADT_OFF, base);
	build_facs(buf + HV_ACPI_FACS_OFF);
	build_madt(buf + HV_ACPI_MADT_OFF, c);
	if (!build_dsdt(buf + HV_ACPI_DSDT_OFF, DSDT_MAX))
		rc = -EINVAL;
	else
		rc = !loader_ram_range(m, gpa, size) || gmem_write(m, gpa, buf, size) ? -EFAULT : 0;
	kfree(buf);
	return rc;
}
