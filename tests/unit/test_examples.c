// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_examples.c - every uio-sva example of the man pages and
 * tools/README.md (extracted by examples.sh into UIOSVA_EXAMPLES at build
 * time) runs against a fake tree and exits 0. Each runs in a fresh tree
 * set up for its command: bind finds the test device without a driver;
 * unbind finds it bound by uio-sva bind; the others find it bound to
 * uio_pci_sva with PASID 5 and a fake device doing the DMA.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "clirun.h"
#include "fakedev.h"
#include "tap.h"

#define BDF "0000:00:03.0"

struct scene {
	struct fake f;
	struct tsys t;
	struct emu e;
	bool emu;
};

static int copy_profile(struct fake *f)
{
	char *text = NULL;
	size_t len = 0;
	FILE *in = fopen(UIOSVA_TOPDIR
			 "/tools/profiles/uio-sva-testdev.profile", "r");
	int ret;

	if (!in)
		return -1;
	text = calloc(1, 65536);
	len = text ? fread(text, 1, 65535, in) : 0;
	fclose(in);
	ret = len ? fake_write(f, "profiles/uio-sva-testdev.profile", text) : -1;
	free(text);
	return ret;
}

static int scene_init(struct scene *s, const char *cmd)
{
	struct run_result r;

	memset(s, 0, sizeof(*s));
	if (fake_init(&s->f) || copy_profile(&s->f))
		return -1;
	tsys_init(&s->t, &s->f);
	s->t.modprobe_works = true;
	if (!strcmp(cmd, "bind") || !strcmp(cmd, "unbind")) {
		if (fake_pci(&s->f, BDF, 0x1234, 0x5356, NULL))
			return -1;
		if (!strcmp(cmd, "bind"))
			return 0;
		r = cli_run(&s->t, "bind", BDF, (char *)NULL);
		run_free(&r);
		fake_kernel_step(&s->f);
		return r.rc;
	}
	if (fake_testdev(&s->f, BDF, "uio0") || emu_init(&s->e, &s->f) ||
	    fake_sva(&s->f, BDF, "bound", PASID, 1, "uio-sva"))
		return -1;
	s->emu = true;
	/* The fake /dev/uio0 is a file: no interrupts, uio-sva polls. */
	wrap_fail_irq_write(EIO);
	s->t.device_step = emu_step;
	s->t.device_arg = &s->e;
	return 0;
}

static void scene_free(struct scene *s)
{
	if (s->emu)
		munmap((void *)s->e.bar0, 4096);
	wrap_fail_irq_write(0);
	fake_cleanup(&s->f);
}

static void run_example(const char *where, char *line)
{
	struct scene *s = calloc(1, sizeof(*s));
	struct run_result r;
	char *args[48], *save = NULL, *w, *shown = strdup(line);
	int n = 0;

	for (w = strtok_r(line, " ", &save); w && n < 48;
	     w = strtok_r(NULL, " ", &save))
		args[n++] = w;
	if (!s || !n || scene_init(s, args[0])) {
		tap_ok(0, "%s: fake tree for '%s'", where, n ? args[0] : "");
		if (s)
			scene_free(s);
		free(s);
		free(shown);
		return;
	}
	r = cli_runv(&s->t, n, args);
	if (!tap_ok(r.rc == 0, "%s: uio-sva %s", where, shown ? shown : ""))
		tap_diag("rc %d\nout: %s\nerr: %s", r.rc, r.out, r.err);
	run_free(&r);
	scene_free(s);
	free(s);
	free(shown);
}

int main(void)
{
	FILE *in = fopen(UIOSVA_EXAMPLES, "r");
	char buf[1024], line[1024];
	int count = 0;

	if (!in) {
		tap_ok(0, "examples extracted into %s", UIOSVA_EXAMPLES);
		return tap_done();
	}
	while (fgets(buf, sizeof(buf), in)) {
		char *tab = strchr(buf, '\t');

		if (!tab)
			continue;
		*tab = '\0';
		tab[strcspn(tab + 1, "\n") + 1] = '\0';
		snprintf(line, sizeof(line), "%s", tab + 1);
		/* the command line is printed whole; run_example splits it */
		run_example(buf, line);
		count++;
	}
	fclose(in);
	tap_ok(count >= 5, "%d examples found", count);
	return tap_done();
}
