/* ACPI PM1a event and control registers (include/hv/dev/acpi_pm.h). */
#include <hv/acpi.h>
#include <hv/dev/acpi_pm.h>
#include <kern/string.h>

/* Control bits that read back: SLP_TYP. SCI_EN is forced to 1; SLP_EN,
 * GBL_RLS and BM_RLD are write-only or meaningless here. */
#define CNT_STORED HV_ACPI_PM1_SLP_TYP_MASK

void hv_acpi_pm_init(struct hv_acpi_pm *pm, const struct hv_acpi_pm_backend *be)
{
	memset(pm, 0, sizeof(*pm));
	pm->cnt = HV_ACPI_PM1_SCI_EN;
	if (be)
		pm->be = *be;
}

static uint16_t *reg(struct hv_acpi_pm *pm, unsigned off)
{
	switch (off / 2) {
	case 0: return &pm->sts;
	case 1: return &pm->en;
	case HV_ACPI_PM1_CNT_OFF / 2: return &pm->cnt;
	default: return NULL;
	}
}

uint64_t hv_acpi_pm_read(struct hv_acpi_pm *pm, unsigned off, unsigned size)
{
	uint64_t v = 0;

	for (unsigned i = size < 8 ? size : 8; i-- > 0;) {
		uint16_t *r = off + i < HV_ACPI_PM1_PORTS ? reg(pm, off + i) : NULL;
		v = v << 8 | (r ? (uint8_t)(*r >> ((off + i) % 2 * 8)) : 0xff);
	}
	return v;
}

static void control_written(struct hv_acpi_pm *pm, uint16_t v)
{
	unsigned typ = (v & HV_ACPI_PM1_SLP_TYP_MASK) >> HV_ACPI_PM1_SLP_TYP_SHIFT;

	pm->cnt = (uint16_t)(HV_ACPI_PM1_SCI_EN | (v & CNT_STORED));
	if (!(v & HV_ACPI_PM1_SLP_EN))
		return;
	if (typ == HV_ACPI_S5_SLP_TYP && pm->be.poweroff)
		pm->be.poweroff(pm->be.ctx);
	else
		pm->sts |= HV_ACPI_PM1_WAK_STS; /* a sleep state we do not model: wake at once */
}

void hv_acpi_pm_write(struct hv_acpi_pm *pm, unsigned off, unsigned size, uint64_t v)
{
	uint16_t sts_clear = 0, en = pm->en, cnt = pm->cnt;
	bool cnt_hit = false;

	for (unsigned i = 0; i < size && i < 8 && off + i < HV_ACPI_PM1_PORTS; i++) {
		unsigned at = off + i, shift = at % 2 * 8;
		uint16_t byte = (uint16_t)((v >> (8 * i)) & 0xff), mask = (uint16_t)(0xff << shift);
		if (at / 2 == 0)
			sts_clear |= (uint16_t)(byte << shift);
		else if (at / 2 == 1)
			en = (uint16_t)((en & ~mask) | byte << shift);
		else
			cnt = (uint16_t)((cnt & ~mask) | byte << shift), cnt_hit = true;
	}
	pm->sts &= (uint16_t)~sts_clear;
	pm->en = en;
	if (cnt_hit)
		control_written(pm, cnt);
}

static uint64_t pm_read(void *dev, unsigned cpu, uint64_t off, unsigned size)
{
	(void)cpu;
	return hv_acpi_pm_read(dev, (unsigned)off, size);
}

static void pm_write(void *dev, unsigned cpu, uint64_t off, unsigned size, uint64_t v)
{
	(void)cpu;
	hv_acpi_pm_write(dev, (unsigned)off, size, v);
}

static const struct hv_bus_ops pm_ops = {pm_read, pm_write};

int hv_acpi_pm_attach(struct hv_acpi_pm *pm, struct hv_bus *pio)
{
	return hv_bus_add(pio, HV_ACPI_PM1_PORT, HV_ACPI_PM1_PORTS, &pm_ops, pm, "acpi-pm1");
}
