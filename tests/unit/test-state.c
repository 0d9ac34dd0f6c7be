/* oci_state_json: the runtime-spec state document, checked by parsing it
 * back with yajl_tree. */
#include <yajl/yajl_tree.h>

#include "oci-test.h"

static yajl_val state_tree(const struct oci_state *st, int *unit_failed)
{
	struct husk_err *err = NULL;
	char *text = oci_state_json(st, &err);

	return parse_back(text, err, unit_failed);
}

static const char *str_at(yajl_val v, const char *key)
{
	const char *path[] = { key, NULL };

	return YAJL_GET_STRING(yajl_tree_get(v, path, yajl_t_string));
}

TEST(state_round_trips)
{
	struct oci_kv kv[] = { { "org.a", "1" }, { "b", "x\"y" } };
	struct oci_map ann = { kv, 2 };
	struct oci_state st = {
		.oci_version = "1.2.0", .id = "c1", .status = "running",
		.bundle = "/bundles/c1", .pid = 4242, .annotations = &ann,
	};
	yajl_val v = state_tree(&st, unit_failed);
	const char *pid[] = { "pid", NULL }, *annp[] = { "annotations", NULL };
	yajl_val a;

	if (!v)
		return;
	CHECK(v->u.object.len == 6);
	CHECK_STR(v->u.object.keys[0], "ociVersion");
	CHECK_STR(str_at(v, "ociVersion"), "1.2.0");
	CHECK_STR(str_at(v, "id"), "c1");
	CHECK_STR(str_at(v, "status"), "running");
	CHECK_STR(str_at(v, "bundle"), "/bundles/c1");
	CHECK(YAJL_IS_INTEGER(yajl_tree_get(v, pid, yajl_t_number)));
	CHECK(YAJL_GET_INTEGER(yajl_tree_get(v, pid, yajl_t_number)) == 4242);
	a = yajl_tree_get(v, annp, yajl_t_object);
	CHECK(a && a->u.object.len == 2);
	CHECK_STR(str_at(a, "org.a"), "1");
	CHECK_STR(str_at(a, "b"), "x\"y");
	yajl_tree_free(v);
}

TEST(state_omits_zero_pid_and_empty_annotations)
{
	struct oci_map empty = { NULL, 0 };
	struct oci_state st = {
		.oci_version = "1.2.0", .id = "c2", .status = "stopped", .bundle = "/b",
		.pid = 0, .annotations = &empty,
	};
	struct oci_state st2 = {
		.oci_version = "1.2.0", .id = "c2", .status = "created", .bundle = "/b", .pid = 7,
	};
	const char *pid[] = { "pid", NULL }, *ann[] = { "annotations", NULL };
	yajl_val v = state_tree(&st, unit_failed), v2 = state_tree(&st2, unit_failed);

	CHECK(v && v->u.object.len == 4);
	CHECK(v && !yajl_tree_get(v, pid, yajl_t_any) && !yajl_tree_get(v, ann, yajl_t_any));
	CHECK(v2 && v2->u.object.len == 5 && !yajl_tree_get(v2, ann, yajl_t_any));
	yajl_tree_free(v);
	yajl_tree_free(v2);
}

TEST(state_rejects_missing_fields)
{
	struct oci_state st = { .oci_version = "1.2.0", .status = "running", .bundle = "/b" };
	struct oci_state st2 = { .oci_version = "1.2.0", .id = "c", .status = "running" };
	struct husk_err *err = NULL;

	CHECK(oci_state_json(&st, &err) == NULL);
	CHECK_STR(err ? err->msg : NULL, "state JSON: id is not set");
	husk_err_free(&err);
	CHECK(oci_state_json(&st2, &err) == NULL);
	CHECK_STR(err ? err->msg : NULL, "state JSON: bundle is not set");
	husk_err_free(&err);
}

TEST(state_rejects_invalid_utf8)
{
	struct oci_state st = {
		.oci_version = "1.2.0", .id = "c\xff", .status = "running", .bundle = "/b",
	};
	struct husk_err *err = NULL;

	CHECK(oci_state_json(&st, &err) == NULL);
	CHECK_STR(err ? err->msg : NULL, "state JSON: a string is not valid UTF-8");
	husk_err_free(&err);
}

TEST(state_extensions)
{
	struct oci_state st = {
		.oci_version = "1.2.0", .id = "c3", .status = "stopped", .bundle = "/b",
		.rootfs = "/b/rootfs", .created = "2024-01-02T03:04:05.000000006Z",
		.has_exit = true, .exit_code = 0, .exit_signal = 9,
		.exited_at = "2024-01-02T03:04:06Z",
	};
	struct oci_state st2 = {
		.oci_version = "1.2.0", .id = "c4", .status = "running", .bundle = "/b",
		.exit_code = 3,
	};
	const char *code[] = { "exitCode", NULL }, *sig[] = { "exitSignal", NULL };
	yajl_val v = state_tree(&st, unit_failed), v2 = state_tree(&st2, unit_failed);

	CHECK(v && v->u.object.len == 9);
	CHECK_STR(v ? str_at(v, "rootfs") : NULL, "/b/rootfs");
	CHECK_STR(v ? str_at(v, "created") : NULL, "2024-01-02T03:04:05.000000006Z");
	CHECK_STR(v ? str_at(v, "exitedAt") : NULL, "2024-01-02T03:04:06Z");
	CHECK(v && YAJL_GET_INTEGER(yajl_tree_get(v, code, yajl_t_number)) == 0);
	CHECK(v && YAJL_GET_INTEGER(yajl_tree_get(v, sig, yajl_t_number)) == 9);
	/* Without has_exit, the exit fields are not written at all. */
	CHECK(v2 && v2->u.object.len == 4 && !yajl_tree_get(v2, code, yajl_t_any));
	yajl_tree_free(v);
	yajl_tree_free(v2);
}
