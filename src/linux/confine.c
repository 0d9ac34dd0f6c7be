#include "husk/confine.h"
#include "husk/lsm.h"
#include "husk/sched.h"
#include "husk/sysctl.h"

static int check_paths(const struct oci_strv *v, const char *field, struct husk_err **err)
{
	for (size_t i = 0; i < v->n; i++)
		if (v->v[i][0] != '/')
			return husk_error(err, 0, "config.json: .linux.%s[%zu]: \"%s\" is not an absolute path",
					  field, i, v->v[i]);
	return 0;
}

int confine_check(const struct oci_config *cfg, struct husk_err **err)
{
	const struct oci_linux *lx = cfg->linux_cfg;

	if (lsm_check(cfg, err) < 0 || sysctl_check(cfg, err) < 0 || sched_check(cfg, err) < 0)
		return -1;
	if (lx && (check_paths(&lx->masked_paths, "maskedPaths", err) < 0 ||
		   check_paths(&lx->readonly_paths, "readonlyPaths", err) < 0))
		return -1;
	return 0;
}
