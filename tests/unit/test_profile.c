// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_profile.c - the profile parser: the shipped profile, a minimal one,
 * and each kind of bad line with its line-numbered message.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fakesys.h"
#include "profile.h"
#include "tap.h"

/* Lines 1-11; a test appends lines from line 12 on. */
static const char minimal[] =
	"# minimal\n"
	"bar = 0\n"
	"register pasid = 0x10 32\n"
	"register dst = 0x20 64\n"
	"register len = 0x28 64\n"
	"register pattern = 0x30 64\n"
	"register op = 0x38 32\n"
	"register doorbell = 0x40 32\n"
	"register status = 0x44 32\n"
	"status done = 2\n"
	"status error = 4\n";

static int parse(const char *extra, struct profile *p, char *msgs,
		 size_t size)
{
	struct prof_msgs m = { msgs, size, 0, 0 };
	char text[4096];

	msgs[0] = '\0';
	snprintf(text, sizeof(text), "%sop fill = 1\n%s", minimal, extra);
	return profile_parse(text, "t.profile", p, &m);
}

static void good(const char *extra, const char *name)
{
	struct profile p;
	char msgs[2048];
	int n = parse(extra, &p, msgs, sizeof(msgs));

	if (!tap_is_int(n, 0, name))
		tap_diag("%s", msgs);
}

static void bad(const char *extra, const char *want)
{
	struct profile p;
	char msgs[2048];

	parse(extra, &p, msgs, sizeof(msgs));
	tap_contains(msgs, want, want);
}

static void test_shipped(void)
{
	struct prof_msgs m = { NULL, 0, 0, 0 };
	const struct prof_error *e;
	struct profile p;
	char msgs[4096];

	m.buf = msgs;
	m.size = sizeof(msgs);
	msgs[0] = '\0';
	if (!tap_is_int(profile_load(UIOSVA_TOPDIR
				     "/tools/profiles/uio-sva-testdev.profile",
				     &p, &m), 0, "shipped profile parses"))
		tap_diag("%s", msgs);
	tap_is_str(p.name, "uio-sva-testdev", "name");
	tap_ok(p.ndevices == 1 && p.devices[0].vendor == 0x1234 &&
	       p.devices[0].device == 0x5356, "device 1234:5356");
	tap_ok(prof_matches(&p, 0x1234, 0x5356) &&
	       !prof_matches(&p, 0x1234, 0x1111), "prof_matches");
	tap_is_int((long long)p.bar.value, 0, "bar 0");
	tap_ok(p.regs[REG_PASID].offset == 0x10 && p.regs[REG_PASID].width == 4,
	       "pasid at 0x10, 32 bits");
	tap_ok(p.regs[REG_SRC].offset == 0x18 && p.regs[REG_SRC].width == 8,
	       "src at 0x18, 64 bits");
	tap_ok(p.regs[REG_RESULT].offset == 0x58, "result at 0x58");
	tap_ok(p.ops[OP_FILL].value == 1 && p.ops[OP_COPY].value == 2 &&
	       p.ops[OP_CHECKSUM].value == 3, "op codes 1, 2, 3");
	tap_ok(p.status[ST_BUSY].value == 1 && p.status[ST_DONE].value == 2 &&
	       p.status[ST_ERROR].value == 4, "status bits");
	tap_ok(p.no_pasid.value == 0xffffffff && p.pasid_bits.value == 20,
	       "no_pasid, pasid_bits");
	tap_ok(p.max_len.value == 1u << 30, "max_len 1G");
	tap_ok(p.nexpects == 1 && p.expects[0].reg == REG_ID &&
	       p.expects[0].value == 0x53564131, "expect id");
	e = prof_find_error(&p, 5);
	tap_ok(e && !strcmp(e->name, "TRANSLATION") &&
	       strstr(e->desc, "IOMMU"), "error 5 is TRANSLATION, described");
	tap_ok(p.nerrors == 13 && !prof_find_error(&p, 99), "13 error codes");
	tap_ok(p.abort_value.value == 1 && p.regs[REG_CTRL].line,
	       "abort through ctrl");
}

static void test_defaults(void)
{
	struct profile p;
	char msgs[1024];

	tap_is_int(parse("", &p, msgs, sizeof(msgs)), 0, "minimal profile");
	tap_ok(p.doorbell_value.value == 1 && p.irq_enable_value.value == 1 &&
	       p.irq_ack_value.value == 1 && p.pasid_bits.value == 20 &&
	       p.checksum.value == 1 && !p.max_len.value && !p.ndevices,
	       "defaults");
	tap_ok(prof_matches(&p, 0xabcd, 0x1234), "no device line: any device");
}

static void test_good_variants(void)
{
	good("  name   =  spaced   out  # trailing comment\n", "spaces");
	good("device = 8086:0b25\ndevice = 8086:11fb\n", "two devices");
	good("register src = 0x18 64\nregister result = 0x58 64\n"
	     "op copy = 2\nop checksum = 3\n", "all ops");
	good("error 5 = TRANSLATION\n", "error without description");
	good("max_len = 2M\n", "max_len with suffix");
	good("register ctrl = 0x64 32\nabort_value = 1\n", "abort");
	good("\r\n", "blank line with CR");
}

static void test_bad_lines(void)
{
	bad("bogus = 1\n", "t.profile:13: unknown key 'bogus'");
	bad("no equals sign\n", "t.profile:13: expected 'key = value'");
	bad("name =\n", "t.profile:13: 'name': missing value");
	bad("= 5\n", "t.profile:13: missing key before '='");
	bad("a b c = 1\n", "t.profile:13: 'a...': a key is one or two words");
	bad("bar = 7\n", "t.profile:13: bar: 7 is not a BAR number");
	bad("bar = 1\n", "t.profile:13: duplicate 'bar' (first on line 2)");
	bad("bar = x\n", "t.profile:13: bar: 'x' is not a number");
	bad("register foo = 0x0 32\n", "t.profile:13: unknown register 'foo'");
	bad("register src = 0x18\n", "t.profile:13: register src: expected "
	    "OFFSET WIDTH");
	bad("register src = 0x18 24\n", "t.profile:13: register src: width "
	    "24: use 8, 16, 32 or 64");
	bad("register src = 0x1c 64\n", "t.profile:13: register src: offset "
	    "0x1c is not aligned");
	bad("register pasid = 0x14 32\n", "t.profile:13: duplicate 'pasid' "
	    "(first on line 3)");
	bad("device = 1234\n", "t.profile:13: device: expected VENDOR:DEVICE");
	bad("device = 12345:1\n", "t.profile:13: device: expected");
	bad("op frob = 4\n", "t.profile:13: unknown op 'frob'");
	bad("op fill = 2\n", "t.profile:13: duplicate 'fill' (first on line "
	    "12)");
	bad("status busy = 0\n", "t.profile:13: status busy: the mask is 0");
	bad("status idle = 1\n", "t.profile:13: unknown status bit 'idle'");
	bad("error 5 = BAD!NAME\n", "t.profile:13: error 5: 'BAD!NAME' is "
	    "not a name");
	bad("error 5 = A\nerror 5 = B\n", "t.profile:14: duplicate 'error 5'");
	bad("error x = A\n", "t.profile:13: error code: 'x' is not a number");
	bad("expect foo = 1\n", "t.profile:13: expect: unknown register");
	bad("expect id = 1\n", "t.profile:13: expect needs 'register id");
	bad("checksum = crc32\n", "t.profile:13: checksum: unsupported "
	    "algorithm 'crc32'");
	bad("max_len = lots\n", "t.profile:13: max_len: 'lots' is not a size");
	bad("pasid_bits = 33\n", "t.profile:13: pasid_bits: 33 is not 1 to 32");
	bad("abort_value = 1\n", "t.profile:13: abort_value needs 'register "
	    "ctrl");
	bad("op copy = 2\n", "t.profile:13: op copy needs 'register src");
	bad("op checksum = 3\n", "t.profile:13: op checksum needs 'register "
	    "result");
	bad("register src = 0x18 64\nregister result = 0x58 32\n"
	    "op checksum = 3\n", "t.profile:14: register result: fnv1a64 "
	    "needs 64 bits");
	bad("op copy = 0x100000000\nregister src = 0x18 64\n",
	    "t.profile:13: op copy 0x100000000 does not fit register op");
	bad("no_pasid = 0x100000000\n", "t.profile:13: no_pasid 0x100000000 "
	    "does not fit register pasid (32 bits)");
	bad("register irq_enable = 0x3c 8\nirq_enable_value = 0x100\n",
	    "t.profile:14: irq_enable_value 0x100 does not fit");
}

/* Lines that are each valid but contradict another line. */
static void test_contradictions(void)
{
	bad("register src = 0x20 64\n", "t.profile:13: register src overlaps "
	    "register dst (line 4)");
	bad("register ctrl = 0x2c 32\n", "t.profile:13: register ctrl "
	    "overlaps register len (line 5)");
	bad("register irq_status = 0x47 8\n", "t.profile:13: register "
	    "irq_status overlaps register status (line 9)");
	bad("register src = 0x18 64\nop copy = 1\n", "t.profile:14: ops fill "
	    "and copy have the same code 0x1 (line 12)");
	bad("status busy = 2\n", "t.profile:13: status busy and done share "
	    "the bits 0x2 (line 10)");
	bad("status busy = 0xc\n", "t.profile:13: status busy and error "
	    "share the bits 0x4 (line 11)");
	good("register src = 0x18 64\nregister ctrl = 0x64 32\n"
	     "register id = 0x0 8\nregister version = 0x1 8\n",
	     "adjacent registers do not overlap");
	good("register src = 0x18 64\nop copy = 2\nstatus busy = 1\n",
	     "distinct op codes and status bits");
}

static void test_missing(void)
{
	struct prof_msgs m = { NULL, 0, 0, 0 };
	struct profile p;
	char msgs[2048];
	int n;

	m.buf = msgs;
	m.size = sizeof(msgs);
	n = profile_parse("# nothing\n", "empty", &p, &m);
	tap_ok(n >= 8, "empty profile: %d problems", n);
	tap_contains(msgs, "empty: missing 'bar = N'", "missing bar");
	tap_contains(msgs, "empty: the profile needs 'register pasid = OFFSET "
		     "WIDTH'", "missing pasid register");
	tap_contains(msgs, "empty: missing 'status done = MASK'",
		     "missing done bit");
	tap_contains(msgs, "empty: no 'op fill|copy|checksum = CODE' line",
		     "missing op");
}

static void test_files(void)
{
	struct prof_msgs m = { NULL, 0, 0, 0 };
	struct profile p;
	char msgs[512], path[PATH_MAX];
	struct fake f;
	FILE *fp;

	m.buf = msgs;
	m.size = sizeof(msgs);
	msgs[0] = '\0';
	tap_is_int(profile_load("/nonexistent/x.profile", &p, &m), 1,
		   "missing file: one problem");
	tap_contains(msgs, "/nonexistent/x.profile: cannot open",
		     "missing file message");
	if (fake_init(&f))
		return;
	snprintf(path, sizeof(path), "%s/nul.profile", f.root);
	fp = fopen(path, "w");
	if (fp) {
		fwrite("bar = 0\n\0\n", 1, 10, fp);
		fclose(fp);
	}
	m.len = 0;
	m.count = 0;
	tap_is_int(profile_load(path, &p, &m), 1, "NUL bytes: one problem");
	tap_contains(msgs, "not a text file", "NUL bytes message");
	fake_cleanup(&f);
}

static void test_long_line(void)
{
	struct profile p;
	char msgs[1024], extra[700];

	memset(extra, 'x', sizeof(extra) - 2);
	extra[sizeof(extra) - 2] = '\n';
	extra[sizeof(extra) - 1] = '\0';
	parse(extra, &p, msgs, sizeof(msgs));
	tap_contains(msgs, "t.profile:13: line longer than", "long line");
}

int main(void)
{
	test_shipped();
	test_defaults();
	test_good_variants();
	test_bad_lines();
	test_contradictions();
	test_missing();
	test_files();
	test_long_line();
	return tap_done();
}
