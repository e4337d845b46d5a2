/* Terminals. */
#ifndef KERN_TTY_H
#define KERN_TTY_H
struct file;
/* A new open file on the console. */
struct file *console_file_open(void);
#endif
