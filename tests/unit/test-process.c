/* A runtime-spec process object on its own: what exec --process reads. */
#include "oci-test.h"

static struct oci_process *proc_q(const char *json, char **msg)
{
	char *d = dq(json);
	struct husk_err *err = NULL;
	struct oci_process *p = oci_process_parse(d, strlen(d), "process.json", &err);

	if (p && oci_process_validate(p, "process.json", &err) < 0) {
		oci_process_free(p);
		p = NULL;
	}
	*msg = err ? strdup(err->msg) : NULL;
	husk_err_free(&err);
	free(d);
	return p;
}

TEST(process_fields)
{
	char *msg;
	struct oci_process *p = proc_q("{'args':['sh','-c','id'],'cwd':'/tmp','env':['A=1'],"
				       "'user':{'uid':1000,'gid':100,'additionalGids':[5]},"
				       "'terminal':true,'noNewPrivileges':true,"
				       "'capabilities':{'bounding':['CAP_KILL']}}", &msg);

	CHECK(p != NULL);
	if (!p)
		return;
	CHECK(p->args.n == 3);
	CHECK_STR(p->args.v[2], "id");
	CHECK(p->args.v[3] == NULL);
	CHECK_STR(p->cwd, "/tmp");
	CHECK_STR(p->env.v[0], "A=1");
	CHECK(p->user.uid == 1000 && p->user.gid == 100);
	CHECK(p->user.n_additional_gids == 1 && p->user.additional_gids[0] == 5);
	CHECK(p->terminal && p->no_new_privileges);
	CHECK(p->capabilities && p->capabilities->bounding.n == 1);
	oci_process_free(p);
	free(msg);
}

TEST(process_wrong_type_names_the_path)
{
	char *msg;
	struct oci_process *p = proc_q("{'args':5,'cwd':'/'}", &msg);

	CHECK(p == NULL);
	CHECK_STR(msg, "process.json: .args: expected an array of strings");
	free(msg);
}

TEST(process_empty_args_rejected)
{
	char *msg;
	struct oci_process *p = proc_q("{'args':[],'cwd':'/'}", &msg);

	CHECK(p == NULL);
	CHECK(msg && strstr(msg, "args: must not be empty"));
	free(msg);
}

TEST(process_relative_cwd_rejected)
{
	char *msg;
	struct oci_process *p = proc_q("{'args':['sh'],'cwd':'tmp'}", &msg);

	CHECK(p == NULL);
	CHECK(msg && strstr(msg, ".process.cwd"));
	free(msg);
}

TEST(process_load_missing_file)
{
	struct husk_err *err = NULL;

	CHECK(oci_process_load("/nonexistent/process.json", &err) == NULL);
	CHECK(err && strstr(err->msg, "/nonexistent/process.json"));
	husk_err_free(&err);
}
