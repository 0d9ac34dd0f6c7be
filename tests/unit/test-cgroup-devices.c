/* The device allowlist: the emulation of the v1 devices cgroup, and the
 * eBPF program compiled from it, run here by a small interpreter of the
 * instructions husk emits and checked against the emulation for every
 * combination of type, number and access. (test-cgroup-kernel loads the
 * same programs into the kernel.) */
#include <linux/bpf.h>

#include "../../src/linux/cgroup-internal.h"
#include "cgroup-fake.h"

static struct oci_config *rules_cfg(const char *json)
{
	char buf[4096];

	snprintf(buf, sizeof(buf), "{'devices':%s}", json);
	return fake_resources(buf);
}

static int emulate(const char *json, bool defaults, struct cg_dev_state *st, char **msg)
{
	struct oci_config *c = rules_cfg(json);
	const struct oci_resources *r = RES(c);
	struct husk_err *err = NULL;
	int ret = c ? cg_dev_emulate(r ? r->devices : NULL, r ? r->n_devices : 0, defaults, st, &err) : -1;

	if (msg)
		*msg = err ? strdup(err->msg) : NULL;
	husk_err_free(&err);
	oci_config_free(c);
	return ret;
}

#define R CG_DEV_READ
#define W CG_DEV_WRITE
#define M CG_DEV_MKNOD

TEST(deny_all_then_defaults)
{
	struct cg_dev_state st;

	CHECK(emulate("[{'allow':false,'access':'rwm'}]", true, &st, NULL) == 0);
	CHECK(!st.allow);
	CHECK(cg_dev_allowed(&st, 'c', 1, 3, R | W));		/* /dev/null */
	CHECK(cg_dev_allowed(&st, 'c', 136, 7, R | W));		/* /dev/pts/7 */
	CHECK(!cg_dev_allowed(&st, 'c', 1, 11, R));		/* /dev/kmsg */
	CHECK(!cg_dev_allowed(&st, 'b', 254, 0, R));
	/* mknod of anything, as runc allows, but no open */
	CHECK(cg_dev_allowed(&st, 'c', 1, 11, M));
	CHECK(cg_dev_allowed(&st, 'b', 8, 0, M));
	CHECK(!cg_dev_allowed(&st, 'c', 1, 11, R | M));
	cg_dev_state_free(&st);
}

TEST(no_rules_allow_everything)
{
	struct cg_dev_state st;

	CHECK(emulate("[]", true, &st, NULL) == 0);
	CHECK(st.allow && st.n == 0);
	CHECK(cg_dev_allowed(&st, 'b', 8, 0, R | W | M));
	cg_dev_state_free(&st);
}

TEST(partial_access_deny_on_allow_all)
{
	struct cg_dev_state st;

	CHECK(emulate("[{'allow':false,'type':'c','major':1,'minor':11,'access':'w'}]", false, &st, NULL) == 0);
	CHECK(st.allow && st.n == 1);
	CHECK(cg_dev_allowed(&st, 'c', 1, 11, R));
	CHECK(!cg_dev_allowed(&st, 'c', 1, 11, W));
	/* any denied part denies the whole access */
	CHECK(!cg_dev_allowed(&st, 'c', 1, 11, R | W));
	CHECK(cg_dev_allowed(&st, 'b', 1, 11, W));
	cg_dev_state_free(&st);
}

TEST(allows_merge_and_later_rules_take_access_away)
{
	struct cg_dev_state st;

	CHECK(emulate("[{'allow':false,'access':'rwm'},"
		      "{'allow':true,'type':'c','major':1,'minor':11,'access':'r'},"
		      "{'allow':true,'type':'c','major':1,'minor':11,'access':'w'}]", false, &st, NULL) == 0);
	CHECK(cg_dev_allowed(&st, 'c', 1, 11, R | W));
	cg_dev_state_free(&st);
	CHECK(emulate("[{'allow':false,'access':'rwm'},"
		      "{'allow':true,'type':'c','major':1,'minor':11,'access':'rw'},"
		      "{'allow':false,'type':'c','major':1,'minor':11,'access':'w'}]", false, &st, NULL) == 0);
	CHECK(cg_dev_allowed(&st, 'c', 1, 11, R));
	CHECK(!cg_dev_allowed(&st, 'c', 1, 11, W));
	cg_dev_state_free(&st);
	/* the kernel removes exact matches only: a wildcard allow stays */
	CHECK(emulate("[{'allow':false,'access':'rwm'},"
		      "{'allow':true,'type':'c','access':'rwm'},"
		      "{'allow':false,'type':'c','major':1,'minor':11,'access':'rwm'}]", false, &st, NULL) == 0);
	CHECK(cg_dev_allowed(&st, 'c', 1, 11, R));
	cg_dev_state_free(&st);
	/* a later "a" starts over */
	CHECK(emulate("[{'allow':false,'access':'rwm'},"
		      "{'allow':true,'type':'c','major':1,'minor':11,'access':'rw'},"
		      "{'allow':true,'access':'rwm'}]", false, &st, NULL) == 0);
	CHECK(st.allow && st.n == 0);
	cg_dev_state_free(&st);
}

TEST(type_a_with_numbers_means_both_types)
{
	struct cg_dev_state st;

	CHECK(emulate("[{'allow':false,'access':'rwm'},{'allow':true,'type':'a','major':7,'access':'r'}]",
		      false, &st, NULL) == 0);
	CHECK(cg_dev_allowed(&st, 'c', 7, 1, R));
	CHECK(cg_dev_allowed(&st, 'b', 7, 2, R));
	CHECK(!cg_dev_allowed(&st, 'b', 8, 2, R));
	cg_dev_state_free(&st);
}

TEST(bad_rules)
{
	struct cg_dev_state st;
	char *msg = NULL;

	CHECK(emulate("[{'allow':true,'access':''}]", true, &st, &msg) < 0);
	CHECK_CONTAINS(msg, ".linux.resources.devices[0].access");
	free(msg);
	CHECK(emulate("[{'allow':true},{'allow':true,'type':'c','major':1,'minor':5000000}]", true, &st,
		      &msg) < 0);
	CHECK_CONTAINS(msg, ".linux.resources.devices[1]: 1:5000000 is not a device number");
	free(msg);
}

/* ------------------------------------------------- running the program */

/* Enough of eBPF for what husk emits; -1 on anything else. */
static int run(const struct cg_bpf_prog *p, uint32_t type, uint32_t access, uint32_t major,
	       uint32_t minor)
{
	const struct bpf_insn *in = p->insns;
	uint32_t ctx[3] = { (access << 16) | type, major, minor };
	uint64_t r[11] = { 0 };
	size_t pc = 0, steps = 0;

	r[1] = 0;	/* stands for the ctx pointer: loads go through ctx[] */
	while (pc < p->n && steps++ < 100000) {
		const struct bpf_insn *i = &in[pc++];

		switch (i->code) {
		case BPF_LDX | BPF_W | BPF_MEM:
			if (i->src_reg != 1 || i->off < 0 || i->off > 8 || i->off % 4)
				return -1;
			r[i->dst_reg] = ctx[i->off / 4];
			break;
		case BPF_ALU | BPF_MOV | BPF_X:
			r[i->dst_reg] = (uint32_t)r[i->src_reg];
			break;
		case BPF_ALU | BPF_AND | BPF_K:
			r[i->dst_reg] = (uint32_t)r[i->dst_reg] & (uint32_t)i->imm;
			break;
		case BPF_ALU | BPF_RSH | BPF_K:
			r[i->dst_reg] = (uint32_t)r[i->dst_reg] >> i->imm;
			break;
		case BPF_ALU64 | BPF_MOV | BPF_K:
			r[i->dst_reg] = (uint64_t)(int64_t)i->imm;
			break;
		case BPF_JMP | BPF_JNE | BPF_K:
			if (r[i->dst_reg] != (uint64_t)(int64_t)i->imm)
				pc += i->off;
			break;
		case BPF_JMP | BPF_JEQ | BPF_K:
			if (r[i->dst_reg] == (uint64_t)(int64_t)i->imm)
				pc += i->off;
			break;
		case BPF_JMP | BPF_EXIT:
			return (int)r[0];
		default:
			return -1;
		}
	}
	return -1;
}

static void agree(int *unit_failed, const char *json, bool defaults)
{
	static const int64_t majors[] = { 0, 1, 4, 5, 7, 8, 10, 136, 254, 4095 };
	static const int64_t minors[] = { 0, 1, 2, 3, 5, 7, 8, 9, 11, 16, 200 };
	struct cg_dev_state st;
	struct cg_bpf_prog p;
	struct husk_err *err = NULL;
	int bad = 0;

	CHECK(emulate(json, defaults, &st, NULL) == 0);
	CHECK(cg_bpf_compile(&st, &p, &err) == 0);
	for (int t = 0; t < 2; t++)
		for (size_t a = 0; a < sizeof(majors) / sizeof(majors[0]); a++)
			for (size_t b = 0; b < sizeof(minors) / sizeof(minors[0]); b++)
				for (unsigned acc = 1; acc < 8; acc++) {
					char type = t ? 'b' : 'c';
					int want = cg_dev_allowed(&st, type, majors[a], minors[b], acc);
					int got = run(&p, t ? BPF_DEVCG_DEV_BLOCK : BPF_DEVCG_DEV_CHAR,
						      acc, (uint32_t)majors[a], (uint32_t)minors[b]);

					if (got != want && bad++ < 5)
						printf("# %s: %c %lld:%lld acc %u: program %d, emulation %d\n",
						       json, type, (long long)majors[a], (long long)minors[b],
						       acc, got, want);
				}
	CHECK(bad == 0);
	cg_bpf_free(&p);
	cg_dev_state_free(&st);
	husk_err_free(&err);
}

TEST(program_agrees_with_the_emulation)
{
	agree(unit_failed, "[]", false);
	agree(unit_failed, "[]", true);
	agree(unit_failed, "[{'allow':false,'access':'rwm'}]", true);
	agree(unit_failed, "[{'allow':false,'access':'rwm'}]", false);
	agree(unit_failed, "[{'allow':false,'type':'c','major':1,'minor':11,'access':'w'}]", false);
	agree(unit_failed, "[{'allow':false,'type':'b','access':'rw'},"
	      "{'allow':false,'type':'c','major':10,'access':'m'}]", true);
	agree(unit_failed, "[{'allow':false,'access':'rwm'},"
	      "{'allow':true,'type':'c','major':1,'minor':11,'access':'r'},"
	      "{'allow':true,'type':'b','major':8,'access':'rw'},"
	      "{'allow':true,'type':'a','major':254,'minor':0,'access':'rwm'}]", true);
}

TEST(program_shape)
{
	struct cg_dev_state st;
	struct cg_bpf_prog p;
	struct husk_err *err = NULL;
	const struct bpf_insn *in;

	CHECK(emulate("[{'allow':false,'access':'rwm'}]", true, &st, NULL) == 0);
	CHECK(cg_bpf_compile(&st, &p, &err) == 0);
	in = p.insns;
	/* ends with "return the default" (deny) */
	CHECK(p.n > 2 && in[p.n - 1].code == (BPF_JMP | BPF_EXIT));
	CHECK(p.n > 2 && in[p.n - 2].code == (BPF_ALU64 | BPF_MOV | BPF_K) && in[p.n - 2].imm == 0);
	/* every jump lands inside the program */
	for (size_t i = 0; i < p.n; i++)
		if (BPF_CLASS(in[i].code) == BPF_JMP && BPF_OP(in[i].code) != BPF_EXIT)
			CHECK(in[i].off >= 0 && i + 1 + (size_t)in[i].off < p.n);
	cg_bpf_free(&p);
	cg_dev_state_free(&st);
	husk_err_free(&err);
}
