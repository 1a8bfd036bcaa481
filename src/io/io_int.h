/*
 * io_int.h - private to io/: the CSV record stream and the SDTM table
 * helpers shared by the domain readers.
 */
#ifndef BALIST_IO_INT_H
#define BALIST_IO_INT_H

#include "balist/io.h"

#endif
