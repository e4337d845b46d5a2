#include <stdio.h>
int probe(void);
int probe(void) { return 0; }
