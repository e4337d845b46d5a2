/* Power off and reboot. Under QEMU the isa-debug-exit device reports the
 * status; elsewhere ACPI sleep state S5 (from the FADT and the DSDT's \_S5
 * package) turns the machine off. */
#include <kern/string.h>
#include <plat/cpu.h>
#include <plat/io.h>
#include <plat/power.h>
#include "acpi.h"
#include "boot.h"
#include "cpu_ops.h"
#include "timekeeping.h"

#define QEMU_DEBUG_EXIT_PORT 0xf4
#define KBC_STATUS_PORT 0x64
#define KBC_STATUS_INPUT_FULL 0x02
#define KBC_CMD_PULSE_RESET 0xfe
#define ACPI_SLP_EN (1 << 13)
#define ACPI_SLP_TYP_SHIFT 10
/* QEMU's fixed PM1a control ports (PIIX4 and ICH9), if ACPI says nothing. */
#define QEMU_PIIX4_PM1A_CNT 0x604
#define QEMU_OLD_PM1A_CNT 0xb004
#define POWEROFF_SETTLE_NS 200000000ULL

struct __attribute__((packed)) acpi_gas {
	uint8_t space; /* 0 memory, 1 I/O */
	uint8_t bit_width;
	uint8_t bit_offset;
	uint8_t access_size;
	uint64_t address;
};

struct __attribute__((packed)) acpi_fadt {
	struct acpi_header h;
	uint32_t firmware_ctrl;
	uint32_t dsdt;
	uint8_t reserved0;
	uint8_t preferred_pm_profile;
	uint16_t sci_int;
	uint32_t smi_cmd;
	uint8_t acpi_enable, acpi_disable, s4bios_req, pstate_cnt;
	uint32_t pm1a_evt_blk, pm1b_evt_blk, pm1a_cnt_blk, pm1b_cnt_blk;
	uint32_t pm2_cnt_blk, pm_tmr_blk, gpe0_blk, gpe1_blk;
	uint8_t pm1_evt_len, pm1_cnt_len, pm2_cnt_len, pm_tmr_len;
	uint8_t gpe0_blk_len, gpe1_blk_len, gpe1_base, cst_cnt;
	uint16_t p_lvl2_lat, p_lvl3_lat, flush_size, flush_stride;
	uint8_t duty_offset, duty_width, day_alrm, mon_alrm, century;
	uint16_t iapc_boot_arch;
	uint8_t reserved1;
	uint32_t flags;
	struct acpi_gas reset_reg;
	uint8_t reset_value;
};

#define FADT_FLAG_RESET_REG_SUP (1 << 10)

/* Finds the SLP_TYPa value of \_S5 by scanning the DSDT's AML for the
 * package "_S5_" (NameOp, then PackageOp, length, count, first element). */
static bool acpi_s5_sleep_type(const struct acpi_fadt *fadt, uint16_t *slp_typ)
{
	const struct acpi_header *dsdt;
	const uint8_t *aml;

	if (!fadt->dsdt)
		return false;
	dsdt = acpi_map(fadt->dsdt, sizeof(*dsdt));
	if (!dsdt || memcmp(dsdt->signature, "DSDT", 4) != 0)
		return false;
	dsdt = acpi_map(fadt->dsdt, dsdt->length);
	if (!dsdt)
		return false;
	aml = (const uint8_t *)dsdt;
	for (uint32_t i = sizeof(*dsdt); i + 12 < dsdt->length; i++) {
		const uint8_t *p = aml + i;

		if (memcmp(p, "_S5_", 4) != 0 || p[4] != 0x12 /* PackageOp */)
			continue;
		if (!(p[-1] == 0x08 || (p[-2] == 0x08 && p[-1] == '\\')))
			continue;
		p += 5;
		p += ((*p >> 6) & 3) + 1; /* PkgLength */
		p++;                       /* NumElements */
		if (*p == 0x0a)            /* BytePrefix */
			p++;
		else if (*p > 1 && *p != 0xff) /* ZeroOp/OneOp are 0x00/0x01 */
			return false;
		*slp_typ = *p & 7;
		return true;
	}
	return false;
}

static bool acpi_poweroff(void)
{
	const struct acpi_fadt *fadt = (const struct acpi_fadt *)acpi_find_table("FACP");
	uint16_t slp_typ;

	if (!fadt || !fadt->pm1a_cnt_blk || !acpi_s5_sleep_type(fadt, &slp_typ))
		return false;
	plat_outw((uint16_t)fadt->pm1a_cnt_blk, (uint16_t)(slp_typ << ACPI_SLP_TYP_SHIFT | ACPI_SLP_EN));
	if (fadt->pm1b_cnt_blk)
		plat_outw((uint16_t)fadt->pm1b_cnt_blk, (uint16_t)(slp_typ << ACPI_SLP_TYP_SHIFT | ACPI_SLP_EN));
	return true;
}

NORETURN void plat_poweroff(int status)
{
	plat_irq_disable();
	plat_outl(QEMU_DEBUG_EXIT_PORT, (uint32_t)status);
	/* Each attempt gets a moment to take effect (an emulator may finish
	 * the current instructions first) before the next one. */
	if (acpi_poweroff()) {
		delay_ns(POWEROFF_SETTLE_NS);
		bm_log("ACPI S5 did not power off");
	}
	/* QEMU's PM ports with SLP_TYP 0 (its \_S5). */
	plat_outw(QEMU_PIIX4_PM1A_CNT, ACPI_SLP_EN);
	plat_outw(QEMU_OLD_PM1A_CNT, ACPI_SLP_EN);
	delay_ns(POWEROFF_SETTLE_NS);
	bm_log("power off failed; halting");
	halt_forever();
	__builtin_unreachable();
}

NORETURN void plat_reboot(void)
{
	const struct acpi_fadt *fadt = (const struct acpi_fadt *)acpi_find_table("FACP");
	struct desc_ptr_null {
		uint16_t limit;
		uint64_t base;
	} __attribute__((packed)) no_idt = {0, 0};

	plat_irq_disable();
	/* The keyboard controller's reset line. */
	for (int i = 0; i < 100000 && (plat_inb(KBC_STATUS_PORT) & KBC_STATUS_INPUT_FULL); i++)
		plat_cpu_relax();
	plat_outb(KBC_STATUS_PORT, KBC_CMD_PULSE_RESET);
	/* The ACPI reset register, if it is an I/O port. */
	if (fadt && fadt->h.length >= sizeof(*fadt) && (fadt->flags & FADT_FLAG_RESET_REG_SUP) &&
	    fadt->reset_reg.space == 1)
		plat_outb((uint16_t)fadt->reset_reg.address, fadt->reset_value);
	/* A triple fault: any exception with no IDT. */
	__asm__ volatile("lidt %0; int3" ::"m"(no_idt));
	halt_forever();
	__builtin_unreachable();
}
