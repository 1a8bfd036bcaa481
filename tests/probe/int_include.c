/* A compile probe (tests/CMakeLists.txt "house rules"): a file of the
 * criteria layer that includes the store's private header must not
 * compile, since src/<layer> is private to its library. */
#include "store_int.h"

int probe_int_include(void);
int probe_int_include(void)
{
    return 0;
}
