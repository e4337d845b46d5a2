/* Check tests of the 16550A model: programmed the way Linux's 8250 driver
 * and our own console driver do, with a recording back end. */
#include "unit.h"
#include <hv/dev/uart16550.h>
#include <kern/uart_regs.h>
#include <string.h>

static struct uart16550 u;
static uint8_t txbuf[256];
static unsigned ntx, irq_edges, interest_calls;
static bool irq, interested;

static void be_tx(void *ctx, uint8_t b)
{
	if (ntx < sizeof(txbuf))
		txbuf[ntx] = b;
	ntx++;
}

static void be_irq(void *ctx, bool level)
{
	ck_assert_int_ne(level, irq); /* the model reports changes only */
	irq = level;
	irq_edges++;
}

static void be_interest(void *ctx, bool on)
{
	interested = on;
	interest_calls++;
}

static const struct uart16550_backend be = {be_tx, be_irq, be_interest};

static void setup(void)
{
	ntx = irq_edges = interest_calls = 0;
	irq = interested = false;
	uart16550_model_init(&u, &be, NULL);
}

static uint8_t rd(unsigned off)
{
	return uart16550_model_read(&u, off);
}

static void wr(unsigned off, uint8_t v)
{
	uart16550_model_write(&u, off, v);
}

START_TEST(test_power_on_state)
{
	ck_assert_uint_eq(rd(UART_LSR) & (UART_LSR_THRE | UART_LSR_TEMT), UART_LSR_THRE | UART_LSR_TEMT);
	ck_assert_uint_eq(rd(UART_IIR) & 0x0f, UART_IIR_NO_INT);
	ck_assert_uint_eq(rd(UART_IER), 0);
	ck_assert(!irq);
}
END_TEST

START_TEST(test_divisor_latch)
{
	wr(UART_LCR, UART_LCR_DLAB | UART_LCR_8N1);
	wr(UART_DLL, 1); /* 115200 baud */
	wr(UART_DLM, 0);
	ck_assert_uint_eq(rd(UART_DLL), 1);
	ck_assert_uint_eq(rd(UART_DLM), 0);
	wr(UART_LCR, UART_LCR_8N1);
	/* With DLAB clear the same offsets are THR and IER again. */
	wr(UART_THR, 'A');
	ck_assert_uint_eq(ntx, 1);
	ck_assert_uint_eq(txbuf[0], 'A');
	ck_assert_uint_eq(rd(UART_IER), 0);
	ck_assert_uint_eq(rd(UART_LCR), UART_LCR_8N1);
}
END_TEST

START_TEST(test_transmit_and_thri)
{
	const char *msg = "hello, world\n";

	wr(UART_MCR, UART_MCR_DTR | UART_MCR_RTS | UART_MCR_OUT2);
	for (const char *p = msg; *p; p++) {
		ck_assert(rd(UART_LSR) & UART_LSR_THRE);
		wr(UART_THR, (uint8_t)*p);
	}
	ck_assert_uint_eq(ntx, strlen(msg));
	ck_assert(memcmp(txbuf, msg, ntx) == 0);
	ck_assert(!irq);
	/* Enabling THRI with an empty holding register interrupts at once;
	 * reading IIR that reports it acknowledges it. */
	wr(UART_IER, UART_IER_THRI);
	ck_assert(irq);
	ck_assert_uint_eq(rd(UART_IIR) & 0x0f, UART_IIR_THRI);
	ck_assert(!irq);
	ck_assert_uint_eq(rd(UART_IIR) & 0x0f, UART_IIR_NO_INT);
	/* The next byte sent empties the register again: a new interrupt. */
	wr(UART_THR, 'x');
	ck_assert(irq);
}
END_TEST

START_TEST(test_out2_gates_the_line)
{
	wr(UART_IER, UART_IER_THRI);
	ck_assert_uint_eq(rd(UART_IIR) & 0x0f, UART_IIR_THRI);
	ck_assert(!irq); /* OUT2 clear: the PC's gate keeps the line low */
	wr(UART_THR, 'x');
	ck_assert(!irq);
	wr(UART_MCR, UART_MCR_OUT2);
	ck_assert(irq);
	wr(UART_MCR, 0);
	ck_assert(!irq);
}
END_TEST

START_TEST(test_receive_fifo_and_irq)
{
	wr(UART_FCR, UART_FCR_ENABLE);
	wr(UART_MCR, UART_MCR_OUT2);
	wr(UART_IER, UART_IER_RDI);
	ck_assert(interested);
	ck_assert(!irq);
	for (unsigned i = 0; i < UART16550_FIFO; i++)
		ck_assert(uart16550_model_receive(&u, (uint8_t)('a' + i)));
	ck_assert(uart16550_model_rx_full(&u));
	ck_assert(!uart16550_model_receive(&u, '!')); /* back end keeps it */
	ck_assert(irq);
	ck_assert_uint_eq(rd(UART_IIR), UART_IIR_RDI | UART_IIR_FIFO_ENABLED);
	for (unsigned i = 0; i < UART16550_FIFO; i++) {
		ck_assert(rd(UART_LSR) & UART_LSR_DR);
		ck_assert_uint_eq(rd(UART_RBR), 'a' + i);
	}
	ck_assert(!(rd(UART_LSR) & UART_LSR_DR));
	ck_assert(!irq);
	ck_assert_uint_eq(rd(UART_RBR), 0); /* empty FIFO reads 0, stays sane */
	wr(UART_IER, 0);
	ck_assert(!interested);
	ck_assert_uint_eq(interest_calls, 2);
}
END_TEST

START_TEST(test_fifo_clear)
{
	uart16550_model_receive(&u, '1');
	uart16550_model_receive(&u, '2');
	wr(UART_FCR, UART_FCR_ENABLE | UART_FCR_CLEAR_RX);
	ck_assert(!(rd(UART_LSR) & UART_LSR_DR));
	uart16550_model_receive(&u, '3');
	ck_assert_uint_eq(rd(UART_RBR), '3');
}
END_TEST

START_TEST(test_priority_line_status_first)
{
	/* Loopback overrun: a full FIFO plus one more byte sets OE, which
	 * outranks received data in IIR and clears when LSR is read. */
	wr(UART_MCR, UART_MCR_LOOP | UART_MCR_OUT2);
	wr(UART_IER, UART_IER_RDI | UART_IER_RLSI | UART_IER_THRI);
	for (unsigned i = 0; i <= UART16550_FIFO; i++)
		wr(UART_THR, (uint8_t)i);
	ck_assert_uint_eq(ntx, 0); /* loopback sends nothing out */
	ck_assert_uint_eq(rd(UART_IIR) & 0x0f, UART_IIR_RLSI);
	ck_assert(rd(UART_LSR) & UART_LSR_OE);
	ck_assert(!(rd(UART_LSR) & UART_LSR_OE));
	ck_assert_uint_eq(rd(UART_IIR) & 0x0f, UART_IIR_RDI);
	for (unsigned i = 0; i < UART16550_FIFO; i++)
		ck_assert_uint_eq(rd(UART_RBR), i);
	ck_assert_uint_eq(rd(UART_IIR) & 0x0f, UART_IIR_THRI);
	ck_assert_uint_eq(rd(UART_IIR) & 0x0f, UART_IIR_NO_INT);
}
END_TEST

START_TEST(test_loopback_modem_lines)
{
	wr(UART_MCR, UART_MCR_LOOP | UART_MCR_DTR);
	ck_assert_uint_eq(rd(UART_MSR) & 0xf0, 0x20); /* DTR -> DSR */
	wr(UART_MCR, UART_MCR_LOOP | UART_MCR_RTS);
	ck_assert_uint_eq(rd(UART_MSR) & 0xf0, 0x10); /* RTS -> CTS */
	wr(UART_MCR, 0);
	ck_assert_uint_eq(rd(UART_MSR) & 0xf0, 0xb0);
	wr(UART_SCR, 0x5a);
	ck_assert_uint_eq(rd(UART_SCR), 0x5a);
	wr(UART_LSR, 0); /* read-only registers ignore writes */
	ck_assert(rd(UART_LSR) & UART_LSR_THRE);
}
END_TEST

/* Random register traffic must keep the FIFO invariant and the reported
 * line equal to what IIR says (OUT2 permitting). */
START_TEST(test_random_access)
{
	uint64_t x = 0x9e3779b97f4a7c15ull;

	for (unsigned i = 0; i < 10000; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		switch (x % 4) {
		case 0: (void)rd((unsigned)(x >> 8)); break;
		case 1: wr((unsigned)(x >> 8), (uint8_t)(x >> 16)); break;
		case 2: (void)uart16550_model_receive(&u, (uint8_t)(x >> 24)); break;
		default: wr(UART_IER, (uint8_t)(x >> 32)); break;
		}
		ck_assert_uint_le(u.rx_count, UART16550_FIFO);
		ck_assert_uint_lt(u.rx_head, UART16550_FIFO);
		ck_assert_uint_eq(!!(u.lsr & UART_LSR_DR), u.rx_count != 0);
		if (!(u.mcr & UART_MCR_OUT2))
			ck_assert(!irq);
	}
}
END_TEST

UNIT_SUITE(hv_uart_suite)
Suite *hv_uart_suite(void)
{
	Suite *s = suite_create("hv_uart");
	TCase *tc = tcase_create("uart16550");

	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_test(tc, test_power_on_state);
	tcase_add_test(tc, test_divisor_latch);
	tcase_add_test(tc, test_transmit_and_thri);
	tcase_add_test(tc, test_out2_gates_the_line);
	tcase_add_test(tc, test_receive_fifo_and_irq);
	tcase_add_test(tc, test_fifo_clear);
	tcase_add_test(tc, test_priority_line_status_first);
	tcase_add_test(tc, test_loopback_modem_lines);
	tcase_add_test(tc, test_random_access);
	suite_add_tcase(s, tc);
	return s;
}
