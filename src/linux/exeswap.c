/* Running from a read-only view of husk's own file without exec'ing it
 * again: see exe_swap in husk/selfprotect.h. */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <link.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <linux/prctl.h>
#include <stdlib.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "husk/proc.h"
#include "husk/selfprotect.h"

/* the linker's name for where the ELF header of husk's image is mapped */
extern const ElfW(Ehdr) __ehdr_start;

#define MAX_VMAS 32

struct vma {
	uintptr_t lo, hi;
	unsigned long off;
	int prot;
	bool copy;	/* in a writable segment: the loader may have written it */
};

/* Whether [lo, hi) meets the pages of a writable PT_LOAD segment: only
 * those are ever written (relocations, RELRO, .data, .bss); the others
 * hold exactly what the file holds. */
static bool meets_writable_segment(uintptr_t lo, uintptr_t hi, uintptr_t page)
{
	const ElfW(Ehdr) *eh = &__ehdr_start;
	const ElfW(Phdr) *ph = (const void *)((const char *)eh + eh->e_phoff);
	uintptr_t bias = 0;

	for (int i = 0; i < eh->e_phnum; i++)
		if (ph[i].p_type == PT_LOAD && ph[i].p_offset == 0)
			bias = (uintptr_t)eh - ph[i].p_vaddr;
	for (int i = 0; i < eh->e_phnum; i++) {
		uintptr_t start, end;

		if (ph[i].p_type != PT_LOAD || !(ph[i].p_flags & PF_W))
			continue;
		start = (bias + ph[i].p_vaddr) & ~(page - 1);
		end = (bias + ph[i].p_vaddr + ph[i].p_memsz + page - 1) & ~(page - 1);
		if (lo < end && hi > start)
			return true;
	}
	return false;
}

static int perms_to_prot(const char *perms)
{
	return (perms[0] == 'r' ? PROT_READ : 0) | (perms[1] == 'w' ? PROT_WRITE : 0) |
	       (perms[2] == 'x' ? PROT_EXEC : 0);
}

/* The mappings of the file (dev, ino) in /proc/self/maps; -1 when they
 * cannot all be had. */
static int file_vmas(const struct stat *st, struct vma *v)
{
	char buf[16384], *line, *save = NULL;
	uintptr_t page = getauxval(AT_PAGESZ);
	size_t len = 0;
	ssize_t r;
	int fd = open("/proc/self/maps", O_RDONLY | O_CLOEXEC), n = 0;

	if (fd < 0)
		return -1;
	while ((r = read(fd, buf + len, sizeof(buf) - 1 - len)) > 0)
		len += r;
	close(fd);
	if (r < 0 || len >= sizeof(buf) - 1)
		return -1;
	buf[len] = '\0';
	for (line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		unsigned long lo, hi, off, ino;
		unsigned int maj, min;
		char perms[5];

		if (sscanf(line, "%lx-%lx %4s %lx %x:%x %lu", &lo, &hi, perms, &off, &maj, &min, &ino) != 7)
			return -1;
		if (ino != st->st_ino || makedev(maj, min) != st->st_dev)
			continue;
		if (n == MAX_VMAS || perms[3] != 'p' || perms[0] != 'r')
			return -1;
		v[n] = (struct vma){ lo, hi, off, perms_to_prot(perms), meets_writable_segment(lo, hi, page) };
		n++;
	}
	return n;
}

/* One mapping replaced in place: the same pages of the view, or an
 * anonymous copy. Nothing between the copy and the move writes memory of
 * husk's image (raw syscalls only report errors through errno, in TLS). */
static int replace(const struct vma *v, int view)
{
	size_t len = v->hi - v->lo;
	void *p;

	if (v->copy) {
		p = (void *)syscall(SYS_mmap, NULL, len, PROT_READ | PROT_WRITE,
				    MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
		if (p == MAP_FAILED)
			return -1;
		memcpy(p, (void *)v->lo, len);
		if (v->prot != (PROT_READ | PROT_WRITE) && syscall(SYS_mprotect, p, len, v->prot) < 0)
			goto fail;
	} else {
		p = (void *)syscall(SYS_mmap, NULL, len, v->prot, MAP_PRIVATE, view, v->off);
		if (p == MAP_FAILED)
			return -1;
	}
	if ((void *)syscall(SYS_mremap, p, len, len, MREMAP_MAYMOVE | MREMAP_FIXED, v->lo) != MAP_FAILED)
		return 0;
fail:
	syscall(SYS_munmap, p, len);
	return -1;
}

/* The layout of husk's memory as the kernel has it (/proc/self/stat), to
 * hand back unchanged with only the exe file new: PR_SET_MM_MAP needs
 * CAP_SYS_ADMIN (or CAP_CHECKPOINT_RESTORE) where PR_SET_MM_EXE_FILE on
 * its own wants CAP_SYS_RESOURCE, which hosts often withhold. */
static int read_mm_map(struct prctl_mm_map *m)
{
	/* fields 26-28 and 45-51 of /proc/PID/stat, in struct order */
	static const struct { int field; size_t at; } want[] = {
		{ 26, offsetof(struct prctl_mm_map, start_code) },
		{ 27, offsetof(struct prctl_mm_map, end_code) },
		{ 28, offsetof(struct prctl_mm_map, start_stack) },
		{ 45, offsetof(struct prctl_mm_map, start_data) },
		{ 46, offsetof(struct prctl_mm_map, end_data) },
		{ 47, offsetof(struct prctl_mm_map, start_brk) },
		{ 48, offsetof(struct prctl_mm_map, arg_start) },
		{ 49, offsetof(struct prctl_mm_map, arg_end) },
		{ 50, offsetof(struct prctl_mm_map, env_start) },
		{ 51, offsetof(struct prctl_mm_map, env_end) },
	};
	char buf[1024], *p = proc_stat_fields(0, buf, sizeof(buf)), *save = NULL;
	int field = 2;
	size_t k = 0;

	memset(m, 0, sizeof(*m));
	for (p = p ? strtok_r(p, " \n", &save) : NULL; p && k < sizeof(want) / sizeof(want[0]);
	     p = strtok_r(NULL, " \n", &save)) {
		if (++field == want[k].field)
			*(uint64_t *)((char *)m + want[k++].at) = strtoull(p, NULL, 10);
	}
	return k == sizeof(want) / sizeof(want[0]) ? 0 : -1;
}

/* Point /proc/PID/exe at view: PR_SET_MM_EXE_FILE where husk holds
 * CAP_SYS_RESOURCE, else the whole map (m, read once) with the exe new. */
static int set_exe(int view, struct prctl_mm_map *m, bool *use_map)
{
	if (!*use_map) {
		if (prctl(PR_SET_MM, PR_SET_MM_EXE_FILE, view, 0, 0) == 0)
			return 0;
		if (errno != EPERM)
			return -1;	/* EBUSY while husk's file is mapped */
		if (read_mm_map(m) < 0)
			return -1;
		*use_map = true;
	}
	m->brk = (uintptr_t)sbrk(0);
	m->exe_fd = (uint32_t)view;
	return prctl(PR_SET_MM, PR_SET_MM_MAP, m, sizeof(*m), 0);
}

bool exe_swap(int view)
{
	struct prctl_mm_map m;
	struct vma v[MAX_VMAS];
	struct stat st;
	bool use_map = false;
	int n;

#if defined(__SANITIZE_ADDRESS__)
	return false;	/* the sanitizer keeps its own books of the mappings */
#endif
	/* EBUSY: husk's file is still mapped, but the rest would do: husk
	 * may change the exe file and the view is acceptable as one */
	if (set_exe(view, &m, &use_map) == 0)
		return true;
	if (errno != EBUSY || fstat(view, &st) < 0)
		return false;
	n = file_vmas(&st, v);
	if (n <= 0)
		return false;
	/* a failure part way leaves mappings with the very same contents:
	 * the caller falls back to exec'ing the view */
	for (int i = 0; i < n; i++)
		if (replace(&v[i], view) < 0)
			return false;
	return set_exe(view, &m, &use_map) == 0;
}
