/* libFuzzer target: the state.json reader (state_parse, the pure half of
 * state_read). A state file is written by husk, but a full disk, a crash
 * or a hand edit can leave anything there, and list, state and delete
 * --force must survive whatever they find. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "husk/state.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1);	/* state_read hands over a terminated text */
	struct container_state st;
	struct husk_err *err = NULL;

	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	if (state_parse(text, size, &st, &err) == 0) {
		/* what list and state do with a parsed state */
		for (size_t i = 0; i < st.annotations.n; i++)
			(void)strlen(st.annotations.v[i].key);
		state_free(&st);
	} else if (!err || !err->msg || st.id) {
		abort();	/* a failure must say why and leave nothing */
	}
	husk_err_free(&err);
	free(text);
	return 0;
}
