/* Offsets into struct user_regs (include/plat/user.h) for user_entry.S;
 * user.c checks them against the structure. */
#ifndef BAREMETAL_USER_OFFSETS_H
#define BAREMETAL_USER_OFFSETS_H

#define UREGS_RAX 0
#define UREGS_RBX 8
#define UREGS_RCX 16
#define UREGS_RDX 24
#define UREGS_RSI 32
#define UREGS_RDI 40
#define UREGS_RBP 48
#define UREGS_RSP 56
#define UREGS_R8 64
#define UREGS_R9 72
#define UREGS_R10 80
#define UREGS_R11 88
#define UREGS_R12 96
#define UREGS_R13 104
#define UREGS_R14 112
#define UREGS_R15 120
#define UREGS_RIP 128
#define UREGS_RFLAGS 136

/* sizeof(struct trap_frame) (trap.h): 15 registers, vector, error code and
 * the CPU's five words. */
#define TRAP_FRAME_SIZE (22 * 8)

#endif
