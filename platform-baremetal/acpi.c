/* ACPI table discovery: RSDP (from the loader or a BIOS-area scan), then the
 * XSDT or RSDT, every table checksum-validated before use. */
#include <kern/string.h>
#include <plat/mem.h>
#include "acpi.h"
#include "boot.h"
#include "paging.h"

#define ACPI_RSDP_V1_LEN 20
#define BDA_EBDA_SEGMENT 0x40e /* BIOS data area: EBDA segment (hardware-defined) */
#define BIOS_ROM_START 0xe0000
#define BIOS_ROM_END 0x100000
#define ACPI_MAX_TABLES 64
#define ACPI_MAX_TABLE_LEN MiB(16) /* far above any real table: longer is corrupt */

static const struct acpi_header *root;
static bool root_is_xsdt;

const void *acpi_map(paddr_t pa, uint64_t len)
{
	if (!pa || !paging_direct_mapped(pa, len))
		return NULL;
	return plat_phys_to_virt(pa);
}

static bool checksum_ok(const void *p, size_t len)
{
	const uint8_t *b = p;
	uint8_t sum = 0;

	for (size_t i = 0; i < len; i++)
		sum += b[i];
	return sum == 0;
}

static bool rsdp_valid(const struct acpi_rsdp *r, size_t avail)
{
	if (avail < ACPI_RSDP_V1_LEN || memcmp(r->signature, "RSD PTR ", 8) != 0 ||
	    !checksum_ok(r, ACPI_RSDP_V1_LEN))
		return false;
	if (r->revision >= 2 && (avail < sizeof(*r) || r->length < sizeof(*r) || !checksum_ok(r, sizeof(*r))))
		return false;
	return true;
}

static const struct acpi_rsdp *scan_for_rsdp(paddr_t start, paddr_t end)
{
	for (paddr_t pa = ALIGN_UP(start, 16); pa + sizeof(struct acpi_rsdp) <= end; pa += 16) {
		const struct acpi_rsdp *r = acpi_map(pa, sizeof(*r));

		if (r && rsdp_valid(r, sizeof(*r)))
			return r;
	}
	return NULL;
}

static const struct acpi_rsdp *find_rsdp(const uint8_t *copy, size_t len)
{
	const struct acpi_rsdp *r;
	const uint16_t *ebda_seg;

	if (len) {
		if (rsdp_valid((const struct acpi_rsdp *)copy, len))
			return (const struct acpi_rsdp *)copy;
		bm_log("acpi: the loader's RSDP is invalid (bad signature or checksum)");
	}
	/* Legacy BIOS: the first KiB of the EBDA, then the BIOS ROM area. */
	ebda_seg = acpi_map(BDA_EBDA_SEGMENT, 2);
	if (ebda_seg && *ebda_seg) {
		paddr_t ebda = (paddr_t)*ebda_seg << 4;

		if (ebda < BIOS_ROM_END && (r = scan_for_rsdp(ebda, ebda + 1024)))
			return r;
	}
	return scan_for_rsdp(BIOS_ROM_START, BIOS_ROM_END);
}

/* Maps a whole table and checks its signature, length and checksum. */
static const struct acpi_header *map_table(paddr_t pa, const char *sig)
{
	const struct acpi_header *h = acpi_map(pa, sizeof(*h));

	if (!h) {
		bm_log("acpi: table at 0x%lx is outside known memory", (unsigned long)pa);
		return NULL;
	}
	if (sig && memcmp(h->signature, sig, 4) != 0)
		return NULL;
	if (h->length < sizeof(*h) || h->length > ACPI_MAX_TABLE_LEN) {
		bm_log("acpi: %.4s at 0x%lx claims length %u, ignoring it", h->signature, (unsigned long)pa,
		       h->length);
		return NULL;
	}
	if (!(h = acpi_map(pa, h->length)))
		return NULL;
	if (!checksum_ok(h, h->length)) {
		bm_log("acpi: %.4s at 0x%lx has a bad checksum, ignoring it", h->signature, (unsigned long)pa);
		return NULL;
	}
	return h;
}

bool acpi_init(const uint8_t *rsdp_copy, size_t len)
{
	const struct acpi_rsdp *r = find_rsdp(rsdp_copy, len);

	if (!r) {
		bm_log("acpi: no valid RSDP found");
		return false;
	}
	if (r->revision >= 2 && r->xsdt_address) {
		root = map_table(r->xsdt_address, "XSDT");
		root_is_xsdt = root != NULL;
	}
	if (!root && r->rsdt_address)
		root = map_table(r->rsdt_address, "RSDT");
	if (!root) {
		bm_log("acpi: no valid RSDT/XSDT");
		return false;
	}
	bm_log("acpi: revision %u, %s with %u tables", r->revision, root_is_xsdt ? "XSDT" : "RSDT",
	       (unsigned)((root->length - sizeof(*root)) / (root_is_xsdt ? 8 : 4)));
	return true;
}

const struct acpi_header *acpi_find_table(const char sig[4])
{
	const uint8_t *entries;
	unsigned count, width = root_is_xsdt ? 8 : 4;

	if (!root)
		return NULL;
	entries = (const uint8_t *)(root + 1);
	count = MIN((root->length - sizeof(*root)) / width, ACPI_MAX_TABLES);
	for (unsigned i = 0; i < count; i++) {
		uint64_t pa = 0;
		const struct acpi_header *h;

		memcpy(&pa, entries + i * width, width); /* entries are unaligned */
		h = acpi_map(pa, sizeof(*h));
		if (!h || memcmp(h->signature, sig, 4) != 0)
			continue;
		if ((h = map_table(pa, sig)))
			return h;
	}
	return NULL;
}
