/* cgroup v1 and hybrid layouts against a fake cgroupfs: mountinfo
 * parsing, paths, ownership, every v1 writer, the v1 freezer, statistics
 * and the OOM eventfd registration. */
#include <signal.h>
#include <sys/wait.h>

#include "cgroup-fake.h"

#define H(ctrl, file) ctrl "/husk/c1/" file

struct v1 {
	char *root;
	struct cgroup_layout l;
};

static void v1_setup(struct v1 *t, bool hybrid)
{
	t->root = fake_tree();
	fake_files(t->root, "cpu,cpuacct/husk/c1", "cgroup.procs", "cpu.shares", "cpu.cfs_period_us",
		   "cpu.cfs_quota_us", "cpu.cfs_burst_us", "cpu.rt_period_us", "cpu.rt_runtime_us",
		   "cpu.idle", NULL);
	fake_files(t->root, "cpuset/husk/c1", "cgroup.procs", "cpuset.cpus", "cpuset.mems", NULL);
	fake_files(t->root, "memory/husk/c1", "cgroup.procs", "memory.limit_in_bytes",
		   "memory.memsw.limit_in_bytes", "memory.soft_limit_in_bytes",
		   "memory.kmem.tcp.limit_in_bytes", "memory.swappiness", "memory.oom_control",
		   "memory.use_hierarchy", "cgroup.event_control", NULL);
	fake_file(t->root, H("memory", "memory.usage_in_bytes"), "8192\n");
	fake_files(t->root, "devices/husk/c1", "cgroup.procs", "devices.allow", "devices.deny", NULL);
	fake_files(t->root, "freezer/husk/c1", "cgroup.procs", NULL);
	fake_file(t->root, H("freezer", "freezer.state"), "THAWED\n");
	fake_files(t->root, "blkio/husk/c1", "cgroup.procs", "blkio.bfq.weight",
		   "blkio.bfq.weight_device", "blkio.throttle.read_bps_device",
		   "blkio.throttle.write_bps_device", "blkio.throttle.read_iops_device",
		   "blkio.throttle.write_iops_device", NULL);
	fake_files(t->root, "pids/husk/c1", "cgroup.procs", "pids.max", NULL);
	fake_files(t->root, "net_cls,net_prio/husk/c1", "cgroup.procs", "net_cls.classid",
		   "net_prio.ifpriomap", NULL);
	fake_files(t->root, "systemd/husk/c1", "cgroup.procs", NULL);
	fake_file(t->root, "hugepages/hugepages-2048kB/nr_hugepages", "0\n");
	if (hybrid) {
		fake_file(t->root, "unified/cgroup.controllers", "hugetlb\n");
		fake_file(t->root, "unified/cgroup.subtree_control", "");
		fake_file(t->root, "unified/husk/cgroup.controllers", "hugetlb\n");
		fake_file(t->root, "unified/husk/cgroup.subtree_control", "");
		fake_file(t->root, "unified/husk/c1/cgroup.controllers", "hugetlb\n");
		fake_files(t->root, "unified/husk/c1", "cgroup.procs", "hugetlb.2MB.max",
			   "cgroup.max.descendants", NULL);
		fake_mountinfo(t->root, "cgroup cpu,cpuacct rw,cpu,cpuacct", "cgroup cpuset rw,cpuset",
			       "cgroup memory rw,memory", "cgroup devices rw,devices",
			       "cgroup freezer rw,freezer", "cgroup blkio rw,blkio", "cgroup pids rw,pids",
			       "cgroup net_cls,net_prio rw,net_cls,net_prio",
			       "cgroup systemd rw,xattr,name=systemd", "cgroup2 unified rw,nsdelegate", NULL);
	} else {
		fake_files(t->root, "hugetlb/husk/c1", "cgroup.procs", "hugetlb.2MB.limit_in_bytes",
			   "hugetlb.2MB.rsvd.limit_in_bytes", NULL);
		fake_mountinfo(t->root, "cgroup cpu,cpuacct rw,cpu,cpuacct", "cgroup cpuset rw,cpuset",
			       "cgroup memory rw,memory", "cgroup devices rw,devices",
			       "cgroup freezer rw,freezer", "cgroup blkio rw,blkio", "cgroup pids rw,pids",
			       "cgroup net_cls,net_prio rw,net_cls,net_prio", "cgroup hugetlb rw,hugetlb",
			       "cgroup systemd rw,xattr,name=systemd", NULL);
	}
	fake_layout(t->root, &t->l);
}

static void v1_teardown(struct v1 *t)
{
	cgroup_layout_free(&t->l);
	fake_rm(t->root);
}

static char *v1_apply(struct v1 *t, const char *json, bool update)
{
	struct oci_config *c = fake_resources(json);
	char hp[4096];
	struct cgroup_apply_opts o = { .what = "config.json: .linux.resources", .update = update,
				       .hugepages_dir = hp };
	char *msg;

	snprintf(hp, sizeof(hp), "%s/hugepages", t->root);
	msg = c ? fake_apply(&t->l, "/husk/c1", RES(c), &o) : strdup("parse failed");
	oci_config_free(c);
	return msg;
}

#define READ(t, rel) fake_read((t)->root, rel)

TEST(v1_layout)
{
	struct v1 t;
	const struct cgroup_hierarchy *h;

	v1_setup(&t, false);
	CHECK(t.l.mode == CGROUP_V1);
	CHECK(t.l.n == 10);
	h = cgroup_find(&t.l, "cpuacct");
	CHECK(h && h == cgroup_find(&t.l, "cpu"));
	CHECK(h && !strcmp(h->controllers, "cpu,cpuacct") && strstr(h->mount, "/cpu,cpuacct"));
	h = cgroup_find(&t.l, "name=systemd");
	CHECK(h && strstr(h->mount, "/systemd"));
	CHECK(cgroup_find(&t.l, "net_prio") == cgroup_find(&t.l, "net_cls"));
	CHECK(cgroup_find(&t.l, "io") == NULL);
	CHECK(cgroup_v2(&t.l) == NULL);
	CHECK(cgroup_find(&t.l, "freezer") && !cgroup_find(&t.l, "freezer")->v2);
	v1_teardown(&t);
}

TEST(hybrid_layout)
{
	struct v1 t;
	const struct cgroup_hierarchy *h;

	v1_setup(&t, true);
	CHECK(t.l.mode == CGROUP_HYBRID);
	h = cgroup_v2(&t.l);
	CHECK(h && !strcmp(h->controllers, "hugetlb"));
	/* hugetlb lives in the v2 hierarchy here; the rest in v1 */
	CHECK(cgroup_find(&t.l, "hugetlb") == h);
	CHECK(cgroup_find(&t.l, "memory") && !cgroup_find(&t.l, "memory")->v2);
	CHECK(cgroup_find(&t.l, "freezer") && !cgroup_find(&t.l, "freezer")->v2);
	CHECK(cgroup_find(&t.l, "devices") && !cgroup_find(&t.l, "devices")->v2);
	v1_teardown(&t);
}

TEST(layout_parse_details)
{
	char *root = fake_tree();
	char mi[4096], path[4096];
	struct cgroup_layout l;
	struct husk_err *err = NULL;
	FILE *f;

	/* an escaped blank, a duplicate mount, a mount outside the root, a
	 * prefix that is not a path component */
	snprintf(mi, sizeof(mi), "%s/mountinfo", root);
	f = fopen(mi, "w");
	fprintf(f, "30 23 0:30 / %s/my\\040mem rw - cgroup cgroup rw,memory\n", root);
	fprintf(f, "31 23 0:30 / %s/again rw - cgroup cgroup rw,memory\n", root);
	fprintf(f, "32 23 0:31 / /elsewhere/pids rw - cgroup cgroup rw,pids\n");
	fprintf(f, "33 23 0:32 / %sX/cpu rw - cgroup cgroup rw,cpu\n", root);
	fprintf(f, "34 23 0:33 / %s/fz rw shared:4 master:1 - cgroup cgroup rw,nosuid,freezer,release_agent=/x\n", root);
	fclose(f);
	CHECK(cgroup_layout_parse(&l, mi, root, &err) == 0);
	CHECK(l.mode == CGROUP_V1);
	CHECK(l.n == 2);
	snprintf(path, sizeof(path), "%s/my mem", root);
	CHECK(l.n > 0 && !strcmp(l.h[0].mount, path));
	CHECK(l.n > 1 && !strcmp(l.h[1].controllers, "freezer"));
	CHECK(cgroup_find(&l, "pids") == NULL && cgroup_find(&l, "cpu") == NULL);
	cgroup_layout_free(&l);
	/* nothing under the root */
	CHECK(cgroup_layout_parse(&l, mi, "/nowhere", &err) < 0);
	CHECK_CONTAINS(err ? err->msg : NULL, "no cgroup file system is mounted under /nowhere");
	husk_err_free(&err);
	fake_rm(root);
}

static void check_path(int *unit_failed, const char *in, const char *id, const char *want)
{
	struct husk_err *err = NULL;
	char *got = cgroup_path_for(in, id, &err);

	if (want)
		CHECK_STR(got, want);
	else
		CHECK(got == NULL && err);
	if (!want && err)
		printf("# %s -> %s\n", in, err->msg);
	free(got);
	husk_err_free(&err);
}

TEST(cgroups_path)
{
	check_path(unit_failed, NULL, "c1", "/husk/c1");
	check_path(unit_failed, "", "c1", "/husk/c1");
	check_path(unit_failed, "/my/own", "c1", "/my/own");
	check_path(unit_failed, "pods/p1", "c1", "/husk/pods/p1");
	check_path(unit_failed, "system.slice:husk:c1", "x", "/system.slice/husk-c1.scope");
	check_path(unit_failed, "machine-a-b.slice:pfx:n", "x",
		   "/machine.slice/machine-a.slice/machine-a-b.slice/pfx-n.scope");
	check_path(unit_failed, ":husk:c1", "x", "/system.slice/husk-c1.scope");
	check_path(unit_failed, "-.slice:husk:c1", "x", "/husk-c1.scope");
	check_path(unit_failed, "user.slice::sub.slice", "x", "/user.slice/sub.slice");
	check_path(unit_failed, "notaslice:husk:c1", "x", NULL);
	check_path(unit_failed, "a--b.slice:husk:c1", "x", NULL);
	check_path(unit_failed, "/a/../b", "x", NULL);
	check_path(unit_failed, "../escape", "x", NULL);
	check_path(unit_failed, "/a/./b", "x", NULL);
	check_path(unit_failed, "/", "x", NULL);
}

TEST(systemd_cgroup_without_systemd)
{
	struct husk_err *err = NULL;

	CHECK(cgroup_systemd_check("system.slice:husk:c1", "/nonexistent/run/systemd/system", &err) < 0);
	CHECK_CONTAINS(err ? err->msg : NULL, "--systemd-cgroup: systemd is not running on this host");
	husk_err_free(&err);
	CHECK(cgroup_systemd_check("/plain/path", "/nonexistent", &err) < 0);
	CHECK_CONTAINS(err ? err->msg : NULL, "must be of the form slice:prefix:name");
	husk_err_free(&err);
}

TEST(v1_memory)
{
	struct v1 t;
	char *msg;

	v1_setup(&t, false);
	msg = v1_apply(&t, "{'memory':{'limit':1048576,'swap':2097152,'reservation':524288,"
		       "'kernelTCP':65536,'swappiness':10,'disableOOMKiller':true,'useHierarchy':true,"
		       "'kernel':1000}}", false);
	CHECK(msg == NULL);
	CHECK_STR(READ(&t, H("memory", "memory.limit_in_bytes")), "1048576");
	CHECK_STR(READ(&t, H("memory", "memory.memsw.limit_in_bytes")), "2097152");
	CHECK_STR(READ(&t, H("memory", "memory.soft_limit_in_bytes")), "524288");
	CHECK_STR(READ(&t, H("memory", "memory.kmem.tcp.limit_in_bytes")), "65536");
	CHECK_STR(READ(&t, H("memory", "memory.swappiness")), "10");
	CHECK_STR(READ(&t, H("memory", "memory.oom_control")), "1");
	CHECK_STR(READ(&t, H("memory", "memory.use_hierarchy")), "1");
	free(msg);
	/* unlimited, with swap unsaid: both */
	msg = v1_apply(&t, "{'memory':{'limit':-1}}", false);
	CHECK(msg == NULL);
	CHECK_STR(READ(&t, H("memory", "memory.limit_in_bytes")), "-1");
	CHECK_STR(READ(&t, H("memory", "memory.memsw.limit_in_bytes")), "-1");
	free(msg);
	msg = v1_apply(&t, "{'memory':{'swappiness':101}}", false);
	CHECK_CONTAINS(msg, "config.json: .linux.resources.memory.swappiness: 101 is out of range 0-100");
	free(msg);
	/* no swap accounting: a swap limit cannot be honoured */
	unlink(strcat(strcpy((char[4096]){ 0 }, t.root), "/" H("memory", "memory.memsw.limit_in_bytes")));
	msg = v1_apply(&t, "{'memory':{'limit':1000000,'swap':2000000}}", false);
	CHECK_CONTAINS(msg, ".linux.resources.memory.swap: not supported on this host: there is no ");
	CHECK_CONTAINS(msg, "memory.memsw.limit_in_bytes");
	free(msg);
	v1_teardown(&t);
}

TEST(v1_memory_check_before_update)
{
	struct v1 t;
	char *msg;

	v1_setup(&t, false);
	msg = v1_apply(&t, "{'memory':{'limit':4096,'checkBeforeUpdate':true}}", true);
	CHECK_CONTAINS(msg, "memory.limit: 4096 is below the current usage of 8192 bytes");
	free(msg);
	/* at create the check does not apply */
	msg = v1_apply(&t, "{'memory':{'limit':4096,'checkBeforeUpdate':true}}", false);
	CHECK(msg == NULL);
	free(msg);
	v1_teardown(&t);
}

TEST(v1_cpu_cpuset_pids)
{
	struct v1 t;
	char *msg;

	v1_setup(&t, false);
	msg = v1_apply(&t, "{'cpu':{'shares':512,'quota':20000,'period':100000,'burst':5000,"
		       "'realtimePeriod':1000000,'realtimeRuntime':950,'idle':0,'cpus':'1','mems':'0'},"
		       "'pids':{'limit':42}}", false);
	CHECK(msg == NULL);
	CHECK_STR(READ(&t, H("cpu,cpuacct", "cpu.shares")), "512");
	CHECK_STR(READ(&t, H("cpu,cpuacct", "cpu.cfs_quota_us")), "20000");
	CHECK_STR(READ(&t, H("cpu,cpuacct", "cpu.cfs_period_us")), "100000");
	CHECK_STR(READ(&t, H("cpu,cpuacct", "cpu.cfs_burst_us")), "5000");
	CHECK_STR(READ(&t, H("cpu,cpuacct", "cpu.rt_period_us")), "1000000");
	CHECK_STR(READ(&t, H("cpu,cpuacct", "cpu.rt_runtime_us")), "950");
	CHECK_STR(READ(&t, H("cpu,cpuacct", "cpu.idle")), "0");
	CHECK_STR(READ(&t, H("cpuset", "cpuset.cpus")), "1");
	CHECK_STR(READ(&t, H("cpuset", "cpuset.mems")), "0");
	CHECK_STR(READ(&t, H("pids", "pids.max")), "42");
	free(msg);
	msg = v1_apply(&t, "{'cpu':{'quota':-1}}", false);
	CHECK(msg == NULL);
	CHECK_STR(READ(&t, H("cpu,cpuacct", "cpu.cfs_quota_us")), "-1");
	free(msg);
	v1_teardown(&t);
}

TEST(v1_blkio)
{
	struct v1 t;
	struct fake_log *lg;
	char *msg, *log;

	v1_setup(&t, false);
	lg = fake_log_start(t.root, H("blkio", "blkio.throttle.read_bps_device"));
	/* no CFQ blkio.weight: the BFQ file takes the weight */
	msg = v1_apply(&t, "{'blockIO':{'weight':300,'weightDevice':[{'major':8,'minor':0,'weight':200}],"
		       "'throttleReadBpsDevice':[{'major':8,'minor':0,'rate':1000},{'major':8,'minor':16,'rate':2000}],"
		       "'throttleWriteIOPSDevice':[{'major':8,'minor':0,'rate':30}]}}", false);
	log = fake_log_stop(lg);
	CHECK(msg == NULL);
	CHECK_STR(READ(&t, H("blkio", "blkio.bfq.weight")), "300");
	CHECK_STR(READ(&t, H("blkio", "blkio.bfq.weight_device")), "8:0 200");
	CHECK_STR(log, "8:0 1000" "8:16 2000");
	CHECK_STR(READ(&t, H("blkio", "blkio.throttle.write_iops_device")), "8:0 30");
	free(msg);
	free(log);
	/* with CFQ's file, that one */
	fake_file(t.root, H("blkio", "blkio.weight"), "");
	msg = v1_apply(&t, "{'blockIO':{'weight':400}}", false);
	CHECK(msg == NULL);
	CHECK_STR(READ(&t, H("blkio", "blkio.weight")), "400");
	free(msg);
	msg = v1_apply(&t, "{'blockIO':{'leafWeight':400}}", false);
	CHECK_CONTAINS(msg, "config.json: .linux.resources.blockIO.leafWeight: not supported on this "
		       "host: there is no ");
	free(msg);
	v1_teardown(&t);
}

TEST(v1_hugetlb_and_network)
{
	struct v1 t;
	struct fake_log *lg;
	char *msg, *log;

	v1_setup(&t, false);
	lg = fake_log_start(t.root, H("net_cls,net_prio", "net_prio.ifpriomap"));
	msg = v1_apply(&t, "{'hugepageLimits':[{'pageSize':'2MB','limit':2097152}],"
		       "'network':{'classID':1048577,'priorities':[{'name':'eth0','priority':5},"
		       "{'name':'lo','priority':2}]}}", false);
	log = fake_log_stop(lg);
	CHECK(msg == NULL);
	CHECK_STR(READ(&t, H("hugetlb", "hugetlb.2MB.limit_in_bytes")), "2097152");
	CHECK_STR(READ(&t, H("hugetlb", "hugetlb.2MB.rsvd.limit_in_bytes")), "2097152");
	CHECK_STR(READ(&t, H("net_cls,net_prio", "net_cls.classid")), "1048577");
	CHECK_STR(log, "eth0 5" "lo 2");
	free(msg);
	free(log);
	v1_teardown(&t);
}

TEST(hybrid_hugetlb_goes_to_v2)
{
	struct v1 t;
	char *msg;

	v1_setup(&t, true);
	msg = v1_apply(&t, "{'hugepageLimits':[{'pageSize':'2MB','limit':4194304}]}", false);
	CHECK(msg == NULL);
	CHECK_STR(READ(&t, "unified/husk/c1/hugetlb.2MB.max"), "4194304");
	/* the controller was enabled for the children of the root and /husk */
	CHECK_STR(READ(&t, "unified/cgroup.subtree_control"), "+hugetlb");
	CHECK_STR(READ(&t, "unified/husk/cgroup.subtree_control"), "+hugetlb");
	free(msg);
	v1_teardown(&t);
}

TEST(unified_on_v1_and_hybrid)
{
	struct v1 t;
	char *msg;

	v1_setup(&t, false);
	msg = v1_apply(&t, "{'unified':{'memory.max':'1000'}}", false);
	CHECK_CONTAINS(msg, "config.json: .linux.resources.unified: needs cgroup v2, and this host has "
		       "cgroup v1 only");
	free(msg);
	v1_teardown(&t);
	v1_setup(&t, true);
	msg = v1_apply(&t, "{'unified':{'pids.max':'10'}}", false);
	CHECK_CONTAINS(msg, "unified[\"pids.max\"]: the pids controller is not on the cgroup v2 "
		       "hierarchy of this hybrid host");
	free(msg);
	msg = v1_apply(&t, "{'unified':{'cgroup.max.descendants':'0'}}", false);
	CHECK(msg == NULL);
	CHECK_STR(READ(&t, "unified/husk/c1/cgroup.max.descendants"), "0");
	free(msg);
	v1_teardown(&t);
}

TEST(v1_devices_written_as_the_final_state)
{
	struct v1 t;
	struct fake_log *allow, *deny;
	char *msg, *a, *d;

	v1_setup(&t, false);
	allow = fake_log_start(t.root, H("devices", "devices.allow"));
	deny = fake_log_start(t.root, H("devices", "devices.deny"));
	msg = v1_apply(&t, "{'devices':[{'allow':false,'access':'rwm'},"
		       "{'allow':true,'type':'c','major':1,'minor':11,'access':'r'},"
		       "{'allow':true,'type':'b','major':8,'access':'rw'}]}", false);
	d = fake_log_stop(deny);
	a = fake_log_stop(allow);
	CHECK(msg == NULL);
	CHECK_STR(d, "a");
	CHECK_STR(a, "c 1:11 r" "b 8:* rw" "c *:* m" "b *:* m" "c 1:3 rwm" "c 1:5 rwm" "c 1:7 rwm"
		  "c 1:8 rwm" "c 1:9 rwm" "c 5:0 rwm" "c 5:1 rwm" "c 5:2 rwm" "c 136:* rwm");
	free(msg);
	free(a);
	free(d);
	/* an update leaves the devices alone */
	allow = fake_log_start(t.root, H("devices", "devices.allow"));
	deny = fake_log_start(t.root, H("devices", "devices.deny"));
	msg = v1_apply(&t, "{'devices':[{'allow':false,'access':'rwm'}]}", true);
	d = fake_log_stop(deny);
	a = fake_log_stop(allow);
	CHECK(msg == NULL);
	CHECK_STR(a, "");
	CHECK_STR(d, "");
	free(msg);
	free(a);
	free(d);
	msg = v1_apply(&t, "{'devices':[{'allow':false,'access':'rwx'}]}", false);
	CHECK_CONTAINS(msg, ".linux.resources.devices[0].access: \"rwx\" is not a combination of r, w and m");
	free(msg);
	v1_teardown(&t);
}

TEST(v1_devices_allow_default)
{
	struct v1 t;
	struct fake_log *allow, *deny;
	char *msg, *a, *d;

	v1_setup(&t, false);
	allow = fake_log_start(t.root, H("devices", "devices.allow"));
	deny = fake_log_start(t.root, H("devices", "devices.deny"));
	msg = v1_apply(&t, "{'devices':[{'allow':false,'type':'c','major':1,'minor':11,'access':'w'}]}",
		       false);
	d = fake_log_stop(deny);
	a = fake_log_stop(allow);
	CHECK(msg == NULL);
	CHECK_STR(a, "a");
	CHECK_STR(d, "c 1:11 w");
	free(msg);
	free(a);
	free(d);
	v1_teardown(&t);
}

TEST(v1_freezer)
{
	struct v1 t;
	struct husk_err *err = NULL;

	v1_setup(&t, false);
	CHECK(cgroup_freezer_state(&t.l, "/husk/c1") == CGROUP_THAWED);
	CHECK(cgroup_freeze(&t.l, "/husk/c1", true, 1000, &err) == 0);
	CHECK_STR(READ(&t, H("freezer", "freezer.state")), "FROZEN");
	CHECK(cgroup_freezer_state(&t.l, "/husk/c1") == CGROUP_FROZEN);
	CHECK(cgroup_freeze(&t.l, "/husk/c1", false, 1000, &err) == 0);
	CHECK_STR(READ(&t, H("freezer", "freezer.state")), "THAWED");
	CHECK(cgroup_freezer_state(&t.l, "/husk/c1") == CGROUP_THAWED);
	CHECK(cgroup_freezer_state(&t.l, "/husk/none") == CGROUP_NO_FREEZER);
	husk_err_free(&err);
	v1_teardown(&t);
}

TEST(absent_create_and_remove_only_what_husk_made)
{
	struct v1 t;
	struct husk_err *err = NULL;
	char d[4096], *absent;

	v1_setup(&t, false);
	/* /husk/c2 exists (made by someone else) in memory only */
	snprintf(d, sizeof(d), "%s/memory/husk/c2", t.root);
	fake_mkdirs(d);
	absent = cgroup_absent(&t.l, "/husk/c2");
	CHECK(absent && !strstr(absent, "/memory\n") && strstr(absent, "/pids") && strstr(absent, "/cpuset"));
	/* husk makes it elsewhere, then removes exactly that */
	for (size_t i = 0; i < t.l.n; i++) {
		snprintf(d, sizeof(d), "%s/husk/c2", t.l.h[i].mount);
		mkdir(d, 0755);
	}
	CHECK(cgroup_remove_made(&t.l, "/husk/c2", absent, &err) == 0);
	for (size_t i = 0; i < t.l.n; i++) {
		snprintf(d, sizeof(d), "%s/husk/c2", t.l.h[i].mount);
		CHECK((access(d, F_OK) == 0) == (strstr(t.l.h[i].mount, "/memory") != NULL));
	}
	/* listed but gone already is fine */
	CHECK(cgroup_remove_made(&t.l, "/husk/c2", absent, &err) == 0);
	free(absent);
	/* present everywhere: nothing is absent */
	CHECK(cgroup_absent(&t.l, "/husk/c1") == NULL);
	husk_err_free(&err);
	v1_teardown(&t);
}

TEST(v1_devices_errors_name_the_rule_and_the_file)
{
	struct v1 t;
	char *msg, file[4096];

	v1_setup(&t, false);
	snprintf(file, sizeof(file), "%s/" H("devices", "devices.allow"), t.root);
	unlink(file);
	msg = v1_apply(&t, "{'devices':[{'allow':false,'access':'rwm'}]}", false);
	CHECK_CONTAINS(msg, ".linux.resources.devices: not supported on this host: there is no ");
	CHECK_CONTAINS(msg, "/devices/husk/c1/devices.allow");
	free(msg);
	/* every write fails (ENOSPC): the first rule is named */
	CHECK(symlink("/dev/full", file) == 0);
	msg = v1_apply(&t, "{'devices':[{'allow':false,'access':'rwm'},"
		       "{'allow':true,'type':'c','major':1,'minor':11,'access':'r'}]}", false);
	CHECK_CONTAINS(msg, ".linux.resources.devices: write \"c 1:11 r\" to ");
	CHECK_CONTAINS(msg, "/devices/husk/c1/devices.allow: No space left on device");
	free(msg);
	v1_teardown(&t);
}

static pid_t sleeping_child(void)
{
	pid_t pid = fork();

	if (pid == 0) {
		for (;;)
			pause();
	}
	return pid;
}

static int reap(pid_t pid, bool hang)
{
	int st;

	if (waitpid(pid, &st, hang ? 0 : WNOHANG) != pid)
		return -1;
	return WIFSIGNALED(st) ? WTERMSIG(st) : 0;
}

TEST(signal_all_uses_cgroup_kill_or_lists_the_pids)
{
	struct v1 t;
	struct husk_err *err = NULL;
	char pids[32], kill_file[4096];
	pid_t pid;

	v1_setup(&t, true);
	snprintf(kill_file, sizeof(kill_file), "%s/unified/husk/c1/cgroup.kill", t.root);
	pid = sleeping_child();
	snprintf(pids, sizeof(pids), "%d\n", pid);
	fake_file(t.root, "unified/husk/c1/cgroup.procs", pids);
	/* with cgroup.kill, the kernel kills: nothing is signalled by husk */
	fake_file(t.root, "unified/husk/c1/cgroup.kill", "");
	CHECK(cgroup_signal_all(&t.l, "/husk/c1", SIGKILL, &err) == 0);
	CHECK_STR(READ(&t, "unified/husk/c1/cgroup.kill"), "1");
	usleep(20000);
	CHECK(reap(pid, false) == -1);
	/* without it (Linux < 5.14), each pid listed gets the signal */
	unlink(kill_file);
	CHECK(cgroup_signal_all(&t.l, "/husk/c1", SIGKILL, &err) == 0);
	CHECK(reap(pid, true) == SIGKILL);
	husk_err_free(&err);
	v1_teardown(&t);
}

TEST(pids_are_collected_recursively)
{
	struct v1 t;
	struct husk_err *err = NULL;
	pid_t *pids = NULL;
	size_t n = 0;

	v1_setup(&t, false);
	fake_file(t.root, H("pids", "cgroup.procs"), "10\n11\n");
	fake_file(t.root, H("pids", "sub/cgroup.procs"), "12\n");
	CHECK(cgroup_pids(&t.l, "/husk/c1", &pids, &n, &err) == 0);
	CHECK(n == 3 && pids[0] == 10 && pids[1] == 11 && pids[2] == 12);
	free(pids);
	CHECK(cgroup_pids(&t.l, "/husk/none", &pids, &n, &err) < 0);
	husk_err_free(&err);
	v1_teardown(&t);
}

TEST(v1_stats)
{
	struct v1 t;
	struct cgroup_stats s;
	struct husk_err *err = NULL;

	v1_setup(&t, false);
	fake_file(t.root, H("cpu,cpuacct", "cpuacct.usage"), "123456\n");
	fake_file(t.root, H("cpu,cpuacct", "cpuacct.usage_percpu"), "100000 23456 \n");
	fake_file(t.root, H("cpu,cpuacct", "cpuacct.usage_all"), "cpu user system\n0 70000 30000\n1 20000 3456\n");
	fake_file(t.root, H("cpu,cpuacct", "cpuacct.stat"), "user 7\nsystem 3\n");
	fake_file(t.root, H("cpu,cpuacct", "cpu.stat"), "nr_periods 5\nnr_throttled 2\nthrottled_time 999\n");
	fake_file(t.root, H("memory", "memory.stat"), "cache 4096\nrss 8192\n");
	fake_file(t.root, H("memory", "memory.usage_in_bytes"), "12288\n");
	fake_file(t.root, H("memory", "memory.max_usage_in_bytes"), "20480\n");
	fake_file(t.root, H("memory", "memory.limit_in_bytes"), "9223372036854771712\n");
	fake_file(t.root, H("memory", "memory.failcnt"), "4\n");
	fake_file(t.root, H("memory", "memory.oom_control"), "oom_kill_disable 0\nunder_oom 0\noom_kill 2\n");
	fake_file(t.root, H("pids", "pids.current"), "2\n");
	fake_file(t.root, H("pids", "pids.max"), "10\n");
	fake_file(t.root, H("blkio", "blkio.bfq.io_service_bytes_recursive"), "Total 0\n");
	fake_file(t.root, H("blkio", "blkio.throttle.io_service_bytes_recursive"),
		  "254:0 Read 4096\n254:0 Write 0\n254:0 Total 4096\nTotal 4096\n");
	fake_file(t.root, H("blkio", "blkio.throttle.io_serviced_recursive"), "254:0 Read 1\nTotal 1\n");
	fake_file(t.root, H("hugetlb", "hugetlb.2MB.usage_in_bytes"), "0\n");
	fake_file(t.root, H("hugetlb", "hugetlb.2MB.max_usage_in_bytes"), "2097152\n");
	fake_file(t.root, H("hugetlb", "hugetlb.2MB.failcnt"), "1\n");
	fake_file(t.root, H("cpuset", "cpuset.cpus"), "0-1\n");
	fake_file(t.root, H("cpuset", "cpuset.sched_load_balance"), "1\n");
	CHECK(cgroup_stats(&t.l, "/husk/c1", &s, &err) == 0);
	CHECK(s.cpu.total == 123456);
	CHECK(s.cpu.n_percpu == 2 && s.cpu.percpu[1] == 23456);
	CHECK(s.cpu.n_percpu_user == 2 && s.cpu.percpu_user[0] == 70000 && s.cpu.percpu_kernel[1] == 3456);
	CHECK(s.cpu.user == 7 * (1000000000ULL / (uint64_t)sysconf(_SC_CLK_TCK)));
	CHECK(s.cpu.periods == 5 && s.cpu.throttled_periods == 2 && s.cpu.throttled_time == 999);
	CHECK(s.memory.cache == 4096 && s.memory.n_raw == 2);
	CHECK(s.memory.usage.usage == 12288 && s.memory.usage.max == 20480 &&
	      s.memory.usage.failcnt == 4 && s.memory.usage.limit == 9223372036854771712ULL);
	CHECK(s.memory.ev_oom_kill == 2);
	CHECK(s.pids.current == 2 && s.pids.limit == 10);
	/* BFQ had nothing: the throttle layer's figures, without the totals */
	CHECK(s.blkio.n_service_bytes == 3 && s.blkio.service_bytes[0].minor == 0 &&
	      s.blkio.service_bytes[0].major == 254 && s.blkio.service_bytes[0].value == 4096);
	CHECK(s.blkio.n_serviced == 1);
	CHECK(s.n_hugetlb == 1 && s.hugetlb[0].max == 2097152 && s.hugetlb[0].failcnt == 1);
	CHECK(s.cpuset.n_cpus == 2 && s.cpuset.sched_load_balance == 1);
	cgroup_stats_free(&s);
	husk_err_free(&err);
	v1_teardown(&t);
}

TEST(v1_oom_watch_registers_an_eventfd)
{
	struct v1 t;
	struct cgroup_oom_watch w;
	struct husk_err *err = NULL;
	int efd = -1, cfd = -1;

	v1_setup(&t, false);
	CHECK(cgroup_oom_watch_open(&t.l, "/husk/c1", &w, &err) == 0);
	CHECK(!w.v2 && w.fd >= 0);
	CHECK(sscanf(READ(&t, H("memory", "cgroup.event_control")), "%d %d", &efd, &cfd) == 2);
	CHECK(efd == w.fd && cfd > 2);
	/* nothing happened yet */
	CHECK(cgroup_oom_watch_read(&w) == 0);
	cgroup_oom_watch_close(&w);
	husk_err_free(&err);
	v1_teardown(&t);
}
