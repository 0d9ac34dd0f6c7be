/* Scope-bound release of fds, heap memory and stdio files. */
#ifndef HUSK_CLEANUP_H
#define HUSK_CLEANUP_H

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static inline void husk_freep(void *p) { free(*(void **)p); }
static inline void husk_closep(int *fd) { if (*fd >= 0) close(*fd); }
static inline void husk_fclosep(FILE **f) { if (*f) fclose(*f); }

#ifdef HUSK_CPPCHECK
/* cppcheck (2.10) ignores the cleanup attribute and would report every
 * cleanup variable as a leak; as statics it leaves them alone, and still
 * checks every other pointer and fd. make lint defines HUSK_CPPCHECK. */
#define cleanup_free static
#define cleanup_close static
#define cleanup_fclose static
#else
#define cleanup_free __attribute__((cleanup(husk_freep)))
#define cleanup_close __attribute__((cleanup(husk_closep)))
#define cleanup_fclose __attribute__((cleanup(husk_fclosep)))
#endif

/* Hand ownership out of a cleanup variable. */
#define steal_ptr(p) ({ __typeof__(p) _t = (p); (p) = NULL; _t; })
#define steal_fd(fd) ({ int _t = (fd); (fd) = -1; _t; })

#endif
