/* A compile probe: a call to a banned function (cmake/banned.h) must not
 * compile. */
#include <stdio.h>

int probe_banned_call(char *buf);
int probe_banned_call(char *buf)
{
    return sprintf(buf, "%d", 1);
}
