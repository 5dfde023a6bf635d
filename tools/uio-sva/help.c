// SPDX-License-Identifier: GPL-2.0-only
/*
 * help.c - the --help texts of uio-sva and its commands.
 */
#include <string.h>

#include "cli.h"

static const char main_help[] =
"Usage: uio-sva [GLOBAL OPTIONS] COMMAND [ARGS]\n"
"\n"
"Hand plain process memory to PCI devices bound to uio_pci_sva (Shared\n"
"Virtual Addressing through the IOMMU).\n"
"\n"
"Commands:\n"
"  bind BDF         bind a PCI device to uio_pci_sva (loads the module)\n"
"  unbind BDF       give the device back to its previous driver\n"
"  list [--json] [DEV...]\n"
"                   devices bound to uio_pci_sva: uio node, PASID, BARs\n"
"  dma DEV          run a DMA operation on malloc()ed memory, verify it\n"
"  profile FILE     check a device profile and show what it describes\n"
"  help [COMMAND]   this text, or the options of COMMAND\n"
"\n"
"DEV is a PCI address (0000:00:03.0 or 00:03.0), a UIO name (uio0) or a\n"
"device node (/dev/uio0); BDF is a PCI address.\n"
"\n"
"Global options (also accepted after the command):\n"
"      --sysfs DIR      sysfs root (default /sys)\n"
"      --dev DIR        device node directory (default /dev)\n"
"      --state-dir DIR  where bind records the previous driver\n"
"                       (default " UIOSVA_STATE_DIR ")\n"
"  -h, --help           this text\n"
"  -V, --version        print the version\n"
"\n"
"Exit status:\n"
"  0  success (dma: every operation completed and its data verified)\n"
"  1  failure: a system call failed, or refused without --force\n"
"  2  usage: bad command line or bad profile\n"
"  3  not set up: module not loaded, device missing or not bound\n"
"  4  SVA unavailable: open() of /dev/uioX refused, or no PASID\n"
"  5  the device ended an operation with an error\n"
"  6  timeout: the device did not complete in time\n"
"  7  mismatch: the device reported success but the data are wrong\n"
"\n"
"See uio-sva(1).\n";

static const char bind_help[] =
"Usage: uio-sva bind BDF [--module FILE] [--module-params PARAMS] [--force]\n"
"                        [--persist]\n"
"\n"
"Bind the PCI device BDF to uio_pci_sva through driver_override, as\n"
"driverctl and dpdk-devbind do: set driver_override, unbind the current\n"
"driver, ask the kernel to probe. The previous driver is recorded in\n"
"STATE-DIR/BDF so that 'unbind' restores it.\n"
"\n"
"When the driver is not registered, the module is loaded first: from\n"
"FILE with --module (like insmod; for systems without the module in\n"
"/lib/modules), else with 'modprobe " UIOSVA_MODULE "'.\n"
"\n"
"Options:\n"
"  -m, --module FILE           load the module from FILE\n"
"      --module-params PARAMS  module parameters, e.g.\n"
"                              'allow_unsafe_no_isolation=1'\n"
"  -f, --force                 take the device from a kernel driver\n"
"                              (other than vfio-pci, uio_pci_generic,\n"
"                              pci-stub)\n"
"      --persist               keep the binding across reboots with\n"
"                              driverctl (driverctl set-override)\n";

static const char unbind_help[] =
"Usage: uio-sva unbind BDF [--force] [--persist]\n"
"\n"
"Unbind BDF from uio_pci_sva, restore its driver_override and rebind the\n"
"driver recorded by 'bind' (none if it had none). Without a record the\n"
"kernel is asked to probe the device's default driver.\n"
"\n"
"Options:\n"
"  -f, --force   unbind even while a process has the device open\n"
"  --persist     also remove the driverctl override (unset-override)\n";

static const char list_help[] =
"Usage: uio-sva list [--json] [DEV...]\n"
"       uio-sva list --all\n"
"\n"
"Show the devices bound to uio_pci_sva (or only DEV...): PCI address,\n"
"uio node, vendor:device, sva_status, PASID or why there is none, the\n"
"process that bound (sva_pid, sva_comm), and the BARs the driver exposes.\n"
"\n"
"  --json    one JSON document (format version 1, see uio-sva(1))\n"
"  -a, --all every PCI function: PASID/ATS/PRI capabilities, IOMMU\n"
"            group, its size and domain type, driver, and whether SVA\n"
"            can work there (capabilities need root)\n";

static const char dma_help[] =
"Usage: uio-sva dma DEV [--profile FILE] [OPTIONS]\n"
"\n"
"Allocate a buffer in this process, open DEV (which binds this process's\n"
"address space), write the PASID and the buffer's virtual address into\n"
"the registers the profile names, ring the doorbell, wait for completion\n"
"and verify the data: fill (every byte), copy (destination equals\n"
"source) or checksum (device result equals the CPU's FNV-1a 64).\n"
"\n"
"Options:\n"
"  -p, --profile FILE    device profile; a name without '/' is also looked\n"
"                        up as " UIOSVA_PROFILEDIR "/NAME.profile;\n"
"                        default: the profile there that matches the\n"
"                        device's vendor:device\n"
"  -o, --op OP           fill (default), copy or checksum\n"
"  -s, --size BYTES      bytes per operation, suffixes K, M, G\n"
"                        (default 64K)\n"
"      --pattern VALUE   fill pattern: 0 to 0xff fills with that byte, a\n"
"                        larger value is 8 bytes little-endian\n"
"                        (default 0xa5)\n"
"      --seed N          seed of the pseudo-random source data of copy and\n"
"                        checksum (default 1)\n"
"  -b, --buffer KIND     malloc (default), mmap (a fresh anonymous\n"
"                        mapping), stack (a buffer on this process's\n"
"                        stack), and for negative tests: unmapped (an\n"
"                        address with nothing mapped), readonly (a\n"
"                        read-only mapping)\n"
"      --offset BYTES    place the data BYTES into the buffer (default 0)\n"
"      --no-touch        neither write nor read the buffers before the\n"
"                        operation: every page reaches the device by an I/O\n"
"                        page fault (source data are then what the fresh\n"
"                        buffer holds)\n"
"  -t, --timeout MS      wait at most MS milliseconds per operation\n"
"                        (default 10000)\n"
"      --poll            poll the status register instead of waiting for\n"
"                        the interrupt (used anyway when there is none)\n"
"  -n, --repeat N        run N operations, each with fresh buffers\n"
"      --pasid VALUE     write VALUE instead of the bound PASID; 'none'\n"
"                        writes the profile's no_pasid (negative tests)\n"
"      --expect-error NAME\n"
"                        succeed only when the device fails with the\n"
"                        profile's error NAME (negative tests)\n"
"  -q, --quiet           print nothing but errors\n"
"  -v, --verbose         print every register access\n"
"\n"
"Exit status 0 only when every operation's data were verified (or, with\n"
"--expect-error, every operation failed with that error); 5 on a device\n"
"error (its name and fault address are printed), 6 on a timeout, 7 on a\n"
"data mismatch; see 'uio-sva --help'.\n";

static const char profile_help[] =
"Usage: uio-sva profile FILE\n"
"\n"
"Parse a device profile, report each bad line with its line number, and\n"
"print the register map it describes. The format is described in\n"
"uio-sva(1), section PROFILES; " UIOSVA_PROFILEDIR "\n"
"has examples.\n";

struct help_entry {
	const char *cmd;
	const char *text;
};

static const struct help_entry helps[] = {
	{ "bind", bind_help }, { "unbind", unbind_help },
	{ "list", list_help }, { "dma", dma_help },
	{ "profile", profile_help },
};

void help_main(FILE *f)
{
	fputs(main_help, f);
}

int help_command(FILE *f, const char *cmd)
{
	size_t i;

	for (i = 0; i < sizeof(helps) / sizeof(helps[0]); i++) {
		if (!strcmp(helps[i].cmd, cmd)) {
			fputs(helps[i].text, f);
			return 0;
		}
	}
	return -1;
}
