/* Users and groups of the container, read from its own /etc/passwd and
 * /etc/group (never NSS: the host's databases are not the container's). */
#ifndef HUSK_USER_H
#define HUSK_USER_H

#include <stdbool.h>
#include <sys/types.h>

#include "husk/error.h"

struct user_entry {
	uid_t uid;
	gid_t gid;
	char *name;
	char *home;
};

/* Look uid up in PASSWD (a path); false when absent. */
bool user_by_uid(const char *passwd, uid_t uid, struct user_entry *u);
/* Look a name or a number up: "daemon", "1000". */
int user_by_name(const char *passwd, const char *name, struct user_entry *u,
		 struct husk_err **err);
/* Gids of the groups in GROUP that list user `name` as a member. */
int user_groups(const char *group, const char *name, gid_t **gids, size_t *n);
void user_entry_free(struct user_entry *u);

#endif
