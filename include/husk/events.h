/* Lifecycle events of a container, as JSON lines in its state directory
 * (events.jsonl), in the envelope runc uses for stats:
 *   {"type":"started","id":"ID","data":{...}}
 * Each command appends what it did; `husk events ID` follows the file. */
#ifndef HUSK_EVENTS_H
#define HUSK_EVENTS_H

#include <stdbool.h>

#include "husk/error.h"

#define EVENTS_FILE "events.jsonl"

/* Append an event; data_json is a JSON object text or NULL for {}.
 * Best effort: an event that cannot be written is not an error of the
 * operation it reports. */
void events_append(int state_dirfd, const char *id, const char *type, const char *data_json);
/* Print the events so far and, with follow, those to come until the
 * container is deleted. */
int events_follow(const char *root, const char *id, bool follow, struct husk_err **err);

#endif
