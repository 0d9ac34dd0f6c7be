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

/* What `husk features` says husk does not implement is refused, not
 * silently left out: Intel RDT and id-mapped mounts. */
static int check_unsupported(const struct oci_config *cfg, struct husk_err **err)
{
	if (cfg->linux_cfg && cfg->linux_cfg->intel_rdt)
		return husk_error(err, 0, "config.json: .linux.intelRdt: Intel RDT is not supported by husk");
	for (size_t i = 0; i < cfg->n_mounts; i++)
		if (cfg->mounts[i].n_uid_mappings || cfg->mounts[i].n_gid_mappings)
			return husk_error(err, 0, "config.json: .mounts[%zu]: uidMappings and gidMappings "
					  "(id-mapped mounts) are not supported by husk", i);
	return 0;
}

int confine_check(const struct oci_config *cfg, struct husk_err **err)
{
	const struct oci_linux *lx = cfg->linux_cfg;

	if (check_unsupported(cfg, err) < 0 || lsm_check(cfg, err) < 0 || sysctl_check(cfg, err) < 0 || sched_check(cfg, err) < 0)
		return -1;
	if (lx && (check_paths(&lx->masked_paths, "maskedPaths", err) < 0 ||
		   check_paths(&lx->readonly_paths, "readonlyPaths", err) < 0))
		return -1;
	return 0;
}
