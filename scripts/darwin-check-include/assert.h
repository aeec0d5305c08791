/* Declarations ring's C needs, for `make check-platforms` only (type-checked, never linked). */
#define assert(e) ((void)(e))
