/* fs_open_in_root: paths resolved and made inside a root directory, never
 * outside it, whatever symlinks the tree holds; the error names the first
 * component that does not open. Runs on a scratch tree under $TMPDIR. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <sys/stat.h>
#include <unistd.h>

#include "husk/error.h"
#include "husk/fs.h"
#include "unit.h"

static char top[PATH_MAX], outside[PATH_MAX + 16];
static int rootfd = -1;

static bool exists_at(int dirfd, const char *path, mode_t type)
{
	struct stat st;

	return fstatat(dirfd, path, &st, AT_SYMLINK_NOFOLLOW) == 0 && (st.st_mode & S_IFMT) == type;
}

static void remove_scratch(void)
{
	fs_remove_tree(AT_FDCWD, top, NULL);
}

/* top/root is the root; top/outside the place escapes would reach. */
static void scratch(int *unit_failed)
{
	const char *tmp = getenv("TMPDIR");
	char path[2 * PATH_MAX + 32];
	int fd;

	if (rootfd >= 0)
		return;
	snprintf(top, sizeof(top), "%s/husk-fs-root-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	CHECK(mkdtemp(top) != NULL);
	atexit(remove_scratch);
	snprintf(outside, sizeof(outside), "%s/outside", top);
	snprintf(path, sizeof(path), "%s/root", top);
	CHECK(mkdir(outside, 0755) == 0 && mkdir(path, 0755) == 0);
	rootfd = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
	CHECK(rootfd >= 0);
	CHECK(mkdirat(rootfd, "dir", 0755) == 0 && mkdirat(rootfd, "dir/sub", 0755) == 0);
	/* absolute, to the host's outside; inside the root it leads to
	 * root/<outside>, which exists too */
	CHECK(symlinkat(outside, rootfd, "esc") == 0);
	snprintf(path, sizeof(path), "%s/root%s", top, outside);
	CHECK(fs_mkdir_p(path, 0755, NULL) == 0);
	CHECK(symlinkat("../../../../../../..", rootfd, "up") == 0);	/* climbs past / */
	CHECK(symlinkat("/nowhere/at/all", rootfd, "dangling") == 0);
	fd = openat(rootfd, "file", O_CREAT | O_WRONLY | O_CLOEXEC, 0644);
	CHECK(fd >= 0);
	close(fd);
}

static bool same_file(int fd, int dirfd, const char *path)
{
	struct stat a, b;

	return fstat(fd, &a) == 0 && fstatat(dirfd, path, &b, 0) == 0 &&
	       a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

/* Open path with kind; expect failure with msg when msg is not NULL. */
static int open_check(const char *path, enum fs_kind kind, const char *msg, int *unit_failed)
{
	struct husk_err *err = NULL;
	int fd = fs_open_in_root(rootfd, path, kind, &err);

	if (msg) {
		CHECK(fd < 0);
		CHECK_STR(err ? err->msg : NULL, msg);
	} else if (fd < 0) {
		printf("# %s: %s\n", path, err ? err->msg : "?");
		CHECK(fd >= 0);
	}
	husk_err_free(&err);
	return fd;
}

TEST(fs_open_in_root_opens_what_exists)
{
	int fd;

	scratch(unit_failed);
	fd = open_check("/dir/sub", FS_DIR, NULL, unit_failed);
	CHECK(same_file(fd, rootfd, "dir/sub"));
	close(fd);
	fd = open_check("/dir/sub", FS_ANY, NULL, unit_failed);
	CHECK(same_file(fd, rootfd, "dir/sub"));
	close(fd);
	/* an existing file is returned as it is, even for FS_DIR */
	fd = open_check("/file", FS_DIR, NULL, unit_failed);
	CHECK(same_file(fd, rootfd, "file"));
	close(fd);
	open_check("/missing", FS_ANY, "open \"/missing\": No such file or directory", unit_failed);
}

TEST(fs_open_in_root_no_component_is_the_root)
{
	const char *paths[] = { "", "/", "///", "/.", "/dir/.." };

	scratch(unit_failed);
	for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
		int fd = open_check(paths[i], FS_DIR, NULL, unit_failed);

		CHECK(same_file(fd, rootfd, "."));
		close(fd);
	}
}

TEST(fs_open_in_root_makes_what_is_missing)
{
	struct stat st;
	int fd;

	scratch(unit_failed);
	fd = open_check("/a/b/c", FS_DIR, NULL, unit_failed);
	CHECK(same_file(fd, rootfd, "a/b/c") && exists_at(rootfd, "a/b/c", S_IFDIR));
	close(fd);
	fd = open_check("/dir/f1/f2/file.txt", FS_FILE, NULL, unit_failed);
	CHECK(exists_at(rootfd, "dir/f1/f2", S_IFDIR) && exists_at(rootfd, "dir/f1/f2/file.txt", S_IFREG));
	CHECK(same_file(fd, rootfd, "dir/f1/f2/file.txt"));
	CHECK(fstatat(rootfd, "dir/f1/f2/file.txt", &st, 0) == 0 && st.st_size == 0);
	close(fd);
	/* repeated and trailing slashes, "." and ".." on the way */
	fd = open_check("//t1//t2/./t3/../t4//", FS_DIR, NULL, unit_failed);
	CHECK(same_file(fd, rootfd, "t1/t2/t4") && exists_at(rootfd, "t1/t2/t3", S_IFDIR));
	close(fd);
	fd = open_check("rel/x", FS_DIR, NULL, unit_failed);
	CHECK(same_file(fd, rootfd, "rel/x"));
	close(fd);
}

TEST(fs_open_in_root_symlinks_never_lead_out)
{
	char inside[PATH_MAX + 32];
	int fd;

	scratch(unit_failed);
	/* the absolute link is followed inside the root: top/root/<outside>/new */
	fd = open_check("/esc/new/deeper", FS_DIR, NULL, unit_failed);
	snprintf(inside, sizeof(inside), "%s/new/deeper", outside + 1);
	CHECK(same_file(fd, rootfd, inside));
	snprintf(inside, sizeof(inside), "%s/new", outside);
	CHECK(access(inside, F_OK) < 0 && errno == ENOENT);
	close(fd);
	fd = open_check("/esc/made-file", FS_FILE, NULL, unit_failed);
	snprintf(inside, sizeof(inside), "%s/made-file", outside);
	CHECK(access(inside, F_OK) < 0 && errno == ENOENT);
	close(fd);
	/* ".." past the root stays at the root */
	fd = open_check("/up/made", FS_DIR, NULL, unit_failed);
	CHECK(same_file(fd, rootfd, "made"));
	close(fd);
	snprintf(inside, sizeof(inside), "%s/made", top);
	CHECK(access(inside, F_OK) < 0 && errno == ENOENT);
}

TEST(fs_open_in_root_errors_name_the_component)
{
	scratch(unit_failed);
	/* a dangling link is not replaced, and nothing is made where it points */
	open_check("/dangling/x", FS_DIR, "open \"/dangling\": No such file or directory", unit_failed);
	CHECK(exists_at(rootfd, "dangling", S_IFLNK) && !exists_at(rootfd, "nowhere", S_IFDIR));
	open_check("/dangling", FS_FILE, "open \"/dangling\": No such file or directory", unit_failed);
	open_check("/file/x/y", FS_DIR, "open \"/file/x\": Not a directory", unit_failed);
	open_check("/dir/sub/../../file/x", FS_FILE,
		   "open \"/dir/sub/../../file/x\": Not a directory", unit_failed);
}
