/* 16550A model: divisor latch, FIFO receive, immediate transmit, the
 * interrupt identification priority order of the datasheet (line status >
 * receive data > THR empty > modem status), and loopback. */
#include <hv/dev/uart16550.h>
#include <kern/string.h>
#include <kern/uart_regs.h>

static void update_irq(struct uart16550 *u)
{
	bool level = false;
	uint8_t iir = UART_IIR_NO_INT;

	if ((u->ier & UART_IER_RLSI) && (u->lsr & UART_LSR_OE))
		iir = UART_IIR_RLSI;
	else if ((u->ier & UART_IER_RDI) && u->rx_count)
		iir = UART_IIR_RDI;
	else if ((u->ier & UART_IER_THRI) && u->iir_thri_pending)
		iir = UART_IIR_THRI;
	if (iir != UART_IIR_NO_INT)
		level = true;
	/* On a PC the line only reaches the interrupt controller with OUT2 set. */
	if (!(u->mcr & UART_MCR_OUT2))
		level = false;
	if (level != u->irq_level) {
		u->irq_level = level;
		if (u->be->set_irq)
			u->be->set_irq(u->ctx, level);
	}
}

static uint8_t current_iir(const struct uart16550 *u)
{
	uint8_t fifo = (u->fcr & UART_FCR_ENABLE) ? UART_IIR_FIFO_ENABLED : 0;

	if ((u->ier & UART_IER_RLSI) && (u->lsr & UART_LSR_OE))
		return UART_IIR_RLSI | fifo;
	if ((u->ier & UART_IER_RDI) && u->rx_count)
		return UART_IIR_RDI | fifo;
	if ((u->ier & UART_IER_THRI) && u->iir_thri_pending)
		return UART_IIR_THRI | fifo;
	return UART_IIR_NO_INT | fifo;
}

void uart16550_model_init(struct uart16550 *u, const struct uart16550_backend *be, void *ctx)
{
	memset(u, 0, sizeof(*u));
	u->be = be;
	u->ctx = ctx;
	u->lsr = UART_LSR_THRE | UART_LSR_TEMT;
	u->msr = 0xb0; /* DCD, DSR, CTS asserted: a cable is attached */
	u->dll = 12;   /* 9600 baud, the power-on default */
}

bool uart16550_model_rx_full(const struct uart16550 *u)
{
	return u->rx_count == UART16550_FIFO;
}

bool uart16550_model_receive(struct uart16550 *u, uint8_t byte)
{
	if (u->rx_count == UART16550_FIFO)
		return false;
	u->rx[(u->rx_head + u->rx_count) % UART16550_FIFO] = byte;
	u->rx_count++;
	u->lsr |= UART_LSR_DR;
	update_irq(u);
	return true;
}

static uint8_t rx_pop(struct uart16550 *u)
{
	uint8_t b;

	if (!u->rx_count)
		return 0;
	b = u->rx[u->rx_head];
	u->rx_head = (u->rx_head + 1) % UART16550_FIFO;
	if (--u->rx_count == 0)
		u->lsr &= (uint8_t)~UART_LSR_DR;
	return b;
}

static void transmit(struct uart16550 *u, uint8_t v)
{
	if (u->mcr & UART_MCR_LOOP) {
		if (!uart16550_model_receive(u, v))
			u->lsr |= UART_LSR_OE;
	} else if (u->be->tx) {
		u->be->tx(u->ctx, v);
	}
	/* The byte leaves at once: the holding register is empty again. */
	u->lsr |= UART_LSR_THRE | UART_LSR_TEMT;
	u->iir_thri_pending = 1;
}

uint8_t uart16550_model_read(struct uart16550 *u, unsigned offset)
{
	uint8_t v = 0;
	bool dlab = u->lcr & UART_LCR_DLAB;

	switch (offset & 7) {
	case UART_RBR:
		v = dlab ? u->dll : rx_pop(u);
		break;
	case UART_IER:
		v = dlab ? u->dlm : u->ier;
		break;
	case UART_IIR:
		v = current_iir(u);
		/* Reading IIR while it reports THR empty acknowledges that. */
		if ((v & UART_IIR_ID_MASK) == UART_IIR_THRI)
			u->iir_thri_pending = 0;
		break;
	case UART_LCR:
		v = u->lcr;
		break;
	case UART_MCR:
		v = u->mcr;
		break;
	case UART_LSR:
		v = u->lsr;
		u->lsr &= (uint8_t)~UART_LSR_OE; /* cleared by reading */
		break;
	case UART_MSR:
		if (u->mcr & UART_MCR_LOOP) /* loopback wires MCR outputs to inputs */
			v = (uint8_t)(((u->mcr & 0x0c) << 4) | ((u->mcr & 0x01) << 5) | ((u->mcr & 0x02) << 3));
		else
			v = u->msr;
		break;
	case UART_SCR:
		v = u->scr;
		break;
	}
	update_irq(u);
	return v;
}

void uart16550_model_write(struct uart16550 *u, unsigned offset, uint8_t v)
{
	bool dlab = u->lcr & UART_LCR_DLAB;
	uint8_t old_ier;

	switch (offset & 7) {
	case UART_THR:
		if (dlab)
			u->dll = v;
		else
			transmit(u, v);
		break;
	case UART_IER:
		if (dlab) {
			u->dlm = v;
			break;
		}
		old_ier = u->ier;
		u->ier = v & 0x0f;
		/* Enabling THRI while the holding register is empty interrupts at once. */
		if ((u->ier & UART_IER_THRI) && !(old_ier & UART_IER_THRI) && (u->lsr & UART_LSR_THRE))
			u->iir_thri_pending = 1;
		if ((u->ier ^ old_ier) & UART_IER_RDI && u->be->rx_interest)
			u->be->rx_interest(u->ctx, u->ier & UART_IER_RDI);
		break;
	case UART_FCR:
		u->fcr = v & (UART_FCR_ENABLE | 0xc0);
		if (v & UART_FCR_CLEAR_RX) {
			u->rx_count = 0;
			u->lsr &= (uint8_t)~UART_LSR_DR;
		}
		break;
	case UART_LCR:
		u->lcr = v;
		break;
	case UART_MCR:
		u->mcr = v & 0x1f;
		break;
	case UART_LSR:
	case UART_MSR:
		break; /* read-only */
	case UART_SCR:
		u->scr = v;
		break;
	}
	update_irq(u);
}
