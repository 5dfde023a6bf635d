// SPDX-License-Identifier: GPL-2.0-only
/*
 * main.c - uio-sva: see uio-sva(1) and 'uio-sva --help'.
 */
#include "cli.h"

int main(int argc, char **argv)
{
	struct cli cli;
	int rc;

	cli_init(&cli, stdout, stderr, &cli_real_sys);
	rc = cli_main(&cli, argc, argv);
	if (fflush(stdout) && rc == RC_OK)
		rc = RC_FAIL;
	return rc;
}
