/* The control of int_include.c: the same layer including another layer's
 * public header, as a library that links it may, compiles. */
#include "balist/store.h"

int probe_public_include(void);
int probe_public_include(void)
{
    return 0;
}
