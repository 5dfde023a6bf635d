// SPDX-License-Identifier: GPL-2.0-only
/*
 * list_json.c - uio-sva list --json: one JSON document, format version 1
 * (documented in uio-sva(1), JSON OUTPUT). Fields are only ever added.
 */
#include <errno.h>
#include <string.h>

#include "cli.h"

/* A JSON string: quotes, backslashes and control characters escaped. */
static void json_str(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c < 0x20)
			fprintf(f, "\\u%04x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}

static void json_sva(FILE *f, const struct cli *cli, const char *bdf)
{
	struct uiosva_sva sva;

	fputs(",\"sva\":", f);
	if (uiosva_read_sva(&cli->cfg, bdf, &sva, NULL)) {
		fputs("null", f);
		return;
	}
	fputs("{\"status\":", f);
	json_str(f, sva.status);
	if (sva.pasid_errno)
		fputs(",\"pasid\":null", f);
	else
		fprintf(f, ",\"pasid\":%u", (unsigned)sva.pasid);
	if (sva.pid) {
		fprintf(f, ",\"pid\":%d,\"comm\":", (int)sva.pid);
		json_str(f, sva.comm);
	} else {
		fputs(",\"pid\":null,\"comm\":null", f);
	}
	fputc('}', f);
}

void list_json_device(struct cli *cli, const struct uiosva_info *info,
		      bool first)
{
	FILE *f = cli->out;
	int i;

	fputs(first ? "\n" : ",\n", f);
	fputs("{\"bdf\":", f);
	json_str(f, info->bdf);
	fprintf(f, ",\"vendor\":\"%04x\",\"device\":\"%04x\",\"driver\":",
		info->vendor, info->device);
	json_str(f, info->driver);
	if (info->uio[0]) {
		fputs(",\"uio\":", f);
		json_str(f, info->uio);
		fprintf(f, ",\"dev\":\"/dev/%s\"", info->uio);
	} else {
		fputs(",\"uio\":null,\"dev\":null", f);
	}
	json_sva(f, cli, info->bdf);
	fputs(",\"maps\":[", f);
	for (i = 0; i < info->nmaps; i++) {
		const struct uiosva_map *m = &info->maps[i];

		fprintf(f, "%s{\"index\":%d,\"bar\":%d,\"name\":", i ? "," : "",
			m->index, m->bar);
		json_str(f, m->name);
		fprintf(f, ",\"addr\":\"0x%llx\",\"size\":%llu}",
			(unsigned long long)m->addr,
			(unsigned long long)m->size);
	}
	fputs("],\"ports\":[", f);
	for (i = 0; i < info->nports; i++) {
		const struct uiosva_port *pt = &info->ports[i];

		fprintf(f, "%s{\"index\":%d,\"bar\":%d,\"name\":", i ? "," : "",
			pt->index, pt->bar);
		json_str(f, pt->name);
		fprintf(f, ",\"start\":\"0x%llx\",\"size\":%llu,\"type\":",
			(unsigned long long)pt->start,
			(unsigned long long)pt->size);
		json_str(f, pt->porttype);
		fputc('}', f);
	}
	fputs("]}", f);
}

void list_json_begin(struct cli *cli)
{
	fputs("{\"version\":1,\"devices\":[", cli->out);
}

void list_json_end(struct cli *cli)
{
	fputs("\n]}\n", cli->out);
}
