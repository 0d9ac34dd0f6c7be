/* The runtime-spec "features" document (features.md, features-linux.md):
 * what this build of husk recognises and implements. oci/features.c
 * writes the JSON (pure); src/cmd/features.c gathers the lists from the
 * modules that implement them, so the document cannot drift from the code.
 * String lists are NULL-terminated. */
#ifndef HUSK_FEATURES_H
#define HUSK_FEATURES_H

#include <stdbool.h>

#include "husk/error.h"
#include "husk/oci.h"

/* The oldest and newest ociVersion husk accepts (validate.c takes any 1.x). */
#define OCI_VERSION_MIN "1.0.0"
#define OCI_VERSION_MAX "1.2.0"

struct oci_features {
	const char *oci_version_min, *oci_version_max;
	const char **hooks;
	const char **mount_options;
	struct {
		const char **namespaces;
		const char **capabilities;
		struct { bool v1, v2, systemd, systemd_user, rdma; } cgroup;
		struct {
			bool enabled;
			const char **actions, **operators, **archs;
			const char **known_flags, **supported_flags;
		} seccomp;
		bool apparmor, selinux, intel_rdt, idmap_mounts;
	} linux_;
	/* annotations of config.json that change what husk does */
	const char **unsafe_annotations;
	struct oci_map annotations;	/* of the runtime itself */
};

/* JSON text of the document (malloc'd, NUL-terminated, indented). */
char *oci_features_json(const struct oci_features *f, struct husk_err **err);

#endif
