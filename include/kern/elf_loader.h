/* Loading static ELF64 executables (ET_EXEC and static-PIE) into a fresh
 * address space, and building the initial user stack. */
#ifndef KERN_ELF_LOADER_H
#define KERN_ELF_LOADER_H
#include <kern/types.h>

struct vm_space;

/* Reads `len` bytes at `off` of the executable; returns bytes read or -errno. */
typedef long (*elf_read_fn)(void *ctx, uint64_t off, void *buf, size_t len);

struct elf_image {
	uintptr_t entry;     /* with the load bias applied */
	uintptr_t phdr;      /* user address of the program headers */
	unsigned phnum;
	uintptr_t load_bias; /* 0 for ET_EXEC */
	uintptr_t brk_start;
};

/* Validates the headers and maps every PT_LOAD segment into `vm`. Returns 0,
 * -ENOEXEC for anything that is not a static x86-64 executable we can run
 * (with the reason logged), or -ENOMEM/-EIO. */
int elf_load(struct vm_space *vm, elf_read_fn read, void *ctx, struct elf_image *img);

struct user_stack_args {
	const char *const *argv; /* kernel copies */
	const char *const *envp;
	const char *execfn;
	uint32_t uid, euid, gid, egid;
	uint64_t random_seed;    /* feeds AT_RANDOM */
};

/* Maps the stack and lays out argc, argv, envp and the auxiliary vector at
 * its top. Returns the initial rsp or -errno (-E2BIG when it would not fit). */
long elf_setup_stack(struct vm_space *vm, const struct elf_image *img, const struct user_stack_args *a);

#define USER_STACK_SIZE (8UL << 20)
#define USER_STACK_ARG_MAX (256UL << 10)
#endif
