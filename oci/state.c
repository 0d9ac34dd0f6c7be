/* The runtime-spec state document. */
#include <errno.h>

#include "internal.h"

char *oci_state_json(const struct oci_state *st, struct husk_err **err)
{
	const struct { const char *key, *value; } required[] = {
		{ "ociVersion", st->oci_version }, { "id", st->id },
		{ "status", st->status }, { "bundle", st->bundle },
	};
	const struct oci_map *ann = st->annotations;
	struct jgen g;

	for (size_t i = 0; i < ARRAY_SIZE(required); i++)
		if (!required[i].value) {
			husk_error(err, 0, "state JSON: %s is not set", required[i].key);
			return NULL;
		}
	if (jg_init(&g, true) < 0) {
		husk_error(err, ENOMEM, "state JSON");
		return NULL;
	}
	jg_map(&g, true);
	jg_key_str(&g, "ociVersion", st->oci_version);
	jg_key_str(&g, "id", st->id);
	jg_key_str(&g, "status", st->status);
	if (st->pid)
		jg_key_int(&g, "pid", st->pid);
	jg_key_str(&g, "bundle", st->bundle);
	if (st->rootfs)
		jg_key_str(&g, "rootfs", st->rootfs);
	if (st->created)
		jg_key_str(&g, "created", st->created);
	if (st->has_exit) {
		jg_key_int(&g, "exitCode", st->exit_code);
		jg_key_int(&g, "exitSignal", st->exit_signal);
		if (st->exited_at)
			jg_key_str(&g, "exitedAt", st->exited_at);
	}
	if (ann && ann->n) {
		jg_str(&g, "annotations");
		jg_map(&g, true);
		for (size_t i = 0; i < ann->n; i++)
			jg_key_str(&g, ann->v[i].key, ann->v[i].value);
		jg_map(&g, false);
	}
	jg_map(&g, false);
	return jg_finish(&g, "state JSON", err);
}
