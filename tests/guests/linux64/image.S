/* A bzImage around the linux64 payload: boot sector and one setup sector
 * holding the setup header (Documentation/arch/x86/boot.rst), then the
 * protected-mode kernel. Only what hv_load_linux reads is filled in. */
#define PREF_ADDRESS 0x1000000
	.data
image:
	.org 0x1f1
	.byte 1                                   /* setup_sects */
	.org 0x1f4
	.long (payload_end - payload + 15) / 16   /* syssize */
	.org 0x1fe
	.word 0xaa55                              /* boot_flag */
	.byte 0xeb, 0x66                          /* jump; the header ends at 0x268 */
	.ascii "HdrS"
	.word 0x020f                              /* protocol 2.15 */
	.org 0x211
	.byte 0x01                                /* loadflags: LOADED_HIGH */
	.org 0x214
	.long 0x100000                            /* code32_start */
	.org 0x22c
	.long 0x7fffffff                          /* initrd_addr_max */
	.long 0x200000                            /* kernel_alignment */
	.byte 0                                   /* not relocatable */
	.byte 21
	.word 0x1                                 /* xloadflags: XLF_KERNEL_64 */
	.long 255                                 /* cmdline_size */
	.org 0x258
	.quad PREF_ADDRESS
	.long 0x100000                            /* init_size */
	.org 0x400
payload:
	.incbin PAYLOAD
	.balign 16, 0 /* syssize counts 16-byte units */
payload_end:
