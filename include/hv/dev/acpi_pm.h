/* The ACPI PM1a event and control registers the FADT points at
 * (include/hv/acpi.h, ACPI 6.x 4.8.3): status (write 1 to clear) and enable
 * at +0 and +2, control at +4. SCI_EN reads 1 from reset (there is no SMI
 * to switch to ACPI mode); writing SLP_EN with SLP_TYP = 5 (\_S5) powers
 * the machine off through the backend, other sleep types wake at once
 * (WAK_STS). Nothing raises the SCI: no event source is modelled. The
 * owner serialises calls. */
#ifndef HV_DEV_ACPI_PM_H
#define HV_DEV_ACPI_PM_H
#include <hv/bus.h>
#include <kern/types.h>

struct hv_acpi_pm_backend {
	void (*poweroff)(void *ctx); /* the guest entered S5 */
	void *ctx;
};

struct hv_acpi_pm {
	uint16_t sts, en, cnt;
	struct hv_acpi_pm_backend be;
};

void hv_acpi_pm_init(struct hv_acpi_pm *pm, const struct hv_acpi_pm_backend *be);
/* Byte-granular accesses to the block at offset `off` (0..5); bytes past
 * the block read 0xff and are ignored on writes. */
uint64_t hv_acpi_pm_read(struct hv_acpi_pm *pm, unsigned off, unsigned size);
void hv_acpi_pm_write(struct hv_acpi_pm *pm, unsigned off, unsigned size, uint64_t v);
/* Claims HV_ACPI_PM1_PORT .. + HV_ACPI_PM1_PORTS on `pio`. */
int hv_acpi_pm_attach(struct hv_acpi_pm *pm, struct hv_bus *pio);
#endif
