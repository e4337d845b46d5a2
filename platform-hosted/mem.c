/* Hosted physical memory: one anonymous mapping is the machine's RAM, and
 * physical address = offset into it. MMIO addresses are cookies in a
 * PROT_NONE window, so a driver that dereferences one instead of using
 * plat_mmio_read/write faults at once. */
#include "hosted.h"

#include <plat/io.h>
#include <plat/mem.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "../sim/sim.h"

#define LOW_RESERVED (1ULL << 20) /* like a PC: the first MiB is not RAM for the allocator */
#define MMIO_WINDOW (1ULL << 32)

static uint8_t *ram;
static uint64_t ram_size;
int hosted_ram_fd = -1;
static uint8_t *mmio_window;
static uint64_t module_base, module_size; /* the initramfs, at the top of RAM */

void hosted_mem_init(uint64_t bytes)
{
	ram_size = bytes;
	/* A memfd, so that the stub processes running user code can map the
	 * very same pages (platform-hosted/user.c). */
	hosted_ram_fd = memfd_create("macrohard-ram", MFD_CLOEXEC);
	if (hosted_ram_fd < 0 || ftruncate(hosted_ram_fd, (off_t)bytes) != 0) {
		perror("hosted: cannot create the machine's memory");
		exit(1);
	}
	ram = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_NORESERVE, hosted_ram_fd, 0);
	mmio_window = mmap(NULL, MMIO_WINDOW, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (ram == MAP_FAILED || mmio_window == MAP_FAILED) {
		perror("hosted: cannot map the machine's memory");
		exit(1);
	}
}

unsigned plat_memmap(struct plat_mem_region *out, unsigned max)
{
	unsigned n = 0;

	uint64_t usable_end = module_size ? module_base : ram_size;

	if (n < max)
		out[n++] = (struct plat_mem_region){0, LOW_RESERVED, PLAT_MEM_RESERVED};
	if (n < max && usable_end > LOW_RESERVED)
		out[n++] = (struct plat_mem_region){LOW_RESERVED, usable_end - LOW_RESERVED, PLAT_MEM_USABLE};
	if (n < max && module_size)
		out[n++] = (struct plat_mem_region){module_base, ram_size - module_base, PLAT_MEM_MODULE};
	return n;
}

void *plat_phys_to_virt(paddr_t pa)
{
	return ram + pa;
}

/* Loads a boot module (the initramfs) into the top of RAM, as a boot
 * loader would; plat_memmap reports it as PLAT_MEM_MODULE. */
bool hosted_load_module(const char *path)
{
	FILE *f = fopen(path, "rb");
	long len;

	if (!f) {
		perror(path);
		return false;
	}
	if (fseek(f, 0, SEEK_END) != 0 || (len = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) != 0) {
		fprintf(stderr, "hosted: cannot size %s\n", path);
		fclose(f);
		return false;
	}
	if ((uint64_t)len + (16ULL << 20) > ram_size) {
		fprintf(stderr, "hosted: %s (%ld bytes) does not fit in --mem\n", path, len);
		fclose(f);
		return false;
	}
	module_size = (uint64_t)len;
	module_base = (ram_size - module_size) & ~(PAGE_SIZE - 1);
	if (fread(ram + module_base, 1, (size_t)len, f) != (size_t)len) {
		fprintf(stderr, "hosted: cannot read %s\n", path);
		fclose(f);
		return false;
	}
	fclose(f);
	return true;
}

uint64_t hosted_ram_size(void)
{
	return ram_size;
}

paddr_t plat_virt_to_phys(const void *va)
{
	return (paddr_t)((const uint8_t *)va - ram);
}

/* The hosted kernel has no page tables of its own yet: the host's MMU maps
 * the RAM region once. User address spaces (plat/user.h) will bring the
 * translations these calls invalidate. */
void plat_tlb_flush_page(uintptr_t va)
{
}

void plat_tlb_flush_all(void)
{
}

void *plat_mmio_map(paddr_t pa, size_t size)
{
	if (pa >= MMIO_WINDOW || size > MMIO_WINDOW - pa)
		return NULL;
	return mmio_window + pa;
}

/* The stub's MMU emulation honours NX (platform-hosted/user.c). */
uint64_t plat_pte_nx_bit(void)
{
	return 1ULL << 63;
}

uint64_t plat_dma_address(paddr_t pa)
{
	return pa;
}

static bool mmio_pa(volatile void *addr, uint64_t *pa)
{
	uint8_t *p = (uint8_t *)addr;
	if (p < mmio_window || p >= mmio_window + MMIO_WINDOW)
		return false;
	*pa = (uint64_t)(p - mmio_window);
	return true;
}

uint64_t plat_mmio_read(volatile void *addr, unsigned size)
{
	uint64_t pa;
	if (!mmio_pa(addr, &pa)) {
		fprintf(stderr, "hosted: plat_mmio_read of %p, which plat_mmio_map did not return\n", (void *)addr);
		abort();
	}
	return sim_mmio_read(pa, size);
}

void plat_mmio_write(volatile void *addr, unsigned size, uint64_t v)
{
	uint64_t pa;
	if (!mmio_pa(addr, &pa)) {
		fprintf(stderr, "hosted: plat_mmio_write of %p, which plat_mmio_map did not return\n", (void *)addr);
		abort();
	}
	sim_mmio_write(pa, size, v);
}
