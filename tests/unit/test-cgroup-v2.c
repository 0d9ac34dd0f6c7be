/* cgroup v2 against a fake cgroupfs: the layout, every resource writer,
 * the v1 -> v2 conversions, controller enabling, the freezer (including a
 * freeze that never completes), statistics and OOM notification. */
#include <sys/inotify.h>
#include <poll.h>

#include "cgroup-fake.h"

#define LEAF "cg/husk/c1"
#define CTRLS "cpuset cpu io memory hugetlb pids rdma misc\n"

struct v2 {
	char *root;
	struct cgroup_layout l;
};

static void v2_setup(struct v2 *t, const char *ctrls)
{
	t->root = fake_tree();
	fake_file(t->root, "cg/cgroup.controllers", ctrls);
	fake_file(t->root, "cg/cgroup.subtree_control", "");
	fake_file(t->root, "cg/husk/cgroup.controllers", ctrls);
	fake_file(t->root, "cg/husk/cgroup.subtree_control", "");
	fake_file(t->root, LEAF "/cgroup.controllers", ctrls);
	fake_files(t->root, LEAF, "cgroup.procs", "cgroup.subtree_control", "memory.max",
		   "memory.swap.max", "memory.low", "cpu.weight", "cpu.max.burst", "cpu.idle",
		   "cpuset.cpus", "cpuset.mems", "pids.max", "io.weight", "io.max",
		   "hugetlb.2MB.max", "hugetlb.2MB.rsvd.max", "rdma.max", "memory.high",
		   "cgroup.max.descendants", NULL);
	fake_file(t->root, LEAF "/cpu.max", "max 100000\n");
	fake_file(t->root, LEAF "/memory.current", "4096\n");
	fake_file(t->root, LEAF "/cgroup.freeze", "0\n");
	fake_file(t->root, LEAF "/cgroup.events", "populated 1\nfrozen 0\n");
	fake_file(t->root, "hugepages/hugepages-2048kB/nr_hugepages", "0\n");
	fake_file(t->root, "hugepages/hugepages-1048576kB/nr_hugepages", "0\n");
	fake_mountinfo(t->root, "cgroup2 cg rw,nsdelegate", NULL);
	fake_layout(t->root, &t->l);
}

static void v2_teardown(struct v2 *t)
{
	cgroup_layout_free(&t->l);
	fake_rm(t->root);
}

/* Apply JSON resources to /husk/c1; error message or NULL. */
static char *v2_apply(struct v2 *t, const char *json, bool update)
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

#define LEAF_READ(t, file) fake_read((t)->root, LEAF "/" file)

TEST(v2_layout)
{
	struct v2 t;

	v2_setup(&t, CTRLS);
	CHECK(t.l.mode == CGROUP_V2);
	CHECK(t.l.n == 1);
	CHECK(t.l.n && t.l.h[0].v2);
	CHECK_STR(t.l.n ? t.l.h[0].controllers : NULL, "cpuset,cpu,io,memory,hugetlb,pids,rdma,misc");
	CHECK(cgroup_find(&t.l, "memory") == &t.l.h[0]);
	CHECK(cgroup_find(&t.l, "io") == &t.l.h[0]);
	/* core v2 features, whatever the controllers */
	CHECK(cgroup_find(&t.l, "freezer") == &t.l.h[0]);
	CHECK(cgroup_find(&t.l, "devices") == &t.l.h[0]);
	CHECK(cgroup_find(&t.l, "net_cls") == NULL);
	CHECK(cgroup_find(&t.l, "blkio") == NULL);
	CHECK(cgroup_find(&t.l, "mem") == NULL);
	CHECK(cgroup_v2(&t.l) == &t.l.h[0]);
	v2_teardown(&t);
}

TEST(v2_memory_limit_swap_reservation)
{
	struct v2 t;
	char *msg;

	v2_setup(&t, CTRLS);
	msg = v2_apply(&t, "{'memory':{'limit':1048576,'swap':3145728,'reservation':524288}}", false);
	CHECK(msg == NULL);
	CHECK_STR(LEAF_READ(&t, "memory.max"), "1048576");
	/* OCI swap is memory+swap; memory.swap.max is swap alone */
	CHECK_STR(LEAF_READ(&t, "memory.swap.max"), "2097152");
	CHECK_STR(LEAF_READ(&t, "memory.low"), "524288");
	free(msg);
	v2_teardown(&t);
}

TEST(v2_memory_unlimited_and_no_swap)
{
	struct v2 t;
	char *msg;

	v2_setup(&t, CTRLS);
	/* -1 with swap unsaid: both unlimited */
	msg = v2_apply(&t, "{'memory':{'limit':-1}}", false);
	CHECK(msg == NULL);
	CHECK_STR(LEAF_READ(&t, "memory.max"), "max");
	CHECK_STR(LEAF_READ(&t, "memory.swap.max"), "max");
	free(msg);
	/* swap equal to the limit: no swap at all */
	msg = v2_apply(&t, "{'memory':{'limit':1000000,'swap':1000000}}", false);
	CHECK(msg == NULL);
	CHECK_STR(LEAF_READ(&t, "memory.max"), "1000000");
	CHECK_STR(LEAF_READ(&t, "memory.swap.max"), "0");
	free(msg);
	v2_teardown(&t);
}

TEST(v2_memory_bad_swap)
{
	struct v2 t;
	char *msg;

	v2_setup(&t, CTRLS);
	msg = v2_apply(&t, "{'memory':{'limit':2000000,'swap':1000000}}", false);
	CHECK_CONTAINS(msg, "config.json: .linux.resources.memory.swap: 1000000 is below the memory limit");
	free(msg);
	msg = v2_apply(&t, "{'memory':{'swap':1000000}}", false);
	CHECK_CONTAINS(msg, ".linux.resources.memory.swap: needs a memory limit");
	free(msg);
	msg = v2_apply(&t, "{'memory':{'limit':-2}}", false);
	CHECK_CONTAINS(msg, ".linux.resources.memory.limit: -2 is negative");
	free(msg);
	/* nothing was written by the failed attempts */
	CHECK_STR(LEAF_READ(&t, "memory.max"), "");
	v2_teardown(&t);
}

TEST(v2_memory_update_swap_alone_uses_the_limit_in_force)
{
	struct v2 t;
	char *msg;

	v2_setup(&t, CTRLS);
	fake_file(t.root, LEAF "/memory.max", "1000\n");
	msg = v2_apply(&t, "{'memory':{'swap':3000}}", true);
	CHECK(msg == NULL);
	CHECK_STR(LEAF_READ(&t, "memory.swap.max"), "2000");
	free(msg);
	v2_teardown(&t);
}

TEST(v2_memory_check_before_update)
{
	struct v2 t;
	char *msg;

	v2_setup(&t, CTRLS);
	/* usage is 4096 */
	msg = v2_apply(&t, "{'memory':{'limit':1000,'checkBeforeUpdate':true}}", true);
	CHECK_CONTAINS(msg, "memory.limit: 1000 is below the current usage of 4096 bytes");
	CHECK_STR(LEAF_READ(&t, "memory.max"), "");
	free(msg);
	msg = v2_apply(&t, "{'memory':{'limit':1000,'checkBeforeUpdate':false}}", true);
	CHECK(msg == NULL);
	CHECK_STR(LEAF_READ(&t, "memory.max"), "1000");
	free(msg);
	v2_teardown(&t);
}

TEST(v2_memory_v1_only_knobs_are_ignored)
{
	struct v2 t;
	char *msg;

	v2_setup(&t, CTRLS);
	msg = v2_apply(&t, "{'memory':{'limit':4096000,'kernel':100000,'kernelTCP':100000,"
		       "'swappiness':10,'disableOOMKiller':true}}", false);
	CHECK(msg == NULL);
	CHECK_STR(LEAF_READ(&t, "memory.max"), "4096000");
	free(msg);
	v2_teardown(&t);
}

TEST(v2_cpu)
{
	struct v2 t;
	char *msg;

	v2_setup(&t, CTRLS);
	msg = v2_apply(&t, "{'cpu':{'shares':1024,'quota':50000,'period':100000,'burst':10000,'idle':1}}",
		       false);
	CHECK(msg == NULL);
	CHECK_STR(LEAF_READ(&t, "cpu.weight"), "100");
	CHECK_STR(LEAF_READ(&t, "cpu.max"), "50000 100000");
	CHECK_STR(LEAF_READ(&t, "cpu.max.burst"), "10000");
	CHECK_STR(LEAF_READ(&t, "cpu.idle"), "1");
	free(msg);
	msg = v2_apply(&t, "{'cpu':{'quota':-1,'period':20000}}", false);
	CHECK(msg == NULL);
	CHECK_STR(LEAF_READ(&t, "cpu.max"), "max 20000");
	free(msg);
	v2_teardown(&t);
}

TEST(v2_cpu_period_alone_keeps_the_quota)
{
	struct v2 t;
	char *msg;

	v2_setup(&t, CTRLS);
	fake_file(t.root, LEAF "/cpu.max", "20000 100000\n");
	msg = v2_apply(&t, "{'cpu':{'period':50000}}", true);
	CHECK(msg == NULL);
	CHECK_STR(LEAF_READ(&t, "cpu.max"), "20000 50000");
	free(msg);
	/* and a quota alone keeps the period (the kernel does) */
	msg = v2_apply(&t, "{'cpu':{'quota':30000}}", true);
	CHECK(msg == NULL);
	CHECK_STR(LEAF_READ(&t, "cpu.max"), "30000");
	free(msg);
	v2_teardown(&t);
}

TEST(v2_cpu_rejects_realtime_and_bad_values)
{
	struct v2 t;
	char *msg;

	v2_setup(&t, CTRLS);
	msg = v2_apply(&t, "{'cpu':{'realtimeRuntime':1000,'realtimePeriod':10000}}", false);
	CHECK_CONTAINS(msg, ".linux.resources.cpu.realtimeRuntime: realtime scheduling limits are cgroup v1 only");
	free(msg);
	msg = v2_apply(&t, "{'cpu':{'shares':1}}", false);
	CHECK_CONTAINS(msg, ".linux.resources.cpu.shares: 1 is out of range 2-262144");
	free(msg);
	msg = v2_apply(&t, "{'cpu':{'period':10}}", false);
	CHECK_CONTAINS(msg, ".linux.resources.cpu.period: 10 is out of range");
	free(msg);
	msg = v2_apply(&t, "{'cpu':{'idle':2}}", false);
	CHECK_CONTAINS(msg, ".linux.resources.cpu.idle: 2 must be 0 or 1");
	free(msg);
	v2_teardown(&t);
}

TEST(shares_to_weight)
{
	CHECK(cgroup_shares_to_weight(0) == 0);
	CHECK(cgroup_shares_to_weight(2) == 1);
	CHECK(cgroup_shares_to_weight(1024) == 100);
	CHECK(cgroup_shares_to_weight(262144) == 10000);
	CHECK(cgroup_shares_to_weight(512) == 59);
	CHECK(cgroup_shares_to_weight(2048) == 174);
	CHECK(cgroup_shares_to_weight(100) == 17);
	/* monotonic */
	for (uint64_t s = 2, last = 0; s <= 262144; s = s * 3 / 2 + 1) {
		CHECK(cgroup_shares_to_weight(s) >= last);
		last = cgroup_shares_to_weight(s);
	}
	CHECK(cgroup_blkio_to_io_weight(0) == 0);
	CHECK(cgroup_blkio_to_io_weight(10) == 1);
	CHECK(cgroup_blkio_to_io_weight(1000) == 10000);
	CHECK(cgroup_blkio_to_io_weight(500) == 4950);
}

TEST(v2_cpuset_pids_rdma)
{
	struct v2 t;
	char *msg;

	v2_setup(&t, CTRLS);
	msg = v2_apply(&t, "{'cpu':{'cpus':'0-1,3','mems':'0'},'pids':{'limit':10},"
		       "'rdma':{'mlx5_1':{'hcaHandles':3,'hcaObjects':1000}}}", false);
	CHECK(msg == NULL);
	CHECK_STR(LEAF_READ(&t, "cpuset.cpus"), "0-1,3");
	CHECK_STR(LEAF_READ(&t, "cpuset.mems"), "0");
	CHECK_STR(LEAF_READ(&t, "pids.max"), "10");
	CHECK_STR(LEAF_READ(&t, "rdma.max"), "mlx5_1 hca_handle=3 hca_object=1000");
	free(msg);
	msg = v2_apply(&t, "{'pids':{'limit':-1}}", false);
	CHECK(msg == NULL);
	CHECK_STR(LEAF_READ(&t, "pids.max"), "max");
	free(msg);
	/* 0 means "not set", as in runc */
	msg = v2_apply(&t, "{'pids':{'limit':0}}", false);
	CHECK(msg == NULL);
	CHECK_STR(LEAF_READ(&t, "pids.max"), "max");
	free(msg);
	v2_teardown(&t);
}

TEST(v2_io)
{
	struct v2 t;
	struct fake_log *lg;
	char *msg, *log;

	v2_setup(&t, CTRLS);
	lg = fake_log_start(t.root, LEAF "/io.max");
	msg = v2_apply(&t, "{'blockIO':{'weight':500,"
		       "'weightDevice':[{'major':8,'minor':0,'weight':100}],"
		       "'throttleReadBpsDevice':[{'major':8,'minor':0,'rate':1048576}],"
		       "'throttleWriteIOPSDevice':[{'major':8,'minor':16,'rate':100}],"
		       "'throttleWriteBpsDevice':[{'major':8,'minor':0,'rate':2097152}],"
		       "'throttleReadIOPSDevice':[{'major':8,'minor':0,'rate':50}]}}", false);
	log = fake_log_stop(lg);
	CHECK(msg == NULL);
	/* io.weight: 1-10000, converted; the last write was the device's */
	CHECK_STR(LEAF_READ(&t, "io.weight"), "8:0 910");
	CHECK_STR(log, "8:0 rbps=1048576" "8:0 wbps=2097152" "8:0 riops=50" "8:16 wiops=100");
	free(msg);
	free(log);
	/* with BFQ the v1 range is used as is */
	fake_file(t.root, LEAF "/io.bfq.weight", "");
	msg = v2_apply(&t, "{'blockIO':{'weight':500}}", false);
	CHECK(msg == NULL);
	CHECK_STR(LEAF_READ(&t, "io.bfq.weight"), "500");
	free(msg);
	msg = v2_apply(&t, "{'blockIO':{'weight':5}}", false);
	CHECK_CONTAINS(msg, ".linux.resources.blockIO.weight: 5 is out of range 10-1000");
	free(msg);
	v2_teardown(&t);
}

TEST(v2_io_weight_converted)
{
	struct v2 t;
	char *msg;

	v2_setup(&t, CTRLS);
	msg = v2_apply(&t, "{'blockIO':{'weight':1000}}", false);
	CHECK(msg == NULL);
	CHECK_STR(LEAF_READ(&t, "io.weight"), "default 10000");
	free(msg);
	v2_teardown(&t);
}

TEST(v2_hugetlb)
{
	struct v2 t;
	char *msg;

	v2_setup(&t, CTRLS);
	msg = v2_apply(&t, "{'hugepageLimits':[{'pageSize':'2MB','limit':4194304}]}", false);
	CHECK(msg == NULL);
	CHECK_STR(LEAF_READ(&t, "hugetlb.2MB.max"), "4194304");
	CHECK_STR(LEAF_READ(&t, "hugetlb.2MB.rsvd.max"), "4194304");
	free(msg);
	msg = v2_apply(&t, "{'hugepageLimits':[{'pageSize':'64KB','limit':1}]}", false);
	CHECK_CONTAINS(msg, ".linux.resources.hugepageLimits[0].pageSize: this host has no 64KB huge pages (it has: ");
	CHECK_CONTAINS(msg, "2MB");
	CHECK_CONTAINS(msg, "1GB");
	free(msg);
	msg = v2_apply(&t, "{'hugepageLimits':[{'pageSize':'2M','limit':1}]}", false);
	CHECK_CONTAINS(msg, ".linux.resources.hugepageLimits[0].pageSize: \"2M\" is not a page size");
	free(msg);
	v2_teardown(&t);
}

TEST(v2_unified)
{
	struct v2 t;
	char *msg;

	v2_setup(&t, CTRLS);
	/* unified is written last: it wins over memory.limit */
	msg = v2_apply(&t, "{'memory':{'limit':1000000},'unified':{'memory.max':'2000000',"
		       "'memory.high':'1500000','cgroup.max.descendants':'5'}}", false);
	CHECK(msg == NULL);
	CHECK_STR(LEAF_READ(&t, "memory.max"), "2000000");
	CHECK_STR(LEAF_READ(&t, "memory.high"), "1500000");
	CHECK_STR(LEAF_READ(&t, "cgroup.max.descendants"), "5");
	free(msg);
	msg = v2_apply(&t, "{'unified':{'../memory.max':'1'}}", false);
	CHECK_CONTAINS(msg, ".linux.resources.unified[\"../memory.max\"]: not a cgroup v2 file name");
	free(msg);
	msg = v2_apply(&t, "{'unified':{'cgroup.procs':'1'}}", false);
	CHECK_CONTAINS(msg, "unified[\"cgroup.procs\"]: husk manages this file itself");
	free(msg);
	msg = v2_apply(&t, "{'unified':{'foo.bar':'1'}}", false);
	CHECK_CONTAINS(msg, "unified[\"foo.bar\"]: the foo controller is not available");
	free(msg);
	/* a knob the kernel does not have */
	msg = v2_apply(&t, "{'unified':{'memory.nosuch':'1'}}", false);
	CHECK_CONTAINS(msg, "unified[\"memory.nosuch\"]: not supported on this host: there is no ");
	free(msg);
	v2_teardown(&t);
}

TEST(v2_missing_controllers_and_v1_only_resources)
{
	struct v2 t;
	char *msg;

	v2_setup(&t, "cpu io\n");
	msg = v2_apply(&t, "{'memory':{'limit':1000000}}", false);
	CHECK_CONTAINS(msg, "config.json: .linux.resources.memory: the memory cgroup controller is "
		       "not available on this host (cgroup v2 (unified))");
	free(msg);
	msg = v2_apply(&t, "{'network':{'classID':1048577}}", false);
	CHECK_CONTAINS(msg, ".linux.resources.network.classID: the net_cls cgroup controller is not available");
	free(msg);
	msg = v2_apply(&t, "{'pids':{'limit':5}}", false);
	CHECK_CONTAINS(msg, ".linux.resources.pids: the pids cgroup controller is not available");
	free(msg);
	v2_teardown(&t);
}

TEST(v2_controllers_enabled_along_the_path)
{
	struct v2 t;
	char *msg;

	v2_setup(&t, CTRLS);
	msg = v2_apply(&t, "{'memory':{'limit':1000000}}", false);
	CHECK(msg == NULL);
	CHECK_STR(fake_read(t.root, "cg/cgroup.subtree_control"), "+memory");
	CHECK_STR(fake_read(t.root, "cg/husk/cgroup.subtree_control"), "+memory");
	/* the leaf's own subtree_control is left alone */
	CHECK_STR(LEAF_READ(&t, "cgroup.subtree_control"), "");
	free(msg);
	/* one controller at a time: the last write was pids' */
	fake_file(t.root, "cg/cgroup.subtree_control", "");
	msg = v2_apply(&t, "{'memory':{'limit':1000000},'pids':{'limit':5}}", false);
	CHECK(msg == NULL);
	CHECK_STR(fake_read(t.root, "cg/cgroup.subtree_control"), "+pids");
	free(msg);
	/* already enabled: nothing is written */
	fake_file(t.root, "cg/cgroup.subtree_control", "memory pids\n");
	fake_file(t.root, "cg/husk/cgroup.subtree_control", "cpu memory\n");
	msg = v2_apply(&t, "{'memory':{'limit':1000000}}", false);
	CHECK(msg == NULL);
	CHECK_STR(fake_read(t.root, "cg/cgroup.subtree_control"), "memory pids\n");
	CHECK_STR(fake_read(t.root, "cg/husk/cgroup.subtree_control"), "cpu memory\n");
	free(msg);
	v2_teardown(&t);
}

TEST(v2_enable_fails_when_the_parent_lacks_the_controller)
{
	struct v2 t;
	char *msg;

	v2_setup(&t, CTRLS);
	fake_file(t.root, "cg/husk/cgroup.controllers", "cpu\n");
	msg = v2_apply(&t, "{'memory':{'limit':1000000}}", false);
	CHECK_CONTAINS(msg, "controller memory is not available in ");
	CHECK_STR(LEAF_READ(&t, "memory.max"), "");
	free(msg);
	v2_teardown(&t);
}

TEST(v2_freeze_and_thaw)
{
	struct v2 t;
	struct husk_err *err = NULL;

	v2_setup(&t, CTRLS);
	CHECK(cgroup_freezer_state(&t.l, "/husk/c1") == CGROUP_THAWED);
	/* the fake kernel reports frozen at once */
	fake_file(t.root, LEAF "/cgroup.events", "populated 1\nfrozen 1\n");
	CHECK(cgroup_freeze(&t.l, "/husk/c1", true, 1000, &err) == 0);
	CHECK_STR(LEAF_READ(&t, "cgroup.freeze"), "1");
	CHECK(cgroup_freezer_state(&t.l, "/husk/c1") == CGROUP_FROZEN);
	fake_file(t.root, LEAF "/cgroup.events", "populated 1\nfrozen 0\n");
	CHECK(cgroup_freeze(&t.l, "/husk/c1", false, 1000, &err) == 0);
	CHECK_STR(LEAF_READ(&t, "cgroup.freeze"), "0");
	CHECK(cgroup_freezer_state(&t.l, "/husk/c1") == CGROUP_THAWED);
	husk_err_free(&err);
	v2_teardown(&t);
}

TEST(v2_freeze_that_never_completes_is_rolled_back)
{
	struct v2 t;
	struct husk_err *err = NULL;

	v2_setup(&t, CTRLS);
	/* cgroup.events keeps saying "frozen 0" */
	CHECK(cgroup_freeze(&t.l, "/husk/c1", true, 100, &err) < 0);
	CHECK_CONTAINS(err ? err->msg : NULL, "still FREEZING after 100 ms; thawed it again");
	CHECK_STR(LEAF_READ(&t, "cgroup.freeze"), "0");
	CHECK(cgroup_freezer_state(&t.l, "/husk/c1") == CGROUP_THAWED);
	husk_err_free(&err);
	v2_teardown(&t);
}

TEST(v2_stats)
{
	struct v2 t;
	struct cgroup_stats s;
	struct husk_err *err = NULL;

	v2_setup(&t, CTRLS);
	fake_file(t.root, LEAF "/cpu.stat", "usage_usec 1500\nuser_usec 1000\nsystem_usec 500\n"
		  "nr_periods 10\nnr_throttled 4\nthrottled_usec 77\n");
	fake_file(t.root, LEAF "/memory.stat", "anon 8192\nfile 4096\nkernel 100\n");
	fake_file(t.root, LEAF "/memory.current", "12288\n");
	fake_file(t.root, LEAF "/memory.max", "max\n");
	fake_file(t.root, LEAF "/memory.peak", "20000\n");
	fake_file(t.root, LEAF "/memory.events", "low 0\nhigh 2\nmax 3\noom 1\noom_kill 1\n");
	fake_file(t.root, LEAF "/memory.swap.current", "100\n");
	fake_file(t.root, LEAF "/memory.swap.max", "1000\n");
	fake_file(t.root, LEAF "/pids.current", "3\n");
	fake_file(t.root, LEAF "/pids.max", "max\n");
	fake_file(t.root, LEAF "/io.stat", "8:0 rbytes=4096 wbytes=8192 rios=1 wios=2 dbytes=0 dios=0\n");
	fake_file(t.root, LEAF "/hugetlb.2MB.current", "2097152\n");
	fake_file(t.root, LEAF "/hugetlb.2MB.events", "max 5\n");
	fake_file(t.root, LEAF "/cpuset.cpus.effective", "0-2,5\n");
	fake_file(t.root, LEAF "/cpuset.mems.effective", "0\n");
	CHECK(cgroup_stats(&t.l, "/husk/c1", &s, &err) == 0);
	CHECK(s.cpu.total == 1500000);
	CHECK(s.cpu.user == 1000000);
	CHECK(s.cpu.kernel == 500000);
	CHECK(s.cpu.periods == 10 && s.cpu.throttled_periods == 4 && s.cpu.throttled_time == 77000);
	CHECK(s.memory.cache == 4096);
	CHECK(s.memory.usage.usage == 12288);
	CHECK(s.memory.usage.limit == UINT64_MAX);
	CHECK(s.memory.usage.max == 20000);
	CHECK(s.memory.usage.failcnt == 3);
	CHECK(s.memory.swap.usage == 12388);
	CHECK(s.memory.swap.limit == UINT64_MAX);
	CHECK(s.memory.ev_oom_kill == 1 && s.memory.ev_high == 2);
	CHECK(s.memory.n_raw == 3);
	CHECK(s.pids.current == 3 && s.pids.limit == 0);
	CHECK(s.blkio.n_service_bytes == 3 && s.blkio.n_serviced == 3);
	CHECK(s.blkio.n_service_bytes && s.blkio.service_bytes[0].major == 8 &&
	      !strcmp(s.blkio.service_bytes[0].op, "Read") && s.blkio.service_bytes[0].value == 4096);
	CHECK(s.blkio.n_service_bytes > 1 && !strcmp(s.blkio.service_bytes[1].op, "Write") &&
	      s.blkio.service_bytes[1].value == 8192);
	CHECK(s.n_hugetlb == 1 && !strcmp(s.hugetlb[0].size, "2MB") &&
	      s.hugetlb[0].usage == 2097152 && s.hugetlb[0].failcnt == 5);
	CHECK(s.cpuset.n_cpus == 4 && s.cpuset.cpus[3] == 5);
	CHECK(s.cpuset.n_mems == 1 && s.cpuset.mems[0] == 0);
	cgroup_stats_free(&s);
	husk_err_free(&err);
	v2_teardown(&t);
}

TEST(v2_oom_watch)
{
	struct v2 t;
	struct cgroup_oom_watch w;
	struct husk_err *err = NULL;
	struct pollfd p;

	v2_setup(&t, CTRLS);
	fake_file(t.root, LEAF "/memory.events", "low 0\nhigh 0\nmax 0\noom 0\noom_kill 2\n");
	CHECK(cgroup_oom_watch_open(&t.l, "/husk/c1", &w, &err) == 0);
	CHECK(w.v2 && w.count == 2);
	fake_file(t.root, LEAF "/memory.events", "low 0\nhigh 0\nmax 3\noom 3\noom_kill 3\n");
	p = (struct pollfd){ .fd = w.fd, .events = POLLIN };
	CHECK(poll(&p, 1, 1000) == 1);
	CHECK(cgroup_oom_watch_read(&w) == 1);
	/* the cgroup goes */
	{
		char f[4096];

		snprintf(f, sizeof(f), "%s/" LEAF "/memory.events", t.root);
		unlink(f);
	}
	CHECK(cgroup_oom_watch_read(&w) == -1);
	cgroup_oom_watch_close(&w);
	husk_err_free(&err);
	v2_teardown(&t);
}

TEST(v2_remove_removes_children_first)
{
	struct v2 t;
	struct husk_err *err = NULL;
	char d[4096];

	v2_setup(&t, CTRLS);
	/* a fake tree has files the kernel would not let rmdir see: use empty dirs */
	snprintf(d, sizeof(d), "%s/cg/husk/c2/sub/deeper", t.root);
	fake_mkdirs(d);
	CHECK(cgroup_remove(&t.l, "/husk/c2", &err) == 0);
	snprintf(d, sizeof(d), "%s/cg/husk/c2", t.root);
	CHECK(access(d, F_OK) < 0);
	/* gone already is fine */
	CHECK(cgroup_remove(&t.l, "/husk/c2", &err) == 0);
	husk_err_free(&err);
	v2_teardown(&t);
}
