/* Static ELF64 loader: validates everything it uses before it maps a page,
 * since executables are untrusted input. */
#include <kern/abi/elf.h>
#include <kern/abi/mman.h>
#include <kern/elf_loader.h>
#include <kern/errno.h>
#include <kern/log.h>
#include <kern/mm.h>
#include <kern/random.h>
#include <kern/string.h>
#include <kern/vm.h>

#define ELF_MAX_PHNUM 64
#define ELF_DYN_BASE 0x555555554000UL /* where Linux puts PIE executables (no ASLR) */
#define LOAD_CHUNK 4096

static int reject(const char *why)
{
	pr_warn("exec: not a runnable static x86-64 ELF: %s", why);
	return -ENOEXEC;
}

static unsigned seg_prot(uint32_t flags)
{
	return ((flags & PF_R) ? PROT_READ : 0) | ((flags & PF_W) ? PROT_WRITE : 0) | ((flags & PF_X) ? PROT_EXEC : 0);
}

static int copy_segment(struct vm_space *vm, elf_read_fn read, void *ctx, uintptr_t dst, uint64_t off,
			uint64_t len)
{
	uint8_t *buf = kmalloc(LOAD_CHUNK);
	int err = 0;

	if (!buf)
		return -ENOMEM;
	while (len > 0 && !err) {
		size_t n = (size_t)MIN(len, (uint64_t)LOAD_CHUNK);
		long got = read(ctx, off, buf, n);
		if (got != (long)n)
			err = got < 0 ? (int)got : reject("file shorter than its segments");
		else
			err = vm_write_force(vm, dst, buf, n);
		dst += n;
		off += n;
		len -= n;
	}
	kfree(buf);
	return err;
}

int elf_load(struct vm_space *vm, elf_read_fn read, void *ctx, struct elf_image *img)
{
	struct elf64_ehdr eh;
	struct elf64_phdr *ph;
	uintptr_t bias = 0, mapped_end = 0, limit = vm_user_limit();
	size_t phsize;
	long n;
	int err = 0;

	memset(img, 0, sizeof(*img));
	n = read(ctx, 0, &eh, sizeof(eh));
	if (n < 0)
		return (int)n;
	if ((size_t)n < sizeof(eh) || memcmp(eh.e_ident, ELFMAG, 4) != 0)
		return reject("no ELF header");
	if (eh.e_ident[4] != ELFCLASS64 || eh.e_ident[5] != ELFDATA2LSB || eh.e_machine != EM_X86_64)
		return reject("not x86-64 ELF64 little-endian");
	if (eh.e_type != ET_EXEC && eh.e_type != ET_DYN)
		return reject("not an executable");
	if (eh.e_phentsize != sizeof(struct elf64_phdr) || eh.e_phnum == 0 || eh.e_phnum > ELF_MAX_PHNUM)
		return reject("bad program header table");
	phsize = (size_t)eh.e_phnum * sizeof(*ph);
	ph = kmalloc(phsize);
	if (!ph)
		return -ENOMEM;
	n = read(ctx, eh.e_phoff, ph, phsize);
	if (n != (long)phsize) {
		kfree(ph);
		return n < 0 ? (int)n : reject("truncated program headers");
	}
	if (eh.e_type == ET_DYN)
		bias = ELF_DYN_BASE;
	for (unsigned i = 0; i < eh.e_phnum && !err; i++) {
		if (ph[i].p_type == PT_INTERP)
			err = reject("dynamically linked (has PT_INTERP)");
		else if (ph[i].p_type == PT_LOAD &&
			 (ph[i].p_filesz > ph[i].p_memsz || ph[i].p_vaddr + ph[i].p_memsz < ph[i].p_vaddr ||
			  bias + ph[i].p_vaddr + ph[i].p_memsz > limit || ph[i].p_offset + ph[i].p_filesz < ph[i].p_offset ||
			  (ph[i].p_vaddr & (PAGE_SIZE - 1)) != (ph[i].p_offset & (PAGE_SIZE - 1))))
			err = reject("PT_LOAD segment out of range or misaligned");
	}
	for (unsigned i = 0; i < eh.e_phnum && !err; i++) {
		struct elf64_phdr *p = &ph[i];
		uintptr_t start, end, map_from;
		if (p->p_type != PT_LOAD || p->p_memsz == 0)
			continue;
		start = ALIGN_DOWN(bias + p->p_vaddr, PAGE_SIZE);
		end = ALIGN_UP(bias + p->p_vaddr + p->p_memsz, PAGE_SIZE);
		if (start < mapped_end && start + PAGE_SIZE < mapped_end) {
			err = reject("PT_LOAD segments overlap or are not in order");
			break;
		}
		/* Adjacent segments may share a page: it gets both rights. */
		map_from = MAX(start, mapped_end);
		if (start < mapped_end) {
			struct elf64_phdr *prev = NULL;
			for (unsigned k = 0; k < i; k++)
				if (ph[k].p_type == PT_LOAD && ph[k].p_memsz)
					prev = &ph[k];
			err = vm_protect(vm, start, PAGE_SIZE, seg_prot(p->p_flags) | (prev ? seg_prot(prev->p_flags) : 0));
		}
		if (!err && end > map_from) {
			long r = vm_map(vm, map_from, end - map_from, seg_prot(p->p_flags), MAP_PRIVATE | MAP_FIXED);
			err = r < 0 ? (int)r : 0;
		}
		if (!err)
			err = copy_segment(vm, read, ctx, bias + p->p_vaddr, p->p_offset, p->p_filesz);
		mapped_end = MAX(mapped_end, end);
		if (!img->phdr && p->p_offset <= eh.e_phoff && eh.e_phoff + phsize <= p->p_offset + p->p_filesz)
			img->phdr = bias + p->p_vaddr + (eh.e_phoff - p->p_offset);
	}
	for (unsigned i = 0; i < eh.e_phnum; i++)
		if (ph[i].p_type == PT_PHDR)
			img->phdr = bias + ph[i].p_vaddr;
	kfree(ph);
	if (err)
		return err;
	if (mapped_end == 0)
		return reject("no loadable segment");
	img->entry = bias + eh.e_entry;
	img->phnum = eh.e_phnum;
	img->load_bias = bias;
	img->brk_start = mapped_end;
	vm->brk_start = vm->brk = mapped_end;
	return 0;
}

/* --- the initial stack ------------------------------------------------ */

static uint64_t cpu_hwcap(void)
{
	uint32_t a = 1, b, c = 0, d;

	__asm__ volatile("cpuid" : "+a"(a), "=b"(b), "+c"(c), "=d"(d));
	return d;
}

struct stack_builder {
	struct vm_space *vm;
	uintptr_t sp, floor;
	int err;
};

static uintptr_t push_bytes(struct stack_builder *s, const void *data, size_t len)
{
	if (s->err)
		return 0;
	if (s->sp - s->floor < len) {
		s->err = -E2BIG;
		return 0;
	}
	s->sp -= len;
	s->err = vm_write_force(s->vm, s->sp, data, len);
	return s->sp;
}

static unsigned count_strings(const char *const *v)
{
	unsigned n = 0;
	while (v && v[n])
		n++;
	return n;
}

long elf_setup_stack(struct vm_space *vm, const struct elf_image *img, const struct user_stack_args *a)
{
	uintptr_t top = vm_user_limit(), bottom = top - USER_STACK_SIZE;
	unsigned argc = count_strings(a->argv), envc = count_strings(a->envp);
	struct stack_builder s = {vm, top, top - USER_STACK_ARG_MAX, 0};
	uintptr_t *ptrs, execfn, platform, random;
	uint8_t rnd[16];
	struct prng r;
	size_t nwords, i = 0;
	long ret;

	ret = vm_map(vm, bottom, USER_STACK_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_FIXED | MAP_GROWSDOWN);
	if (ret < 0)
		return ret;
	vm->mmap_top = bottom - PAGE_SIZE; /* a guard page under the stack */

	nwords = 1 + argc + 1 + envc + 1 + 2 * 22;
	ptrs = kzalloc(nwords * sizeof(uintptr_t));
	if (!ptrs)
		return -ENOMEM;
	execfn = push_bytes(&s, a->execfn, strlen(a->execfn) + 1);
	platform = push_bytes(&s, "x86_64", 7);
	prng_seed(&r, a->random_seed);
	for (unsigned k = 0; k < 16; k++)
		rnd[k] = (uint8_t)prng_next(&r);
	random = push_bytes(&s, rnd, sizeof(rnd));

	ptrs[i++] = argc;
	{
		size_t argv_at = i;
		i += argc + 1;
		size_t envp_at = i;
		i += envc + 1;
		for (unsigned k = 0; k < envc; k++)
			ptrs[envp_at + k] = push_bytes(&s, a->envp[k], strlen(a->envp[k]) + 1);
		for (unsigned k = 0; k < argc; k++)
			ptrs[argv_at + k] = push_bytes(&s, a->argv[k], strlen(a->argv[k]) + 1);
	}
#define AUX(k, v) (ptrs[i++] = (k), ptrs[i++] = (uintptr_t)(v))
	AUX(AT_PHDR, img->phdr);
	AUX(AT_PHENT, sizeof(struct elf64_phdr));
	AUX(AT_PHNUM, img->phnum);
	AUX(AT_PAGESZ, PAGE_SIZE);
	AUX(AT_BASE, 0);
	AUX(AT_FLAGS, 0);
	AUX(AT_ENTRY, img->entry);
	AUX(AT_UID, a->uid);
	AUX(AT_EUID, a->euid);
	AUX(AT_GID, a->gid);
	AUX(AT_EGID, a->egid);
	AUX(AT_SECURE, 0);
	AUX(AT_RANDOM, random);
	AUX(AT_HWCAP, cpu_hwcap());
	AUX(AT_HWCAP2, 0);
	AUX(AT_CLKTCK, 100);
	AUX(AT_PLATFORM, platform);
	AUX(AT_EXECFN, execfn);
	AUX(AT_NULL, 0);
#undef AUX
	/* argc must end up 16-byte aligned. */
	s.sp = ALIGN_DOWN(s.sp - i * sizeof(uintptr_t), 16) + i * sizeof(uintptr_t);
	push_bytes(&s, ptrs, i * sizeof(uintptr_t));
	kfree(ptrs);
	return s.err ? s.err : (long)s.sp;
}
