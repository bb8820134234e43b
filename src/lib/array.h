#ifndef LIB_ARRAY_H
#define LIB_ARRAY_H

/* ARRAY_SIZE - the number of elements of an array (not of a pointer), as xv6's NELEM. */
#define ARRAY_SIZE(array) (sizeof(array) / sizeof((array)[0]))

#endif
