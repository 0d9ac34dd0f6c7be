/* oci_config_load: bundle directories, plain files, size limits and the
 * path that prefixes its error messages. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "oci-test.h"

static const char valid[] = "{\"ociVersion\": \"1.2.0\", \"root\": {\"path\": \"rootfs\"}}";
static const char invalid[] = "{\"ociVersion\": \"1.2.0\", \"root\": {\"path\": 7}}";

/* A fresh bundle directory holding config.json with `text`. */
static char *bundle(const char *text)
{
	char *dir = strdup("/tmp/husk-unit-XXXXXX");
	char path[PATH_MAX];
	FILE *f;

	if (!mkdtemp(dir))
		abort();
	snprintf(path, sizeof(path), "%s/config.json", dir);
	f = fopen(path, "w");
	if (!f)
		abort();
	fputs(text, f);
	fclose(f);
	return dir;
}

static void bundle_remove(char *dir)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/config.json", dir);
	unlink(path);
	rmdir(dir);
	free(dir);
}

/* The error message of loading `path`, or NULL when it loads. */
static char *load_error(const char *path)
{
	struct husk_err *err = NULL;
	struct oci_config *c = oci_config_load(path, &err);
	char *msg = err ? strdup(err->msg) : NULL;

	oci_config_free(c);
	husk_err_free(&err);
	return msg;
}

TEST(load_bundle_directory)
{
	char *dir = bundle(valid);
	struct husk_err *err = NULL;
	struct oci_config *c = oci_config_load(dir, &err);

	CHECK(c && !err);
	CHECK_STR(c ? c->root.path : NULL, "rootfs");
	oci_config_free(c);
	bundle_remove(dir);
}

TEST(load_errors_name_the_file_read)
{
	char *dir = bundle(invalid);
	char want[PATH_MAX + 64], arg[PATH_MAX], *msg;

	snprintf(want, sizeof(want), "%s/config.json: .root.path: expected a string", dir);
	msg = load_error(dir);
	CHECK_STR(msg, want);
	free(msg);
	snprintf(arg, sizeof(arg), "%s//", dir);
	msg = load_error(arg);
	CHECK_STR(msg, want);
	free(msg);
	snprintf(arg, sizeof(arg), "%s/config.json", dir);
	msg = load_error(arg);
	CHECK_STR(msg, want);
	free(msg);
	bundle_remove(dir);
}

TEST(load_dot_is_config_json)
{
	char *dir = bundle(invalid);
	char cwd[PATH_MAX], *msg;

	CHECK(getcwd(cwd, sizeof(cwd)) != NULL);
	CHECK(chdir(dir) == 0);
	msg = load_error(".");
	CHECK_STR(msg, "config.json: .root.path: expected a string");
	free(msg);
	CHECK(chdir(cwd) == 0);
	bundle_remove(dir);
}

TEST(load_missing_files)
{
	char *dir = bundle(valid);
	char path[PATH_MAX], want[PATH_MAX + 64], *msg;
	struct husk_err *err = NULL;

	snprintf(path, sizeof(path), "%s/config.json", dir);
	unlink(path);
	snprintf(want, sizeof(want), "open \"%s/config.json\": No such file or directory", dir);
	CHECK(oci_config_load(dir, &err) == NULL);
	CHECK(err && err->errnum == ENOENT);
	CHECK_STR(err ? err->msg : NULL, want);
	husk_err_free(&err);
	msg = load_error("/nonexistent/husk");
	CHECK_STR(msg, "open \"/nonexistent/husk\": No such file or directory");
	free(msg);
	bundle_remove(dir);
}

TEST(load_refuses_large_files)
{
	char *dir = bundle("");
	char path[PATH_MAX], want[PATH_MAX + 64], *msg;

	snprintf(path, sizeof(path), "%s/config.json", dir);
	CHECK(truncate(path, OCI_CONFIG_MAX_SIZE + 1) == 0);
	snprintf(want, sizeof(want), "%s: too large (16777217 bytes, the limit is 16777216)", path);
	msg = load_error(path);
	CHECK_STR(msg, want);
	free(msg);
	bundle_remove(dir);
}

TEST(load_bounds_unsized_files)
{
	char *msg = load_error("/dev/zero");

	CHECK_STR(msg, "/dev/zero: too large (over the limit of 16777216 bytes)");
	free(msg);
}

TEST(load_accepts_a_file_of_exactly_the_limit)
{
	char *dir = bundle(valid);
	char path[PATH_MAX];
	struct husk_err *err = NULL;
	struct oci_config *c;
	int fd;

	snprintf(path, sizeof(path), "%s/config.json", dir);
	fd = open(path, O_WRONLY | O_APPEND);
	CHECK(fd >= 0);
	for (size_t n = sizeof(valid) - 1; fd >= 0 && n < OCI_CONFIG_MAX_SIZE;) {
		static char spaces[65536];
		size_t chunk = OCI_CONFIG_MAX_SIZE - n < sizeof(spaces) ?
			OCI_CONFIG_MAX_SIZE - n : sizeof(spaces);

		if (!spaces[0])
			memset(spaces, ' ', sizeof(spaces));
		if (write(fd, spaces, chunk) != (ssize_t)chunk)
			break;
		n += chunk;
	}
	if (fd >= 0)
		close(fd);
	c = oci_config_load(path, &err);
	CHECK(c != NULL && err == NULL);
	oci_config_free(c);
	husk_err_free(&err);
	bundle_remove(dir);
}
