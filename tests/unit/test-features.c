/* oci_features_json: the runtime-spec features document, parsed back with
 * yajl_tree and checked key by key. */
#include <yajl/yajl_tree.h>

#include "husk/features.h"
#include "oci-test.h"

static yajl_val features_tree(const struct oci_features *f, int *unit_failed)
{
	struct husk_err *err = NULL;
	char *text = oci_features_json(f, &err);

	return parse_back(text, err, unit_failed);
}

static yajl_val at(yajl_val v, const char *a, const char *b, const char *c, const char *d)
{
	const char *path[] = { a, b, c, d, NULL };

	return yajl_tree_get(v, path, yajl_t_any);
}

TEST(features_document_keys)
{
	const char *hooks[] = { "prestart", "poststop", NULL };
	const char *opts[] = { "ro", "tmpcopyup", NULL };
	const char *ns[] = { "pid", "time", NULL };
	const char *acts[] = { "SCMP_ACT_ALLOW", NULL };
	const char *unsafe[] = { "org.criu.config", NULL };
	struct oci_kv kv[] = { { "org.husk.version", "1.2.3" }, { "q", "a\"b" } };
	struct oci_features f = { .oci_version_min = "1.0.0", .oci_version_max = "1.2.0",
				  .hooks = hooks, .mount_options = opts, .unsafe_annotations = unsafe,
				  .annotations = { kv, 2 } };
	yajl_val v, x;

	f.linux_.namespaces = ns;
	f.linux_.seccomp.enabled = true;
	f.linux_.seccomp.actions = acts;
	f.linux_.cgroup.v1 = f.linux_.cgroup.v2 = true;
	f.linux_.apparmor = true;
	v = features_tree(&f, unit_failed);
	if (!v)
		return;
	CHECK_STR(YAJL_GET_STRING(at(v, "ociVersionMin", NULL, NULL, NULL)), "1.0.0");
	CHECK_STR(YAJL_GET_STRING(at(v, "ociVersionMax", NULL, NULL, NULL)), "1.2.0");
	x = at(v, "hooks", NULL, NULL, NULL);
	CHECK(YAJL_IS_ARRAY(x) && x->u.array.len == 2);
	x = at(v, "mountOptions", NULL, NULL, NULL);
	CHECK(YAJL_IS_ARRAY(x) && x->u.array.len == 2);
	if (YAJL_IS_ARRAY(x) && x->u.array.len == 2)
		CHECK_STR(YAJL_GET_STRING(x->u.array.values[1]), "tmpcopyup");
	x = at(v, "linux", "namespaces", NULL, NULL);
	CHECK(YAJL_IS_ARRAY(x) && x->u.array.len == 2);
	CHECK(YAJL_IS_TRUE(at(v, "linux", "cgroup", "v1", NULL)));
	CHECK(YAJL_IS_FALSE(at(v, "linux", "cgroup", "systemd", NULL)));
	CHECK(YAJL_IS_TRUE(at(v, "linux", "seccomp", "enabled", NULL)));
	/* lists not given are empty, never absent */
	x = at(v, "linux", "seccomp", "knownFlags", NULL);
	CHECK(YAJL_IS_ARRAY(x) && x->u.array.len == 0);
	x = at(v, "linux", "capabilities", NULL, NULL);
	CHECK(YAJL_IS_ARRAY(x) && x->u.array.len == 0);
	CHECK(YAJL_IS_TRUE(at(v, "linux", "apparmor", "enabled", NULL)));
	CHECK(YAJL_IS_FALSE(at(v, "linux", "selinux", "enabled", NULL)));
	CHECK(YAJL_IS_FALSE(at(v, "linux", "intelRdt", "enabled", NULL)));
	CHECK(YAJL_IS_FALSE(at(v, "linux", "mountExtensions", "idmap", "enabled")));
	CHECK_STR(YAJL_GET_STRING(at(v, "annotations", "q", NULL, NULL)), "a\"b");
	CHECK_STR(YAJL_GET_STRING(at(v, "annotations", "org.husk.version", NULL, NULL)), "1.2.3");
	x = at(v, "potentiallyUnsafeConfigAnnotations", NULL, NULL, NULL);
	CHECK(YAJL_IS_ARRAY(x) && x->u.array.len == 1);
	yajl_tree_free(v);
}

TEST(features_need_the_versions)
{
	struct oci_features f = { .oci_version_min = "1.0.0" };
	struct husk_err *err = NULL;

	CHECK(oci_features_json(&f, &err) == NULL);
	CHECK(err && strstr(err->msg, "ociVersionMax"));
	husk_err_free(&err);
}

TEST(features_reject_invalid_utf8)
{
	const char *bad[] = { "\xff\xfe", NULL };
	struct oci_features f = { .oci_version_min = "1.0.0", .oci_version_max = "1.2.0",
				  .mount_options = bad };
	struct husk_err *err = NULL;

	CHECK(oci_features_json(&f, &err) == NULL);
	CHECK(err && strstr(err->msg, "UTF-8"));
	husk_err_free(&err);
}
