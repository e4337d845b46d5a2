/* The kernel monitor: a small command interpreter on the console, for
 * poking at a running kernel (and, until user space lands, its shell). */
#ifndef KERN_MONITOR_H
#define KERN_MONITOR_H
/* Reads and runs commands until `poweroff` or `exit`. */
void monitor_run(void);
/* Runs one command line; returns false if it asked to leave. */
bool monitor_exec(char *line);
#endif
