/*
 * banned.h - functions this project does not call (STYLE.md "Ownership and
 * memory": bounded buffers only; one parse_double()/parse_long() checks
 * every byte of input). Force-included into every C file of BALIST by the
 * build (-include), after the system headers were declared, so that a
 * call to one of these fails to compile with its name in the message, as
 * git's banned.h does. Use snprintf, memcpy with a length, xstrdup,
 * strcspn, parse_double, parse_long.
 */
#ifndef BALIST_BANNED_H
#define BALIST_BANNED_H

/* Declared first, so that the poisoning below does not break the system
 * headers that declare them. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#pragma GCC poison sprintf vsprintf strcpy strcat strtok strtok_r atoi atol \
    atoll atof gets sscanf

#endif
