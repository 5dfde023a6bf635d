// SPDX-License-Identifier: GPL-2.0-only
/*
 * dma_profile.c - finding the profile for uio-sva dma: a path, a name in
 * the profile directory, or the profile there that matches the device.
 */
#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dma.h"

#define MSGS_SIZE 4096

static int load(struct cli *cli, const char *path, struct profile *p)
{
	struct prof_msgs m = { NULL, MSGS_SIZE, 0, 0 };
	int rc = RC_OK;

	m.buf = malloc(MSGS_SIZE);
	if (!m.buf) {
		cli_errorf(cli, "out of memory");
		return RC_FAIL;
	}
	m.buf[0] = '\0';
	if (profile_load(path, p, &m)) {
		fputs(m.buf, cli->err);
		cli_hintf(cli, "the format is in uio-sva(1), section PROFILES; "
			  "'uio-sva profile FILE' checks a file");
		rc = RC_USAGE;
	}
	free(m.buf);
	return rc;
}

static bool has_suffix(const char *s, const char *suffix)
{
	size_t a = strlen(s), b = strlen(suffix);

	return a > b && !strcmp(s + a - b, suffix);
}

/* The first *.profile in the profile directory that names the device. */
static int find_matching(struct cli *cli, uint16_t vendor, uint16_t device,
			 struct profile *p)
{
	char path[UIOSVA_PATH_MAX];
	struct dirent *de;
	DIR *d = opendir(cli->profile_dir);
	int found = 0;

	while (d && !found && (de = readdir(d))) {
		if (!has_suffix(de->d_name, ".profile"))
			continue;
		snprintf(path, sizeof(path), "%s/%s", cli->profile_dir,
			 de->d_name);
		found = !profile_load(path, p, NULL) && p->ndevices &&
			prof_matches(p, vendor, device);
	}
	if (d)
		closedir(d);
	if (found)
		return RC_OK;
	cli_errorf(cli, "no profile in %s is for device %04x:%04x",
		   cli->profile_dir, vendor, device);
	cli_hintf(cli, "write one for your device (uio-sva(1), PROFILES) and "
		  "pass --profile FILE");
	return RC_USAGE;
}

int dma_load_profile(struct cli *cli, const struct dma_opts *o,
		     const struct uiosva_info *info, struct profile *p)
{
	char path[UIOSVA_PATH_MAX];

	if (!o->profile)
		return find_matching(cli, info->vendor, info->device, p);
	if (strchr(o->profile, '/') || !access(o->profile, F_OK))
		return load(cli, o->profile, p);
	snprintf(path, sizeof(path), "%s/%s.profile", cli->profile_dir,
		 o->profile);
	if (!access(path, F_OK))
		return load(cli, path, p);
	cli_errorf(cli, "no profile '%s' (neither a file nor %s)", o->profile,
		   path);
	return RC_USAGE;
}
