#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <time.h>
#include <unistd.h>

#include "husk/cleanup.h"
#include "husk/events.h"
#include "husk/log.h"
#include "husk/state.h"

void events_append(int state_dirfd, const char *id, const char *type, const char *data_json)
{
	cleanup_close int fd = openat(state_dirfd, EVENTS_FILE,
				      O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
	cleanup_free char *line = NULL;
	int len;

	log_debug("container \"%s\": %s %s", id, type, data_json ? data_json : "");
	if (fd < 0)
		return;
	len = asprintf(&line, "{\"type\":\"%s\",\"id\":\"%s\",\"data\":%s}\n", type, id,
		       data_json ? data_json : "{}");
	/* one write with O_APPEND: concurrent writers never interleave a line */
	if (len > 0)
		(void)!write(fd, line, len);
}

static int copy_out(int fd, bool *deleted)
{
	char buf[8192];
	ssize_t n;

	while ((n = read(fd, buf, sizeof(buf))) > 0) {
		fwrite(buf, 1, n, stdout);
		/* a line never spans two appends, so this is enough */
		if (memmem(buf, n, "\"type\":\"deleted\"", 16))
			*deleted = true;
	}
	fflush(stdout);
	return n < 0 ? -1 : 0;
}

int events_follow(const char *root, const char *id, bool follow, struct husk_err **err)
{
	struct state_dir sd;
	cleanup_close int fd = -1, in = -1;
	bool deleted = false;

	if (state_open(root, id, false, &sd, err) < 0)
		return -1;
	fd = openat(sd.fd, EVENTS_FILE, O_RDONLY | O_CREAT | O_CLOEXEC, 0600);
	if (fd >= 0 && follow) {
		in = inotify_init1(IN_CLOEXEC);
		if (in >= 0 && inotify_add_watch(in, sd.path, IN_MODIFY | IN_DELETE_SELF | IN_MOVE_SELF) < 0) {
			close(in);
			in = -1;
		}
	}
	state_close(&sd);
	if (fd < 0)
		return husk_syserr(err, "events: open the events of \"%s\"", id);
	if (follow && in < 0)
		return husk_syserr(err, "events: watch \"%s\"", id);
	while (copy_out(fd, &deleted) == 0 && follow && !deleted) {
		struct pollfd p = { .fd = in, .events = POLLIN };
		char ev[4096];
		bool gone = false;
		ssize_t n;

		if (poll(&p, 1, -1) < 0 && errno != EINTR)
			break;
		n = read(in, ev, sizeof(ev));
		for (char *q = ev; n > 0 && q < ev + n; ) {
			struct inotify_event *e = (struct inotify_event *)q;

			gone |= e->mask & (IN_DELETE_SELF | IN_MOVE_SELF | IN_IGNORED);
			q += sizeof(*e) + e->len;
		}
		if (gone) {
			copy_out(fd, &deleted);
			break;
		}
	}
	return 0;
}
