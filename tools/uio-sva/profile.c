// SPDX-License-Identifier: GPL-2.0-only
/*
 * profile.c - parsing device profiles.
 *
 * A profile is line based: "key = value" or "key name = value", '#'
 * starts a comment. See tools/profiles/uio-sva-testdev.profile and
 * uio-sva(1) for the keys.
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "opts.h"
#include "profile.h"

struct ctx {
	struct profile *p;
	struct prof_msgs *msgs;
	const char *file;
	int line;
};

static const char *const reg_names[REG_COUNT] = {
	[REG_ID] = "id",
	[REG_VERSION] = "version",
	[REG_PASID] = "pasid",
	[REG_SRC] = "src",
	[REG_DST] = "dst",
	[REG_LEN] = "len",
	[REG_PATTERN] = "pattern",
	[REG_OP] = "op",
	[REG_IRQ_ENABLE] = "irq_enable",
	[REG_DOORBELL] = "doorbell",
	[REG_STATUS] = "status",
	[REG_ERROR] = "error",
	[REG_IRQ_STATUS] = "irq_status",
	[REG_FAULT_ADDR] = "fault_addr",
	[REG_RESULT] = "result",
	[REG_COMPLETIONS] = "completions",
	[REG_CTRL] = "ctrl",
	[REG_PAGE_REQUESTS] = "page_requests",
};

static const char *const op_names[OP_COUNT] = { "fill", "copy", "checksum" };
static const char *const status_names[ST_COUNT] = { "busy", "done",
						    "error" };

const char *prof_reg_name(enum prof_reg reg)
{
	return reg < REG_COUNT ? reg_names[reg] : "?";
}

const char *prof_op_name(enum prof_op op)
{
	return op < OP_COUNT ? op_names[op] : "?";
}

static int find_name(const char *const *names, int n, const char *s)
{
	int i;

	for (i = 0; i < n; i++)
		if (!strcmp(names[i], s))
			return i;
	return -1;
}

int prof_op_parse(const char *name, enum prof_op *op)
{
	int i = find_name(op_names, OP_COUNT, name);

	if (i < 0)
		return -EINVAL;
	*op = (enum prof_op)i;
	return 0;
}

const struct prof_error *prof_find_error(const struct profile *p,
					 uint64_t code)
{
	int i;

	for (i = 0; i < p->nerrors; i++)
		if (p->errors[i].code == code)
			return &p->errors[i];
	return NULL;
}

bool prof_matches(const struct profile *p, uint16_t vendor, uint16_t device)
{
	int i;

	if (!p->ndevices)
		return true;
	for (i = 0; i < p->ndevices; i++)
		if (p->devices[i].vendor == vendor &&
		    p->devices[i].device == device)
			return true;
	return false;
}

static void msg_add(struct prof_msgs *m, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void msg_add(struct prof_msgs *m, const char *fmt, ...)
{
	va_list ap;
	int n;

	m->count++;
	if (!m->buf || m->len + 1 >= m->size)
		return;
	va_start(ap, fmt);
	n = vsnprintf(m->buf + m->len, m->size - m->len, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	m->len += (size_t)n;
	if (m->len >= m->size - 1) {
		m->len = m->size - 1;
		return;
	}
	m->buf[m->len++] = '\n';
	m->buf[m->len] = '\0';
}

static void complain(struct ctx *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void complain(struct ctx *c, const char *fmt, ...)
{
	char text[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	if (c->line)
		msg_add(c->msgs, "%s:%d: %s", c->file, c->line, text);
	else
		msg_add(c->msgs, "%s: %s", c->file, text);
}

static bool first_time(struct ctx *c, int *line, const char *what)
{
	if (*line) {
		complain(c, "duplicate '%s' (first on line %d)", what, *line);
		return false;
	}
	*line = c->line;
	return true;
}

static bool number(struct ctx *c, const char *s, uint64_t *v,
		   const char *what)
{
	if (!parse_u64(s, v))
		return true;
	complain(c, "%s: '%s' is not a number (decimal or 0x hex)", what, s);
	return false;
}

static void set_value(struct ctx *c, struct prof_value *pv, const char *key,
		      const char *value)
{
	uint64_t v;

	if (number(c, value, &v, key) && first_time(c, &pv->line, key))
		pv->value = v;
}

static void key_name(struct ctx *c, const char *value)
{
	if (c->p->name[0]) {
		complain(c, "duplicate 'name'");
		return;
	}
	if (strlen(value) >= sizeof(c->p->name)) {
		complain(c, "name: longer than %zu characters",
			 sizeof(c->p->name) - 1);
		return;
	}
	strcpy(c->p->name, value);
}

/* "1234:5356": vendor and device, hexadecimal. */
static void key_device(struct ctx *c, const char *value)
{
	unsigned long vendor, device;
	char *end;

	vendor = strtoul(value, &end, 16);
	if (end == value || *end != ':' || vendor > 0xffff)
		goto bad;
	value = end + 1;
	device = strtoul(value, &end, 16);
	if (end == value || *end || device > 0xffff)
		goto bad;
	if (c->p->ndevices == PROF_MAX_DEVICES) {
		complain(c, "device: more than %d devices", PROF_MAX_DEVICES);
		return;
	}
	c->p->devices[c->p->ndevices].vendor = (uint16_t)vendor;
	c->p->devices[c->p->ndevices].device = (uint16_t)device;
	c->p->ndevices++;
	return;
bad:
	complain(c, "device: expected VENDOR:DEVICE in hex, e.g. 1234:5356");
}

static void key_bar(struct ctx *c, const char *value)
{
	uint64_t v;

	if (!number(c, value, &v, "bar"))
		return;
	if (v > 5) {
		complain(c, "bar: %llu is not a BAR number (0 to 5)",
			 (unsigned long long)v);
		return;
	}
	if (first_time(c, &c->p->bar.line, "bar"))
		c->p->bar.value = v;
}

/* Split @value into at most @n words (modifies it); -1 for more. */
static int split_words(char *value, char **words, int n)
{
	int count = 0;
	char *s = value;

	while (*s) {
		while (isspace((unsigned char)*s))
			*s++ = '\0';
		if (!*s)
			break;
		if (count == n)
			return -1;
		words[count++] = s;
		while (*s && !isspace((unsigned char)*s))
			s++;
	}
	return count;
}

static void key_register(struct ctx *c, const char *name, char *value)
{
	int r = find_name(reg_names, REG_COUNT, name);
	struct prof_regdef *def;
	uint64_t off, bits;
	char *w[2];

	if (r < 0) {
		complain(c, "unknown register '%s' (known: id, version, pasid, "
			 "src, dst, len, pattern, op, irq_enable, doorbell, "
			 "status, error, irq_status, fault_addr, result, "
			 "completions, ctrl)", name);
		return;
	}
	if (split_words(value, w, 2) != 2) {
		complain(c, "register %s: expected OFFSET WIDTH, e.g. "
			 "0x010 32", name);
		return;
	}
	if (!number(c, w[0], &off, "register offset") ||
	    !number(c, w[1], &bits, "register width"))
		return;
	if (bits != 8 && bits != 16 && bits != 32 && bits != 64) {
		complain(c, "register %s: width %llu: use 8, 16, 32 or 64 "
			 "(bits)", name, (unsigned long long)bits);
		return;
	}
	if (off % (bits / 8)) {
		complain(c, "register %s: offset 0x%llx is not aligned to "
			 "its width (%llu bits)", name,
			 (unsigned long long)off, (unsigned long long)bits);
		return;
	}
	def = &c->p->regs[r];
	if (!first_time(c, &def->line, name))
		return;
	def->offset = off;
	def->width = (unsigned)(bits / 8);
}

static void key_op(struct ctx *c, const char *name, const char *value)
{
	int op = find_name(op_names, OP_COUNT, name);

	if (op < 0) {
		complain(c, "unknown op '%s' (known: fill, copy, checksum)",
			 name);
		return;
	}
	set_value(c, &c->p->ops[op], name, value);
}

static void key_status(struct ctx *c, const char *name, const char *value)
{
	int st = find_name(status_names, ST_COUNT, name);
	uint64_t v;

	if (st < 0) {
		complain(c, "unknown status bit '%s' (known: busy, done, "
			 "error)", name);
		return;
	}
	if (!number(c, value, &v, name))
		return;
	if (!v) {
		complain(c, "status %s: the mask is 0", name);
		return;
	}
	if (first_time(c, &c->p->status[st].line, name))
		c->p->status[st].value = v;
}

static bool identifier(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && *s != '_' && *s != '-')
			return false;
	return true;
}

/* "error 5 = TRANSLATION the IOMMU refused the address" */
static void key_error(struct ctx *c, const char *code, const char *value)
{
	struct prof_error *e;
	size_t len = strcspn(value, " \t");
	const char *desc = value + len;
	uint64_t v;

	if (!number(c, code, &v, "error code"))
		return;
	while (isspace((unsigned char)*desc))
		desc++;
	if (len >= PROF_NAME_MAX || strlen(desc) >= PROF_DESC_MAX) {
		complain(c, "error %s: name or description too long", code);
		return;
	}
	if (prof_find_error(c->p, v)) {
		complain(c, "duplicate 'error %s'", code);
		return;
	}
	if (c->p->nerrors == PROF_MAX_ERRORS) {
		complain(c, "more than %d error codes", PROF_MAX_ERRORS);
		return;
	}
	e = &c->p->errors[c->p->nerrors];
	memcpy(e->name, value, len);
	e->name[len] = '\0';
	if (!identifier(e->name)) {
		complain(c, "error %s: '%s' is not a name (letters, digits, "
			 "'_')", code, e->name);
		return;
	}
	strcpy(e->desc, desc);
	e->code = v;
	c->p->nerrors++;
}

static void key_expect(struct ctx *c, const char *name, const char *value)
{
	int r = find_name(reg_names, REG_COUNT, name);
	struct prof_expect *e;
	uint64_t v;

	if (r < 0) {
		complain(c, "expect: unknown register '%s'", name);
		return;
	}
	if (!number(c, value, &v, "expect"))
		return;
	if (c->p->nexpects == PROF_MAX_EXPECTS) {
		complain(c, "more than %d 'expect' lines", PROF_MAX_EXPECTS);
		return;
	}
	e = &c->p->expects[c->p->nexpects++];
	e->reg = (enum prof_reg)r;
	e->value = v;
	e->line = c->line;
}

static void key_checksum(struct ctx *c, const char *value)
{
	if (strcmp(value, "fnv1a64") != 0) {
		complain(c, "checksum: unsupported algorithm '%s' (supported: "
			 "fnv1a64)", value);
		return;
	}
	if (first_time(c, &c->p->checksum.line, "checksum"))
		c->p->checksum.value = 1;
}

static void key_max_len(struct ctx *c, const char *value)
{
	uint64_t v;

	if (parse_size(value, &v)) {
		complain(c, "max_len: '%s' is not a size (e.g. 1G)", value);
		return;
	}
	if (first_time(c, &c->p->max_len.line, "max_len"))
		c->p->max_len.value = v;
}

struct plain_key {
	const char *name;
	size_t field; /* offset of a struct prof_value in struct profile */
};

static const struct plain_key plain_keys[] = {
	{ "no_pasid", offsetof(struct profile, no_pasid) },
	{ "pasid_bits", offsetof(struct profile, pasid_bits) },
	{ "doorbell_value", offsetof(struct profile, doorbell_value) },
	{ "irq_enable_value", offsetof(struct profile, irq_enable_value) },
	{ "irq_ack_value", offsetof(struct profile, irq_ack_value) },
	{ "abort_value", offsetof(struct profile, abort_value) },
};

static bool plain_key(struct ctx *c, const char *key, const char *value)
{
	size_t i;

	for (i = 0; i < sizeof(plain_keys) / sizeof(plain_keys[0]); i++) {
		if (strcmp(key, plain_keys[i].name))
			continue;
		set_value(c, (struct prof_value *)((char *)c->p +
						   plain_keys[i].field),
			  key, value);
		return true;
	}
	return false;
}

static void one_word_key(struct ctx *c, const char *key, char *value)
{
	if (!strcmp(key, "name"))
		key_name(c, value);
	else if (!strcmp(key, "device"))
		key_device(c, value);
	else if (!strcmp(key, "bar"))
		key_bar(c, value);
	else if (!strcmp(key, "checksum"))
		key_checksum(c, value);
	else if (!strcmp(key, "max_len"))
		key_max_len(c, value);
	else if (!plain_key(c, key, value))
		complain(c, "unknown key '%s'", key);
}

static void two_word_key(struct ctx *c, const char *key, const char *arg,
			 char *value)
{
	if (!strcmp(key, "register"))
		key_register(c, arg, value);
	else if (!strcmp(key, "op"))
		key_op(c, arg, value);
	else if (!strcmp(key, "status"))
		key_status(c, arg, value);
	else if (!strcmp(key, "error"))
		key_error(c, arg, value);
	else if (!strcmp(key, "expect"))
		key_expect(c, arg, value);
	else
		complain(c, "unknown key '%s %s'", key, arg);
}

static char *trim(char *s)
{
	char *end;

	while (isspace((unsigned char)*s))
		s++;
	end = s + strlen(s);
	while (end > s && isspace((unsigned char)end[-1]))
		*--end = '\0';
	return s;
}

static void parse_line(struct ctx *c, char *line)
{
	char *hash = strchr(line, '#');
	char *eq, *key, *value, *w[2];
	int n;

	if (hash)
		*hash = '\0';
	line = trim(line);
	if (!*line)
		return;
	eq = strchr(line, '=');
	if (!eq) {
		complain(c, "expected 'key = value', got '%s'", line);
		return;
	}
	*eq = '\0';
	key = trim(line);
	value = trim(eq + 1);
	if (!*value) {
		complain(c, "'%s': missing value after '='", key);
		return;
	}
	if (!*key) {
		complain(c, "missing key before '='");
		return;
	}
	n = split_words(key, w, 2);
	if (n == 1)
		one_word_key(c, w[0], value);
	else if (n == 2)
		two_word_key(c, w[0], w[1], value);
	else
		complain(c, "'%s...': a key is one or two words", w[0]);
}

/* ---- checks once every line is read ---- */

static bool fits(uint64_t v, unsigned width)
{
	return width >= 8 || !(v >> (width * 8));
}

static void need_reg(struct ctx *c, enum prof_reg r, const char *why)
{
	if (!c->p->regs[r].line)
		complain(c, "%s needs 'register %s = OFFSET WIDTH'", why,
			 reg_names[r]);
}

static void check_fit(struct ctx *c, const struct prof_value *v,
		      enum prof_reg r, const char *what)
{
	const struct prof_regdef *d = &c->p->regs[r];

	if (!v->line || !d->line || fits(v->value, d->width))
		return;
	c->line = v->line;
	complain(c, "%s 0x%llx does not fit register %s (%u bits)", what,
		 (unsigned long long)v->value, reg_names[r], d->width * 8);
}

static void check_ops(struct ctx *c)
{
	static const enum prof_reg needs[OP_COUNT][2] = {
		[OP_FILL] = { REG_DST, REG_PATTERN },
		[OP_COPY] = { REG_SRC, REG_DST },
		[OP_CHECKSUM] = { REG_SRC, REG_RESULT },
	};
	struct profile *p = c->p;
	char why[32];
	int op, any = 0, i;

	for (op = 0; op < OP_COUNT; op++) {
		if (!p->ops[op].line)
			continue;
		any = 1;
		c->line = p->ops[op].line;
		snprintf(why, sizeof(why), "op %s", op_names[op]);
		for (i = 0; i < 2; i++)
			need_reg(c, needs[op][i], why);
		check_fit(c, &p->ops[op], REG_OP, why);
	}
	c->line = 0;
	if (!any)
		complain(c, "no 'op fill|copy|checksum = CODE' line: the "
			 "device can do nothing");
	if (p->ops[OP_CHECKSUM].line && p->regs[REG_RESULT].line &&
	    p->regs[REG_RESULT].width != 8) {
		c->line = p->regs[REG_RESULT].line;
		complain(c, "register result: fnv1a64 needs 64 bits");
	}
}

static void check_required(struct ctx *c)
{
	static const enum prof_reg required[] = { REG_PASID, REG_LEN, REG_OP,
						  REG_DOORBELL, REG_STATUS };
	struct profile *p = c->p;
	size_t i;

	c->line = 0;
	if (!p->bar.line)
		complain(c, "missing 'bar = N' (the BAR that holds the "
			 "registers)");
	for (i = 0; i < sizeof(required) / sizeof(required[0]); i++)
		need_reg(c, required[i], "the profile");
	if (!p->status[ST_DONE].line)
		complain(c, "missing 'status done = MASK'");
	if (!p->status[ST_ERROR].line)
		complain(c, "missing 'status error = MASK'");
	if (p->abort_value.line && !p->regs[REG_CTRL].line) {
		c->line = p->abort_value.line;
		need_reg(c, REG_CTRL, "abort_value");
	}
	if (p->pasid_bits.line &&
	    (p->pasid_bits.value < 1 || p->pasid_bits.value > 32)) {
		c->line = p->pasid_bits.line;
		complain(c, "pasid_bits: %llu is not 1 to 32",
			 (unsigned long long)p->pasid_bits.value);
	}
}

static void check_values(struct ctx *c)
{
	struct profile *p = c->p;
	int i;

	for (i = 0; i < ST_COUNT; i++)
		check_fit(c, &p->status[i], REG_STATUS, status_names[i]);
	check_fit(c, &p->doorbell_value, REG_DOORBELL, "doorbell_value");
	check_fit(c, &p->irq_enable_value, REG_IRQ_ENABLE,
		  "irq_enable_value");
	check_fit(c, &p->irq_ack_value, REG_IRQ_STATUS, "irq_ack_value");
	check_fit(c, &p->abort_value, REG_CTRL, "abort_value");
	check_fit(c, &p->no_pasid, REG_PASID, "no_pasid");
	for (i = 0; i < p->nexpects; i++) {
		struct prof_value v = { p->expects[i].line,
					p->expects[i].value };

		c->line = p->expects[i].line;
		need_reg(c, p->expects[i].reg, "expect");
		check_fit(c, &v, p->expects[i].reg, "expected value");
	}
}

/* Report a contradiction between lines @a and @b at the later one. */
static int later(struct ctx *c, int a, int b)
{
	c->line = a > b ? a : b;
	return a > b ? b : a;
}

/* Registers that share bytes, two ops with one code, status masks that
 * share bits: each would make the device do or mean something else. */
static void check_conflicts(struct ctx *c)
{
	const struct profile *p = c->p;
	int i, j, first;

	for (i = 0; i < REG_COUNT; i++) {
		const struct prof_regdef *a = &p->regs[i];

		for (j = i + 1; a->line && j < REG_COUNT; j++) {
			const struct prof_regdef *b = &p->regs[j];

			if (!b->line || a->offset >= b->offset + b->width ||
			    b->offset >= a->offset + a->width)
				continue;
			first = later(c, a->line, b->line);
			complain(c, "register %s overlaps register %s "
				 "(line %d)", reg_names[a->line > b->line ? i : j],
				 reg_names[a->line > b->line ? j : i], first);
		}
	}
	for (i = 0; i < OP_COUNT; i++)
		for (j = i + 1; p->ops[i].line && j < OP_COUNT; j++) {
			if (!p->ops[j].line ||
			    p->ops[i].value != p->ops[j].value)
				continue;
			first = later(c, p->ops[i].line, p->ops[j].line);
			complain(c, "ops %s and %s have the same code 0x%llx "
				 "(line %d)", op_names[i], op_names[j],
				 (unsigned long long)p->ops[i].value, first);
		}
	for (i = 0; i < ST_COUNT; i++)
		for (j = i + 1; p->status[i].line && j < ST_COUNT; j++) {
			uint64_t both = p->status[i].value & p->status[j].value;

			if (!p->status[j].line || !both)
				continue;
			first = later(c, p->status[i].line, p->status[j].line);
			complain(c, "status %s and %s share the bits 0x%llx "
				 "(line %d): a status could not tell them apart",
				 status_names[i], status_names[j],
				 (unsigned long long)both, first);
		}
	c->line = 0;
}

static void set_defaults(struct profile *p)
{
	if (!p->pasid_bits.line)
		p->pasid_bits.value = 20;
	if (!p->doorbell_value.line)
		p->doorbell_value.value = 1;
	if (!p->irq_enable_value.line)
		p->irq_enable_value.value = 1;
	if (!p->irq_ack_value.line)
		p->irq_ack_value.value = 1;
	if (!p->checksum.line)
		p->checksum.value = 1;
}

int profile_parse(const char *text, const char *file, struct profile *p,
		  struct prof_msgs *msgs)
{
	struct prof_msgs none = { NULL, 0, 0, 0 };
	const char *s = text;
	char line[512];
	struct ctx c;

	memset(p, 0, sizeof(*p));
	c.p = p;
	c.msgs = msgs ? msgs : &none;
	c.file = file;
	c.line = 0;
	while (*s) {
		size_t len = strcspn(s, "\n");

		c.line++;
		if (len >= sizeof(line))
			complain(&c, "line longer than %zu characters",
				 sizeof(line) - 1);
		else {
			memcpy(line, s, len);
			line[len] = '\0';
			parse_line(&c, line);
		}
		s += len;
		if (*s)
			s++;
	}
	check_required(&c);
	check_ops(&c);
	check_values(&c);
	check_conflicts(&c);
	set_defaults(p);
	return c.msgs->count;
}

int profile_load(const char *path, struct profile *p, struct prof_msgs *msgs)
{
	struct prof_msgs none = { NULL, 0, 0, 0 };
	char *text;
	long size;
	FILE *f;
	int ret;

	if (!msgs)
		msgs = &none;
	f = fopen(path, "r");
	if (!f) {
		msg_add(msgs, "%s: cannot open: %s", path, strerror(errno));
		return msgs->count;
	}
	if (fseek(f, 0, SEEK_END) || (size = ftell(f)) < 0 ||
	    size > 1024 * 1024 || fseek(f, 0, SEEK_SET)) {
		msg_add(msgs, "%s: cannot read (or larger than 1 MiB)", path);
		fclose(f);
		return msgs->count;
	}
	text = malloc((size_t)size + 1);
	if (!text || fread(text, 1, (size_t)size, f) != (size_t)size) {
		msg_add(msgs, "%s: cannot read: %s", path,
			text ? "short read" : "out of memory");
		free(text);
		fclose(f);
		return msgs->count;
	}
	fclose(f);
	text[size] = '\0';
	if (strlen(text) != (size_t)size) {
		free(text);
		msg_add(msgs, "%s: not a text file (contains NUL bytes)",
			path);
		return msgs->count;
	}
	ret = profile_parse(text, path, p, msgs);
	free(text);
	return ret;
}
