/* Declarations ring's C needs, for `make check-platforms` only (type-checked, never linked). */
#include <stddef.h>
void abort(void);
