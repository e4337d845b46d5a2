/* The test guests (tests/guests/) booted in a VM on the platform's hardware
 * backend (KVM when hosted): each guest prints PASS/FAIL lines on COM1 and a
 * SUMMARY, then powers off through the debug exit port with its failure
 * count. A test passes when the guest powered off with status 0, printed
 * no FAIL line and exactly the PASS lines it is known to have. */
#include <hv/dev/testdev.h>
#include <hv/guest_images.h>
#include <hv/loader.h>
#include <hv/mptable.h>
#include <hv/vm.h>
#include <kern/errno.h>
#include <kern/ktest.h>
#include <kern/mm.h>
#include <kern/printf.h>
#include <kern/string.h>
#include <plat/virt.h>

#define GUEST_RAM      (32ull << 20)
#define GUEST_TIMEOUT  (30ull * 1000000000ull)
#define KTEST_GUEST_NS (60ull * 1000000000ull)
#define CONSOLE_MAX    8192

struct guest_run {
	char out[CONSOLE_MAX];
	size_t len;
	bool overflow;
};

static void guest_console_write(void *ctx, const void *buf, size_t len)
{
	struct guest_run *g = ctx;

	if (len > CONSOLE_MAX - 1 - g->len) {
		len = CONSOLE_MAX - 1 - g->len;
		g->overflow = true;
	}
	memcpy(g->out + g->len, buf, len);
	g->len += len;
	g->out[g->len] = 0;
}

/* The line starting at `p`, copied into buf without its end of line. */
static void line_at(const char *p, char *buf, size_t size)
{
	size_t n = 0;

	while (p[n] && p[n] != '\n' && p[n] != '\r' && n + 1 < size)
		n++;
	memcpy(buf, p, n);
	buf[n] = 0;
}

/* Checks the console: no FAIL line, `want` PASS lines, a clean SUMMARY. */
static void check_console(struct ktest_ctx *kt, const char *name, const struct guest_run *g, unsigned want)
{
	unsigned pass = 0;
	bool summary = false;
	char line[96];

	for (const char *p = g->out; *p;) {
		if (strncmp(p, "PASS ", 5) == 0)
			pass++;
		if (strncmp(p, "FAIL ", 5) == 0) {
			line_at(p, line, sizeof(line));
			ktest_fail(kt, __FILE__, __LINE__, "guest %s: %s", name, line);
			return;
		}
		if (strncmp(p, "SUMMARY ", 8) == 0) {
			char expect[48];
			line_at(p, line, sizeof(line));
			ksnprintf(expect, sizeof(expect), "SUMMARY pass=%u fail=0", pass);
			summary = strcmp(line, expect) == 0;
		}
		while (*p && *p != '\n')
			p++;
		while (*p == '\n' || *p == '\r')
			p++;
	}
	if (!summary)
		ktest_fail(kt, __FILE__, __LINE__, "guest %s: no clean SUMMARY line", name);
	else if (pass != want)
		ktest_fail(kt, __FILE__, __LINE__, "guest %s: %u PASS lines, expected %u", name, pass, want);
}

static const char *tail(const struct guest_run *g)
{
	return g->len > 120 ? g->out + g->len - 120 : g->out;
}

/* A device a guest needs beyond the PC ones: `add` builds it into the VM,
 * `check` looks at the host side after the guest powered off. */
struct guest_extra {
	bool linux;     /* a bzImage for the Linux boot protocol, not multiboot */
	unsigned ncpus; /* 0: one */
	int (*add)(struct hv_vm *vm, void *ctx);
	void (*check)(struct ktest_ctx *kt, void *ctx);
	void *ctx;
};

static void run_guest_with(struct ktest_ctx *kt, const char *name, unsigned want_pass, const struct guest_extra *x)
{
	const char *why = "no reason given";
	const struct hv_backend *be = plat_virt_backend(&why);
	const struct guest_image *img;
	struct guest_run *g = NULL;
	struct hv_testdev *td = NULL;
	struct hv_vm *vm = NULL;
	struct hv_boot_state *st = NULL;
	struct hv_vm_stop_info info;
	char err[HV_LOADER_ERR_MAX];
	int rc;

	KT_SKIP_UNLESS(be, why);
	KT_SKIP_UNLESS(&guest_image_count && guest_image_find, "the test guests are not built into this kernel");
	img = guest_image_find(name);
	KT_ASSERT(img != NULL);
	g = kzalloc(sizeof(*g));
	td = kzalloc(sizeof(*td));
	st = kzalloc(sizeof(*st));
	if (!g || !td || !st) {
		ktest_fail(kt, __FILE__, __LINE__, "out of memory");
		goto out;
	}
	const struct hv_chr_backend console = {guest_console_write, g};
	unsigned ncpus = x && x->ncpus ? x->ncpus : 1;
	const struct hv_vm_config cfg = {name, ncpus, GUEST_RAM, be};
	const struct hv_mptable_config mp = {ncpus, 0xfec00000, 24, NULL, 0};
	const struct hv_multiboot_params mb = {img->data, img->size, name, NULL, 0};
	const struct hv_linux_params lp = {img->data, img->size, NULL, 0, "linux64 test"};

	vm = hv_vm_create(&cfg, &rc);
	if (!vm) {
		ktest_fail(kt, __FILE__, __LINE__, "hv_vm_create: %d", rc);
		goto out;
	}
	hv_testdev_init(td);
	rc = hv_vm_add_memory(vm, 0, GUEST_RAM, GMEM_RAM, "ram");
	if (!rc)
		rc = hv_vm_add_pc_devices(vm, &console);
	if (!rc)
		rc = hv_testdev_attach(td, hv_vm_pio_bus(vm), hv_vm_mmio_bus(vm));
	if (!rc && x && x->add)
		rc = x->add(vm, x->ctx);
	if (!rc)
		rc = hv_mptable_write(hv_vm_gmem(vm), HV_BOOT_MPTABLE_GPA, &mp);
	if (rc) {
		ktest_fail(kt, __FILE__, __LINE__, "building the VM: %d", rc);
		goto out;
	}
	if (x && x->linux)
		rc = hv_load_linux(hv_vm_gmem(vm), &lp, st, err);
	else
		rc = hv_load_multiboot(hv_vm_gmem(vm), &mb, st, err);
	if (rc) {
		ktest_fail(kt, __FILE__, __LINE__, "loading %s: %s", name, err);
		goto out;
	}
	rc = hv_vm_set_boot_state(vm, 0, &st->regs, &st->sregs);
	if (!rc)
		rc = hv_vm_start(vm);
	if (rc) {
		ktest_fail(kt, __FILE__, __LINE__, "starting the VM: %d", rc);
		goto out;
	}
	rc = hv_vm_wait(vm, GUEST_TIMEOUT);
	if (rc) {
		hv_vm_stop(vm);
		ktest_fail(kt, __FILE__, __LINE__, "guest %s did not finish (%d); console ends: %s", name, rc, tail(g));
		goto out;
	}
	hv_vm_get_stop_info(vm, &info);
	if (info.reason != HV_STOP_POWEROFF || info.code != 0) {
		ktest_fail(kt, __FILE__, __LINE__,
		           "guest %s stopped: %s (reason %d, code %lld, rip %#llx); console ends: %s", name,
		           info.message, info.reason, (long long)info.code, (unsigned long long)info.rip, tail(g));
		goto out;
	}
	if (g->overflow)
		ktest_fail(kt, __FILE__, __LINE__, "guest %s: console output past %u bytes", name, CONSOLE_MAX);
	else
		check_console(kt, name, g, want_pass);
	if (x && x->check && !kt->failed)
		x->check(kt, x->ctx);
out:
	if (vm)
		hv_vm_destroy(vm);
	kfree(st);
	kfree(td);
	kfree(g);
}

static void run_guest(struct ktest_ctx *kt, const char *name, unsigned want_pass)
{
	run_guest_with(kt, name, want_pass, NULL);
}

KTEST_TIMEOUT(hv_guest_io, KTEST_GUEST_NS)
{
	run_guest(kt, "io", 11);
}

KTEST_TIMEOUT(hv_guest_mmio, KTEST_GUEST_NS)
{
	run_guest(kt, "mmio", 24);
}

KTEST_TIMEOUT(hv_guest_cpuid, KTEST_GUEST_NS)
{
	run_guest(kt, "cpuid", 9);
}

KTEST_TIMEOUT(hv_guest_msr, KTEST_GUEST_NS)
{
	run_guest(kt, "msr", 8);
}

KTEST_TIMEOUT(hv_guest_apic_timer, KTEST_GUEST_NS)
{
	run_guest(kt, "apic_timer", 9);
}

KTEST_TIMEOUT(hv_guest_irq, KTEST_GUEST_NS)
{
	run_guest(kt, "irq", 6);
}

KTEST_TIMEOUT(hv_guest_nmi, KTEST_GUEST_NS)
{
	run_guest(kt, "nmi", 7);
}

/* A 64-bit guest booted through the Linux boot protocol (hv_load_linux). */
KTEST_TIMEOUT(hv_guest_linux64, KTEST_GUEST_NS)
{
	static const struct guest_extra x = {true, 1, NULL, NULL, NULL};

	run_guest_with(kt, "linux64", 9, &x);
}

/* Three vCPUs: the guest finds them in the MP table and starts the APs. */
KTEST_TIMEOUT(hv_guest_smp, KTEST_GUEST_NS)
{
	static const struct guest_extra x = {false, 3, NULL, NULL, NULL};

	run_guest_with(kt, "smp", 8, &x);
}

/* --- virtio-blk: a 64 KiB disk in kernel memory ------------------------ */

#define DISK_BYTES (64u << 10)

static int ramdisk_read(void *ctx, uint64_t off, void *buf, size_t len)
{
	if (off > DISK_BYTES || len > DISK_BYTES - off)
		return -EIO;
	memcpy(buf, (uint8_t *)ctx + off, len);
	return 0;
}

static int ramdisk_write(void *ctx, uint64_t off, const void *buf, size_t len)
{
	if (off > DISK_BYTES || len > DISK_BYTES - off)
		return -EIO;
	memcpy((uint8_t *)ctx + off, buf, len);
	return 0;
}

static int ramdisk_flush(void *ctx)
{
	(void)ctx;
	return 0;
}

struct blk_test {
	uint8_t *disk;
	struct hv_blk_backend be;
};

static int blk_add(struct hv_vm *vm, void *ctx)
{
	struct blk_test *b = ctx;

	return hv_vm_add_virtio_blk(vm, &b->be);
}

/* The guest wrote sector 1 with byte i = i * 13 + 1. */
static void blk_check(struct ktest_ctx *kt, void *ctx)
{
	struct blk_test *b = ctx;

	for (unsigned i = 0; i < 512; i++)
		KT_ASSERT_EQ(b->disk[512 + i], (uint8_t)(i * 13 + 1));
	KT_ASSERT_EQ(b->disk[1024], 0); /* nothing past it */
}

KTEST_TIMEOUT(hv_guest_virtio_blk, KTEST_GUEST_NS)
{
	struct blk_test *b = kzalloc(sizeof(*b));
	struct guest_extra x = {false, 1, blk_add, blk_check, b};

	KT_ASSERT(b != NULL);
	b->disk = kzalloc(DISK_BYTES);
	if (!b->disk) {
		kfree(b);
		ktest_fail(kt, __FILE__, __LINE__, "out of memory");
		return;
	}
	memcpy(b->disk, "MACROHARD virtio-blk test disk", 30);
	b->be = (struct hv_blk_backend){DISK_BYTES, false, ramdisk_read, ramdisk_write, ramdisk_flush, b->disk};
	run_guest_with(kt, "virtio_blk", 12, &x);
	kfree(b->disk);
	kfree(b);
}
