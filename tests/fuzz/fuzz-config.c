/* libFuzzer target: config.json (and an exec --process document) through
 * the oci layer: parse, validate, free. Any crash, leak or sanitizer report
 * is a bug; errors are the expected outcome for most inputs. */
#include <stddef.h>
#include <stdint.h>

#include "husk/oci.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *buf = (const char *)data;
	struct husk_err *err = NULL;
	struct oci_config *cfg;
	struct oci_process *p;

	cfg = oci_config_parse(buf, size, "config.json", &err);
	if (cfg) {
		oci_config_validate(cfg, "config.json", &err);
		for (int t = 0; t < OCI_NS_COUNT; t++)
			oci_config_namespace(cfg, t);
		oci_config_free(cfg);
	}
	husk_err_free(&err);

	/* the same text as a process object: a config's .process, or not */
	p = oci_process_parse(buf, size, "process.json", &err);
	if (p) {
		oci_process_validate(p, "process.json", &err);
		oci_process_free(p);
	}
	husk_err_free(&err);
	return 0;
}
