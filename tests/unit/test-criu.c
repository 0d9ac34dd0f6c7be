/* src/criu.c: the criu command lines of checkpoint and restore, the
 * external-mount map built from a config, and the formats around them. */
#include "husk/criu.h"
#include "oci-test.h"

static struct oci_config *cfg_of(const char *json)
{
	char *msg = NULL;
	struct oci_config *c = parse_q(json, &msg);

	if (!c) {
		printf("# parse: %s\n", msg);
		abort();
	}
	free(msg);
	return c;
}

/* argv joined with single spaces, for whole-line comparisons */
static char *join(char **argv)
{
	size_t len = 1;
	char *out, *p;

	for (size_t i = 0; argv[i]; i++)
		len += strlen(argv[i]) + 1;
	out = calloc(1, len);
	p = out;
	for (size_t i = 0; argv[i]; i++)
		p += sprintf(p, "%s%s", i ? " " : "", argv[i]);
	return out;
}

static bool has_arg(char **argv, const char *arg)
{
	for (size_t i = 0; argv[i]; i++)
		if (!strcmp(argv[i], arg))
			return true;
	return false;
}

static size_t count_prefix(char **argv, const char *prefix)
{
	size_t n = 0;

	for (size_t i = 0; argv[i]; i++)
		n += !strncmp(argv[i], prefix, strlen(prefix));
	return n;
}

static const char *find_val(const struct criu_ext_mounts *m, const char *key)
{
	for (size_t i = 0; i < m->n; i++)
		if (!strcmp(m->v[i].key, key))
			return m->v[i].val;
	return NULL;
}

static char *error_of(int ret, struct husk_err **err)
{
	char *msg = ret < 0 && *err ? strdup((*err)->msg) : NULL;

	husk_err_free(err);
	return msg;
}

/* /proc/kcore and /proc/keys are files, /proc/acpi a directory, the rest absent */
static enum criu_path_kind kind(void *arg, const char *path)
{
	(void)arg;
	if (!strcmp(path, "/proc/kcore") || !strcmp(path, "/proc/keys"))
		return CRIU_PATH_FILE;
	if (!strcmp(path, "/proc/acpi"))
		return CRIU_PATH_DIR;
	return CRIU_PATH_ABSENT;
}

static const struct criu_fs fake_fs = { .kind = kind };

/* as if /var/run were a symlink to /run in the rootfs */
static char *resolve(void *arg, const char *dest)
{
	char *p;

	(void)arg;
	if (strncmp(dest, "/var/run/", 9))
		return NULL;
	return asprintf(&p, "/run/%s", dest + 9) < 0 ? NULL : p;
}

#define MOUNTS ",'mounts':[" \
	"{'destination':'/proc','type':'proc','source':'proc'}," \
	"{'destination':'/data','type':'bind','source':'/srv/data','options':['rbind','ro']}," \
	"{'destination':'//etc/./conf/','source':'conf','options':['bind']}," \
	"{'destination':'/tmp','type':'tmpfs','source':'tmpfs'}," \
	"{'destination':'/data','type':'none','source':'/srv/other','options':['rbind']}]"
#define MASKED "'maskedPaths':['/proc/kcore','/proc/acpi','/proc/nothere','/proc/keys']"
#define DEVICES "'devices':[{'path':'/dev/fuse','type':'c','major':10,'minor':229}," \
	"{'path':'/dev/null','type':'c','major':1,'minor':3}]"

TEST(dump_mounts_binds_masked_files_devices)
{
	struct oci_config *c = cfg_of(CFG(MOUNTS LINUX(MASKED "," DEVICES)));
	struct criu_ext_mounts m;
	struct husk_err *err = NULL;

	CHECK(criu_dump_mounts(c, &fake_fs, &m, &err) == 0);
	/* binds, in config order, under their cleaned destination; the second
	 * mount on /data adds nothing */
	CHECK_STR(m.v[0].key, "/data");
	CHECK_STR(m.v[0].val, "/data");
	CHECK_STR(m.v[1].key, "/etc/conf");
	CHECK_STR(m.v[1].val, "/etc/conf");
	/* masked files are saved as /dev/null; directories and absent paths
	 * are not mounts criu needs told about */
	CHECK_STR(m.v[2].key, "/proc/kcore");
	CHECK_STR(m.v[2].val, "/dev/null");
	CHECK_STR(m.v[3].key, "/proc/keys");
	CHECK_STR(m.v[3].val, "/dev/null");
	CHECK(find_val(&m, "/proc/acpi") == NULL);
	CHECK(find_val(&m, "/proc/nothere") == NULL);
	CHECK(find_val(&m, "/proc") == NULL);
	CHECK(find_val(&m, "/tmp") == NULL);
	/* the default devices and linux.devices, each once */
	CHECK_STR(find_val(&m, "/dev/null"), "/dev/null");
	CHECK_STR(find_val(&m, "/dev/tty"), "/dev/tty");
	CHECK_STR(find_val(&m, "/dev/urandom"), "/dev/urandom");
	CHECK_STR(find_val(&m, "/dev/fuse"), "/dev/fuse");
	CHECK(m.n == 4 + 6 + 1);
	criu_ext_mounts_free(&m);
	oci_config_free(c);
}

TEST(restore_mounts_map_names_to_host_sources)
{
	struct oci_config *c = cfg_of(CFG(MOUNTS LINUX(MASKED "," DEVICES)));
	struct criu_ext_mounts m;
	struct husk_err *err = NULL;

	CHECK(criu_restore_mounts(c, "/bundle/dir", NULL, &m, &err) == 0);
	CHECK_STR(find_val(&m, "/data"), "/srv/data");
	/* a relative source is relative to where husk runs, as for create */
	CHECK_STR(find_val(&m, "/etc/conf"), "/bundle/dir/conf");
	/* every masked file was saved as /dev/null: one entry serves them all */
	CHECK_STR(find_val(&m, "/dev/null"), "/dev/null");
	CHECK(find_val(&m, "/proc/kcore") == NULL);
	CHECK_STR(find_val(&m, "/dev/fuse"), "/dev/fuse");
	CHECK(m.n == 2 + 6 + 1);
	criu_ext_mounts_free(&m);
	oci_config_free(c);
}

TEST(mounts_of_a_minimal_config_are_the_devices)
{
	struct oci_config *c = cfg_of(CFG(""));
	struct criu_ext_mounts m;
	struct husk_err *err = NULL;

	CHECK(criu_dump_mounts(c, &fake_fs, &m, &err) == 0);
	CHECK(m.n == 6);
	CHECK_STR(m.v[0].key, "/dev/null");
	criu_ext_mounts_free(&m);
	CHECK(criu_restore_mounts(c, NULL, NULL, &m, &err) == 0);
	CHECK(m.n == 6);
	CHECK(find_val(&m, "/dev/null") != NULL);
	criu_ext_mounts_free(&m);
	oci_config_free(c);
}

TEST(mount_points_follow_the_rootfs_symlinks)
{
	struct oci_config *c = cfg_of(CFG(",'mounts':[{'destination':'/var/run/x','type':'bind','source':'/s'},"
					  "{'destination':'/var/log','type':'bind','source':'/l'}]"));
	struct criu_fs fs = { .kind = kind, .resolve = resolve };
	struct criu_ext_mounts m;
	struct husk_err *err = NULL;

	CHECK(criu_dump_mounts(c, &fs, &m, &err) == 0);
	CHECK_STR(find_val(&m, "/run/x"), "/run/x");
	CHECK_STR(find_val(&m, "/var/log"), "/var/log");
	CHECK(find_val(&m, "/var/run/x") == NULL);
	criu_ext_mounts_free(&m);
	CHECK(criu_restore_mounts(c, "/", &fs, &m, &err) == 0);
	CHECK_STR(find_val(&m, "/run/x"), "/s");
	CHECK_STR(find_val(&m, "/var/log"), "/l");
	criu_ext_mounts_free(&m);
	oci_config_free(c);
}

TEST(restore_bind_without_source_is_an_error)
{
	struct oci_config *c = cfg_of(CFG(",'mounts':[{'destination':'/x','type':'bind'}]"));
	struct criu_ext_mounts m;
	struct husk_err *err = NULL;
	char *msg = error_of(criu_restore_mounts(c, "/", NULL, &m, &err), &err);

	CHECK_STR(msg, "config.json: .mounts[0].source: a bind mount needs one");
	CHECK(m.n == 0 && m.v == NULL);
	free(msg);
	oci_config_free(c);
}

TEST(clean_path)
{
	static const char *const cases[][2] = {
		{ "/", "/" }, { "", "/" }, { "//a//b/", "/a/b" }, { "/a/./b/.", "/a/b" },
		{ "/a/b/../c", "/a/c" }, { "/../a", "/a" }, { "a/b", "/a/b" },
		{ "/a/b/../../..", "/" }, { "/a/..b/c", "/a/..b/c" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *p = criu_clean_path(cases[i][0]);

		CHECK_STR(p, cases[i][1]);
		free(p);
	}
}

static struct criu_opts base_opts(void)
{
	return (struct criu_opts){ .image_path = "/img" };
}

TEST(dump_argv_defaults)
{
	struct criu_opts o = base_opts();
	struct criu_dump_plan p = { .criu = "criu", .o = &o, .pid = 42, .rootfs = "/b/rootfs" };
	struct husk_err *err = NULL;
	char **argv = criu_dump_argv(&p, &err);
	char *line = join(argv);

	CHECK_STR(line, "criu dump --tree=42 --root=/b/rootfs --images-dir=/img "
		  "--log-file=dump.log -v4 --manage-cgroups");
	free(line);
	criu_argv_free(argv);
}

TEST(dump_argv_every_flag)
{
	struct criu_opts o = {
		.image_path = "/img", .work_path = "/work", .parent_path = "../1",
		.leave_running = true, .tcp_established = true, .ext_unix_sk = true,
		.shell_job = true, .file_locks = true, .auto_dedup = true, .empty_net = true,
		.cg_mode = CRIU_CG_STRICT, .ps = { "10.0.0.1", 8000 },
	};
	struct criu_ext_mounts m = { 0 };
	struct husk_err *err = NULL;
	struct oci_config *c = cfg_of(CFG(MOUNTS LINUX(MASKED)));
	char *ext[] = { "net[4026531992]:extRootNetNS" };
	struct criu_dump_plan p = {
		.criu = "/opt/criu", .o = &o, .pid = 7, .rootfs = "/r",
		.freeze_cgroup = "/sys/fs/cgroup/freezer/husk/x", .config_file = "/etc/criu/husk.conf",
		.mounts = &m, .external = ext, .n_external = 1,
	};
	char **argv, *line;

	CHECK(criu_dump_mounts(c, &fake_fs, &m, &err) == 0);
	argv = criu_dump_argv(&p, &err);
	line = join(argv);
	CHECK_STR(line, "/opt/criu dump --tree=7 --root=/r --config=/etc/criu/husk.conf "
		  "--images-dir=/img --work-dir=/work --log-file=dump.log -v4 --manage-cgroups=strict "
		  "--tcp-established --ext-unix-sk --shell-job --file-locks --auto-dedup --empty-ns=net "
		  "--external=mnt[/data]:/data --external=mnt[/etc/conf]:/etc/conf "
		  "--external=mnt[/proc/kcore]:/dev/null --external=mnt[/proc/keys]:/dev/null "
		  "--external=mnt[/dev/null]:/dev/null --external=mnt[/dev/zero]:/dev/zero "
		  "--external=mnt[/dev/full]:/dev/full --external=mnt[/dev/random]:/dev/random "
		  "--external=mnt[/dev/urandom]:/dev/urandom --external=mnt[/dev/tty]:/dev/tty "
		  "--leave-running --freeze-cgroup=/sys/fs/cgroup/freezer/husk/x "
		  "--prev-images-dir=../1 --track-mem --page-server --address=10.0.0.1 --port=8000 "
		  "--external=net[4026531992]:extRootNetNS");
	free(line);
	criu_argv_free(argv);
	criu_ext_mounts_free(&m);
	oci_config_free(c);
}

TEST(pre_dump_argv)
{
	struct criu_opts o = base_opts();
	struct criu_ext_mounts m = { 0 };
	struct husk_err *err = NULL;
	struct oci_config *c = cfg_of(CFG(MOUNTS));
	struct criu_dump_plan p = { .criu = "criu", .o = &o, .pid = 9, .rootfs = "/r", .mounts = &m };
	char **argv;

	o.pre_dump = true;
	o.leave_running = true;	/* a pre-dump always leaves it running: no flag for that */
	CHECK(criu_dump_mounts(c, &fake_fs, &m, &err) == 0);
	argv = criu_dump_argv(&p, &err);
	CHECK_STR(argv[1], "pre-dump");
	CHECK(!has_arg(argv, "--leave-running"));
	/* criu turns memory tracking on for a pre-dump by itself */
	CHECK(!has_arg(argv, "--track-mem"));
	/* a pre-dump saves memory only: no mounts */
	CHECK(count_prefix(argv, "--external=mnt[") == 0);
	criu_argv_free(argv);
	criu_ext_mounts_free(&m);
	oci_config_free(c);
}

TEST(restore_argv)
{
	struct criu_opts o = base_opts();
	struct oci_config *c = cfg_of(CFG(MOUNTS));
	struct criu_ext_mounts m = { 0 };
	struct husk_err *err = NULL;
	char *fds[3] = { "pipe:[11]", "/dev/null", "pipe:[12]" };
	struct criu_inherit inh[4];
	size_t n_inh = criu_stdio_inherit(fds, inh);
	struct criu_join joins[] = { { "uts", "/proc/1/ns/uts" } };
	struct criu_restore_plan p = {
		.criu = "criu", .o = &o, .root = "/run/husk/x/criu-root", .cgroup_root = "/husk/x",
		.pidfile = "/run/husk/x/criu.pid", .mounts = &m, .inherit = inh, .join = joins,
		.n_join = 1,
	};
	char **argv, *line;

	inh[n_inh++] = (struct criu_inherit){ 3, "extRootNetNS" };
	p.n_inherit = n_inh;
	o.cg_mode = CRIU_CG_SOFT;
	o.tcp_established = true;
	CHECK(criu_restore_mounts(c, "/cwd", NULL, &m, &err) == 0);
	argv = criu_restore_argv(&p, &err);
	line = join(argv);
	CHECK_STR(line, "criu restore --root=/run/husk/x/criu-root --images-dir=/img "
		  "--log-file=restore.log -v4 --manage-cgroups=soft --tcp-established "
		  "--external=mnt[/data]:/srv/data --external=mnt[/etc/conf]:/cwd/conf "
		  "--external=mnt[/dev/null]:/dev/null --external=mnt[/dev/zero]:/dev/zero "
		  "--external=mnt[/dev/full]:/dev/full --external=mnt[/dev/random]:/dev/random "
		  "--external=mnt[/dev/urandom]:/dev/urandom --external=mnt[/dev/tty]:/dev/tty "
		  "--restore-detached --restore-sibling --evasive-devices "
		  "--pidfile=/run/husk/x/criu.pid --cgroup-root=/husk/x "
		  "--inherit-fd=fd[0]:pipe:[11] --inherit-fd=fd[2]:pipe:[12] "
		  "--inherit-fd=fd[3]:extRootNetNS --join-ns=uts:/proc/1/ns/uts");
	free(line);
	criu_argv_free(argv);
	criu_ext_mounts_free(&m);
	oci_config_free(c);
}

TEST(stdio_inherit_only_pipes)
{
	char *fds[3] = { "/dev/pts/0", "socket:[5]", NULL };
	struct criu_inherit inh[3];

	CHECK(criu_stdio_inherit(fds, inh) == 0);
	fds[1] = "pipe:[77]";
	CHECK(criu_stdio_inherit(fds, inh) == 1);
	CHECK(inh[0].fd == 1);
	CHECK_STR(inh[0].key, "pipe:[77]");
}

TEST(descriptors_round_trip)
{
	char *in[3] = { "pipe:[1]", "/dev/null", "pipe:[\"2\"]" };
	char *out[3];
	struct husk_err *err = NULL;
	char *json = criu_descriptors_json(in);

	CHECK_STR(json, "[\"pipe:[1]\",\"/dev/null\",\"pipe:[\\\"2\\\"]\"]");
	CHECK(criu_descriptors_parse(json, out, &err) == 0);
	for (int i = 0; i < 3; i++) {
		CHECK_STR(out[i], in[i]);
		free(out[i]);
	}
	free(json);
}

TEST(descriptors_bad)
{
	struct husk_err *err = NULL;
	char *fds[3];
	char *msg = error_of(criu_descriptors_parse("{\"a\":1}", fds, &err), &err);

	CHECK_STR(msg, "descriptors.json: expected a JSON array of strings");
	free(msg);
	msg = error_of(criu_descriptors_parse("[\"pipe:[1]\", 7]", fds, &err), &err);
	CHECK_STR(msg, "descriptors.json: [1]: expected a string");
	CHECK(fds[0] == NULL && fds[1] == NULL);
	free(msg);
	msg = error_of(criu_descriptors_parse("not json", fds, &err), &err);
	CHECK(msg != NULL);
	free(msg);
	/* fewer than three is fine: the rest is unknown */
	CHECK(criu_descriptors_parse("[\"pipe:[1]\"]", fds, &err) == 0);
	CHECK_STR(fds[0], "pipe:[1]");
	CHECK(fds[1] == NULL && fds[2] == NULL);
	free(fds[0]);
}

TEST(cg_mode)
{
	struct husk_err *err = NULL;
	enum criu_cg_mode m = CRIU_CG_DEFAULT;
	char *msg;

	CHECK(criu_cg_mode_parse("full", &m, &err) == 0 && m == CRIU_CG_FULL);
	CHECK(criu_cg_mode_parse("ignore", &m, &err) == 0 && m == CRIU_CG_IGNORE);
	CHECK(criu_cg_mode_parse("soft", &m, &err) == 0 && m == CRIU_CG_SOFT);
	CHECK(criu_cg_mode_parse("strict", &m, &err) == 0 && m == CRIU_CG_STRICT);
	CHECK_STR(criu_cg_mode_name(CRIU_CG_STRICT), "strict");
	CHECK(criu_cg_mode_name(CRIU_CG_DEFAULT) == NULL);
	msg = error_of(criu_cg_mode_parse("props", &m, &err), &err);
	CHECK_STR(msg, "--manage-cgroups-mode: invalid value \"props\" (want soft, full, strict or ignore)");
	free(msg);
}

TEST(page_server)
{
	struct husk_err *err = NULL;
	struct criu_page_server ps = { 0 };
	static const char *const bad[] = { "host", ":80", "host:", "a:b:c", "[::1]80", "[::1]:" };
	char *msg;

	CHECK(criu_page_server_parse("192.168.1.2:8123", &ps, &err) == 0);
	CHECK_STR(ps.address, "192.168.1.2");
	CHECK(ps.port == 8123);
	CHECK(criu_page_server_parse("[fe80::1]:27", &ps, &err) == 0);
	CHECK_STR(ps.address, "fe80::1");
	CHECK(ps.port == 27);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		msg = error_of(criu_page_server_parse(bad[i], &ps, &err), &err);
		CHECK(msg && strstr(msg, "--page-server") && strstr(msg, "want ADDRESS:PORT"));
		free(msg);
	}
	msg = error_of(criu_page_server_parse("h:99999", &ps, &err), &err);
	CHECK_STR(msg, "--page-server \"h:99999\": invalid port \"99999\"");
	free(msg);
	msg = error_of(criu_page_server_parse("h:0x10", &ps, &err), &err);
	CHECK_STR(msg, "--page-server \"h:0x10\": invalid port \"0x10\"");
	free(msg);
}

TEST(empty_ns_and_parent_path)
{
	struct husk_err *err = NULL;
	bool net = false;
	char *msg;

	CHECK(criu_empty_ns_parse("network", &net, &err) == 0 && net);
	msg = error_of(criu_empty_ns_parse("ipc", &net, &err), &err);
	CHECK_STR(msg, "--empty-ns \"ipc\": criu can leave only the \"network\" namespace empty");
	free(msg);
	CHECK(criu_parent_path_check("../1", &err) == 0);
	CHECK(criu_parent_path_check("parent", &err) == 0);
	msg = error_of(criu_parent_path_check("/abs", &err), &err);
	CHECK_STR(msg, "--parent-path \"/abs\": must be relative to --image-path");
	free(msg);
	msg = error_of(criu_parent_path_check("", &err), &err);
	CHECK_STR(msg, "--parent-path: must not be empty");
	free(msg);
}

TEST(version)
{
	char buf[32];

	CHECK(criu_version_parse("Version: 3.17.1\n") == 31701);
	CHECK(criu_version_parse("Version: 4.2\nGitID: v4.2\n") == 40200);
	CHECK(criu_version_parse("Version: 3.15\n") == 31500);
	CHECK(criu_version_parse("criu: unknown option\n") == -1);
	CHECK(criu_version_parse("Version: x\n") == -1);
	criu_version_string(31701, buf, sizeof(buf));
	CHECK_STR(buf, "3.17.1");
	criu_version_string(40200, buf, sizeof(buf));
	CHECK_STR(buf, "4.2.0");
}

TEST(namespaces)
{
	struct husk_err *err = NULL;
	struct oci_config *c = cfg_of(CFG(LINUX("'namespaces':[{'type':'cgroup','path':'/proc/1/ns/cgroup'},"
						 "{'type':'mount'}]")));
	char *msg = error_of(criu_namespaces_check(c, &err), &err);

	CHECK_STR(msg, "config.json: .linux.namespaces: criu cannot restore into a cgroup "
		  "namespace joined by path (\"/proc/1/ns/cgroup\")");
	free(msg);
	oci_config_free(c);
	c = cfg_of(CFG(LINUX("'namespaces':[{'type':'cgroup'},{'type':'network','path':'/x'}]")));
	CHECK(criu_namespaces_check(c, &err) == 0);
	oci_config_free(c);
	CHECK_STR(criu_ns_key(OCI_NS_NETWORK), "extRootNetNS");
	CHECK_STR(criu_ns_key(OCI_NS_PID), "extRootPidNS");
	CHECK(criu_ns_key(OCI_NS_IPC) == NULL);
	CHECK_STR(criu_ns_name(OCI_NS_MOUNT), "mnt");
	CHECK_STR(criu_ns_name(OCI_NS_NETWORK), "net");
}

TEST(config_file_annotation)
{
	struct oci_config *c = cfg_of(CFG(""));

	CHECK_STR(criu_config_file(c), CRIU_DEFAULT_CONFIG);
	oci_config_free(c);
	c = cfg_of(CFG(",'annotations':{'org.criu.config':'/etc/special.conf'}"));
	CHECK_STR(criu_config_file(c), "/etc/special.conf");
	oci_config_free(c);
	c = cfg_of(CFG(",'annotations':{'org.criu.config':''}"));
	CHECK(criu_config_file(c) == NULL);
	oci_config_free(c);
}

TEST(log_errors)
{
	const char *log =
		"(00.01) Version: 3.17.1\n"
		"(00.02) Error (criu/util.c:642): exited, status=1\n"
		"(00.03) Warn  (criu/x.c:1): whatever\n"
		"(00.04)      1: Error (criu/vdso.c:381): vdso: Unexpected rt vDSO area bounds\n"
		"(00.05) Error (criu/crtools.c:260): Could not initialize kernel features detection.";
	char *s = criu_log_errors(log, 2);

	CHECK_STR(s, "Error (criu/vdso.c:381): vdso: Unexpected rt vDSO area bounds; "
		  "Error (criu/crtools.c:260): Could not initialize kernel features detection.");
	free(s);
	s = criu_log_errors(log, 10);
	CHECK(s && !strncmp(s, "Error (criu/util.c:642): exited, status=1; Error (criu/vdso.c", 61));
	free(s);
	CHECK(criu_log_errors("(00.01) all fine\n", 3) == NULL);
	CHECK(criu_log_errors("", 3) == NULL);
}
