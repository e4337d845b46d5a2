/* Terminal device nodes: /dev/tty (5,0), the caller's controlling
 * terminal, and /dev/console (5,1), the console terminal. */
#include <kern/errno.h>
#include <kern/log.h>
#include <kern/proc.h>

#include "tty_internal.h"

#define TTYAUX_MAJOR 5
#define TTY_MINOR 0
#define CONSOLE_MINOR 1

void tty_devices_init(void)
{
	static spinlock_t lock = SPINLOCK_INIT("tty-devices");
	static bool done;
	bool first;

	spin_lock(&lock);
	first = !done;
	done = true;
	spin_unlock(&lock);
	if (!first)
		return;
	console_tty();
	if (chrdev_register(TTYAUX_MAJOR, TTY_MINOR, "tty", &tty_dev_fops) ||
	    chrdev_register(TTYAUX_MAJOR, CONSOLE_MINOR, "console", &tty_dev_fops))
		pr_err("tty: cannot register /dev/tty and /dev/console");
}

int tty_device_lookup(kdev_t dev, struct tty **out)
{
	struct process *p;

	if (kdev_major(dev) != TTYAUX_MAJOR)
		return -ENODEV;
	switch (kdev_minor(dev)) {
	case CONSOLE_MINOR:
		*out = console_tty();
		return 0;
	case TTY_MINOR:
		p = proc_current();
		*out = p ? tty_of_session(p->sid) : NULL;
		if (*out && !tty_session_alive(p->sid))
			*out = NULL; /* the session lost its leader: no terminal */
		return *out ? 0 : -ENXIO;
	default:
		return -ENODEV;
	}
}
