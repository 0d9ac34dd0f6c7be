/* OCI hooks: programs run at points of the lifecycle with the container
 * state on stdin.
 *   prestart, createRuntime   husk create, runtime namespaces, after the
 *                             container's namespaces exist, before pivot_root
 *   createContainer           the container init, container namespaces,
 *                             before pivot_root
 *   startContainer            the container init after `start`, in the
 *                             container, right before the user process
 *   poststart                 husk start, once the user process runs
 *   poststop                  husk delete, once the container is gone
 * A failing hook of the first four kinds fails the operation; of the last
 * two it is logged and the operation goes on. */
#ifndef HUSK_HOOKS_H
#define HUSK_HOOKS_H

#include "husk/error.h"
#include "husk/oci.h"

/* Run every hook of list in order, stopping at the first that fails
 * (exits non-zero, is killed, or outlives its timeout). kind names the
 * list in errors ("createRuntime"). A hook without env gets default_env,
 * or husk's own environment when that is NULL. */
int hooks_run(const struct oci_hook_list *list, const char *kind, const char *state_json,
	      char *const *default_env, struct husk_err **err);
/* The same for poststart and poststop: failures are logged as warnings. */
void hooks_run_logged(const struct oci_hook_list *list, const char *kind, const char *state_json);

#endif
