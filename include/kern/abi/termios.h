/* Linux x86-64 terminal ABI: the kernel's struct termios (what TCGETS
 * copies, not libc's), struct winsize, the flag bits and the tty ioctl
 * numbers (asm-generic/termbits.h, termbits-common.h, ioctls.h; values
 * only). */
#ifndef KERN_ABI_TERMIOS_H
#define KERN_ABI_TERMIOS_H
#include <kern/types.h>

#define NCCS 19

struct linux_termios {
	uint32_t c_iflag;
	uint32_t c_oflag;
	uint32_t c_cflag;
	uint32_t c_lflag;
	uint8_t c_line;
	uint8_t c_cc[NCCS];
};

/* TCGETS2/TCSETS2: the same plus explicit speeds (BOTHER). */
struct linux_termios2 {
	uint32_t c_iflag;
	uint32_t c_oflag;
	uint32_t c_cflag;
	uint32_t c_lflag;
	uint8_t c_line;
	uint8_t c_cc[NCCS];
	uint32_t c_ispeed;
	uint32_t c_ospeed;
};

struct linux_winsize {
	uint16_t ws_row;
	uint16_t ws_col;
	uint16_t ws_xpixel;
	uint16_t ws_ypixel;
};

/* c_cc indices */
#define VINTR    0
#define VQUIT    1
#define VERASE   2
#define VKILL    3
#define VEOF     4
#define VTIME    5
#define VMIN     6
#define VSWTC    7
#define VSTART   8
#define VSTOP    9
#define VSUSP    10
#define VEOL     11
#define VREPRINT 12
#define VDISCARD 13
#define VWERASE  14
#define VLNEXT   15
#define VEOL2    16

/* c_iflag */
#define IGNBRK  0000001
#define BRKINT  0000002
#define IGNPAR  0000004
#define PARMRK  0000010
#define INPCK   0000020
#define ISTRIP  0000040
#define INLCR   0000100
#define IGNCR   0000200
#define ICRNL   0000400
#define IUCLC   0001000
#define IXON    0002000
#define IXANY   0004000
#define IXOFF   0010000
#define IMAXBEL 0020000
#define IUTF8   0040000

/* c_oflag */
#define OPOST  0000001
#define OLCUC  0000002
#define ONLCR  0000004
#define OCRNL  0000010
#define ONOCR  0000020
#define ONLRET 0000040
#define OFILL  0000100
#define OFDEL  0000200
#define NLDLY  0000400
#define CRDLY  0003000
#define TABDLY 0014000
#define TAB0   0000000
#define TAB3   0014000
#define XTABS  0014000
#define BSDLY  0020000
#define VTDLY  0040000
#define FFDLY  0100000

/* c_cflag */
#define CBAUD   0010017
#define B9600   0000015
#define B38400  0000017
#define B115200 0010002
#define CSIZE   0000060
#define CS8     0000060
#define CSTOPB  0000100
#define CREAD   0000200
#define PARENB  0000400
#define PARODD  0001000
#define HUPCL   0002000
#define CLOCAL  0004000
#define CBAUDEX 0010000
#define BOTHER  0010000

/* c_lflag */
#define ISIG    0000001
#define ICANON  0000002
#define XCASE   0000004
#define ECHO    0000010
#define ECHOE   0000020
#define ECHOK   0000040
#define ECHONL  0000100
#define NOFLSH  0000200
#define TOSTOP  0000400
#define ECHOCTL 0001000
#define ECHOPRT 0002000
#define ECHOKE  0004000
#define FLUSHO  0010000
#define PENDIN  0040000
#define IEXTEN  0100000
#define EXTPROC 0200000

/* TCFLSH arguments */
#define TCIFLUSH  0
#define TCOFLUSH  1
#define TCIOFLUSH 2
/* TCXONC arguments */
#define TCOOFF 0
#define TCOON  1
#define TCIOFF 2
#define TCION  3

/* ioctl numbers */
#define TCGETS     0x5401
#define TCSETS     0x5402
#define TCSETSW    0x5403
#define TCSETSF    0x5404
#define TCSBRK     0x5409
#define TCXONC     0x540A
#define TCFLSH     0x540B
#define TIOCSCTTY  0x540E
#define TIOCGPGRP  0x540F
#define TIOCSPGRP  0x5410
#define TIOCOUTQ   0x5411
#define TIOCSTI    0x5412
#define TIOCGWINSZ 0x5413
#define TIOCSWINSZ 0x5414
#define FIONREAD   0x541B
#define TIOCINQ    FIONREAD
#define FIONBIO    0x5421
#define TIOCNOTTY  0x5422
#define TIOCGETD   0x5424
#define TCSBRKP    0x5425
#define TIOCGSID   0x5429
#define TCGETS2    0x802C542AU
#define TCSETS2    0x402C542BU
#define TCSETSW2   0x402C542CU
#define TCSETSF2   0x402C542DU
#define FIONCLEX   0x5450
#define FIOCLEX    0x5451

#define N_TTY 0 /* the one line discipline (TIOCGETD) */

#endif
