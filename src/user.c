#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "husk/cleanup.h"
#include "husk/user.h"

/* name:passwd:uid:gid:gecos:home:shell */
static bool parse_passwd_line(char *line, struct user_entry *u)
{
	char *f[7];
	char *p = line;

	for (int i = 0; i < 7; i++) {
		f[i] = p;
		p = i < 6 ? strchr(p, ':') : NULL;
		if (i < 6 && !p)
			return false;
		if (p)
			*p++ = '\0';
	}
	f[6][strcspn(f[6], "\n")] = '\0';
	u->name = f[0];
	u->uid = strtoul(f[2], NULL, 10);
	u->gid = strtoul(f[3], NULL, 10);
	u->home = f[5];
	return true;
}

static bool find_user(const char *passwd, bool (*match)(const struct user_entry *, const void *),
		      const void *key, struct user_entry *out)
{
	cleanup_fclose FILE *f = fopen(passwd, "re");
	cleanup_free char *line = NULL;
	size_t cap = 0;

	memset(out, 0, sizeof(*out));
	while (f && getline(&line, &cap, f) > 0) {
		struct user_entry u;

		if (line[0] == '#' || !parse_passwd_line(line, &u) || !match(&u, key))
			continue;
		out->uid = u.uid;
		out->gid = u.gid;
		out->name = strdup(u.name);
		out->home = strdup(u.home);
		return out->name && out->home;
	}
	return false;
}

static bool match_uid(const struct user_entry *u, const void *key)
{
	return u->uid == *(const uid_t *)key;
}

static bool match_name(const struct user_entry *u, const void *key)
{
	return !strcmp(u->name, key);
}

bool user_by_uid(const char *passwd, uid_t uid, struct user_entry *u)
{
	return find_user(passwd, match_uid, &uid, u);
}

int user_by_name(const char *passwd, const char *name, struct user_entry *u,
		 struct husk_err **err)
{
	char *end;
	unsigned long n = strtoul(name, &end, 10);

	if (*name && !*end) {
		if (!user_by_uid(passwd, (uid_t)n, u)) {
			u->uid = (uid_t)n;
			u->gid = (gid_t)n;
		}
		return 0;
	}
	if (!find_user(passwd, match_name, name, u))
		return husk_error(err, 0, "user \"%s\" not found in the container's %s", name, passwd);
	return 0;
}

/* name:passwd:gid:member,member */
int user_groups(const char *group, const char *name, gid_t **gids, size_t *n)
{
	cleanup_fclose FILE *f = fopen(group, "re");
	cleanup_free char *line = NULL;
	size_t cap = 0;

	*gids = NULL;
	*n = 0;
	while (f && getline(&line, &cap, f) > 0) {
		char *fields[4], *p = line, *save = NULL;
		int i;

		for (i = 0; i < 4 && p; i++) {
			fields[i] = p;
			p = strchr(p, ':');
			if (p)
				*p++ = '\0';
		}
		if (i < 4)
			continue;
		fields[3][strcspn(fields[3], "\n")] = '\0';
		for (char *m = strtok_r(fields[3], ",", &save); m; m = strtok_r(NULL, ",", &save)) {
			if (strcmp(m, name))
				continue;
			gid_t *grown = realloc(*gids, (*n + 1) * sizeof(gid_t));

			if (!grown)
				return -1;
			*gids = grown;
			(*gids)[(*n)++] = strtoul(fields[2], NULL, 10);
		}
	}
	return 0;
}

void user_entry_free(struct user_entry *u)
{
	free(u->name);
	free(u->home);
	u->name = u->home = NULL;
}
