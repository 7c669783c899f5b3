// SPDX-License-Identifier: GPL-2.0
/*
 * bpf_kasan_bugzoo: run the proofs of concept of historical verifier bugs
 * (bugzoo/NN-name/poc.c) and judge what BPF KASAN makes of them.
 *
 *   bpf_kasan_bugzoo [--expect-rejected] [-v] [NAME...]
 *
 * On a kernel with the bugs re-introduced (make bugzoo), each PoC must
 * load, and then:
 *
 *   off      kernel.bpf_kasan=0: the run returns the canary it stored out
 *            of bounds and read back, and nothing is reported: the bad
 *            accesses happen, silently;
 *   inline   kernel.bpf_kasan=1,
 *   outline  kernel.bpf_kasan=2: each access the PoC marks with bz_bad()
 *            is reported once, as "BUG: KASAN: ..." in the program, with
 *            the right instruction, size, direction and source line, and
 *            nothing else is.
 *
 * With --expect-rejected (a kernel with the fixes: pristine 7.2 plus the
 * BPF KASAN series), each PoC must be rejected by the verifier.
 *
 * Prints one line per PoC and column, "bugzoo: NAME COLUMN ok|FAIL what",
 * then "Summary: P PASSED, 0 SKIPPED, F FAILED"; exits 1 on any failure.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include "bugzoo.h"
#include "pocs.h"

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#define LOG_SIZE	(1024 * 1024)

static const struct bz_poc *const pocs[] = { BZ_POCS };

static bool verbose;
static int saved_mode = -1;	/* kernel.bpf_kasan before the run */
static int passed, failed;

int bz_emit(struct bz_prog *b, const struct bpf_insn *in, int n, const char *file, int line,
	    const char *text)
{
	int i, at = b->cnt;

	if (b->cnt + n > BZ_MAX_INSNS) {
		fprintf(stderr, "bugzoo: PoC longer than %d insns\n", BZ_MAX_INSNS);
		exit(2);
	}
	for (i = 0; i < n; i++) {
		b->insns[b->cnt] = in[i];
		b->file[b->cnt] = file;
		b->line[b->cnt] = line;
		b->text[b->cnt] = i ? NULL : text;
		b->cnt++;
	}
	return at;
}

static void mark(struct bz_prog *b, int insn, int size, bool write, bool covered)
{
	if (b->nbad == BZ_MAX_BAD) {
		fprintf(stderr, "bugzoo: more than %d bad accesses\n", BZ_MAX_BAD);
		exit(2);
	}
	b->bad[b->nbad++] = (struct bz_bad){
		.insn = insn, .size = size, .write = write, .covered = covered,
	};
}

void bz_bad(struct bz_prog *b, int insn, int size, bool write)
{
	mark(b, insn, size, write, false);
}

void bz_covered(struct bz_prog *b, int insn, int size, bool write)
{
	mark(b, insn, size, write, true);
}

static int write_sysctl(const char *path, int val)
{
	char buf[16];
	int fd, n, err = 0;

	fd = open(path, O_WRONLY);
	if (fd < 0)
		return -errno;
	n = snprintf(buf, sizeof(buf), "%d", val);
	if (write(fd, buf, n) != n)
		err = -errno;
	close(fd);
	return err;
}

static int read_sysctl(const char *path)
{
	char buf[16] = "";
	int fd = open(path, O_RDONLY), n;

	if (fd < 0)
		return -errno;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	return n > 0 ? atoi(buf) : -EINVAL;
}

/*
 * The victim element's size: the kmalloc'ed struct bpf_array plus one
 * element must end at least 16 bytes (two granules) before the end of its
 * kmalloc bucket, so that the 16 bytes past the element are KASAN's
 * kmalloc redzone: poisoned, and no other object's. The power-of-two
 * bucket is used; with the element sized this way the object is more than
 * 3/4 of it, so the 96- and 192-byte caches never apply.
 */
static int victim_size(void)
{
	struct btf *vmlinux = btf__load_vmlinux_btf();
	int id, hdr, bucket = 128, vsz;

	if (!vmlinux) {
		fprintf(stderr, "bugzoo: no vmlinux BTF\n");
		exit(2);
	}
	id = btf__find_by_name_kind(vmlinux, "bpf_array", BTF_KIND_STRUCT);
	hdr = id > 0 ? btf__resolve_size(vmlinux, id) : -1;
	btf__free(vmlinux);
	if (hdr <= 0) {
		fprintf(stderr, "bugzoo: no struct bpf_array in vmlinux BTF\n");
		exit(2);
	}
	while (bucket < hdr + 64 + 32)
		bucket *= 2;
	vsz = (bucket - hdr - 32) & ~7;
	if (verbose)
		printf("struct bpf_array: %d bytes; victim element %d bytes, in kmalloc-%d\n",
		       hdr, vsz, bucket);
	return vsz;
}

struct maps {
	int fd[BZ_NR_MAPS];
};

static int maps_create(const struct bz_prog *b, struct maps *m)
{
	__u32 key = 0;

	m->fd[BZ_MAP_VICTIM] = bpf_map_create(BPF_MAP_TYPE_ARRAY, "bz_victim", 4, b->vsz, 1, NULL);
	m->fd[BZ_MAP_INPUT] = bpf_map_create(BPF_MAP_TYPE_ARRAY, "bz_input", 4,
					     sizeof(b->input), 1, NULL);
	m->fd[BZ_MAP_RINGBUF] = bpf_map_create(BPF_MAP_TYPE_RINGBUF, "bz_ringbuf", 0, 0, 4096,
					       NULL);
	if (m->fd[BZ_MAP_VICTIM] < 0 || m->fd[BZ_MAP_INPUT] < 0 || m->fd[BZ_MAP_RINGBUF] < 0)
		return -errno;
	if (bpf_map_update_elem(m->fd[BZ_MAP_INPUT], &key, b->input, 0))
		return -errno;
	return 0;
}

static void maps_close(struct maps *m)
{
	int i;

	for (i = 0; i < BZ_NR_MAPS; i++)
		if (m->fd[i] >= 0)
			close(m->fd[i]);
}

/* BTF with one function and a line_info record per instruction. */
struct bz_btf {
	struct btf *btf;
	struct bpf_func_info fi;
	struct bpf_line_info li[BZ_MAX_INSNS];
	int nli;
};

static int make_btf(const struct bz_poc *poc, const struct bz_prog *b, struct bz_btf *t)
{
	int int_id, proto, fid, i;

	memset(t, 0, sizeof(*t));
	t->btf = btf__new_empty();
	if (!t->btf)
		return -ENOMEM;
	int_id = btf__add_int(t->btf, "int", 4, BTF_INT_SIGNED);
	proto = btf__add_func_proto(t->btf, int_id);
	btf__add_func_param(t->btf, "ctx", int_id);
	fid = btf__add_func(t->btf, poc->name, BTF_FUNC_GLOBAL, proto);
	if (int_id < 0 || proto < 0 || fid < 0)
		return -EINVAL;
	t->fi.insn_off = 0;
	t->fi.type_id = fid;
	for (i = 0; i < b->cnt; i++) {
		char text[256];

		if (!b->text[i])	/* second half of a ld_imm64 */
			continue;
		snprintf(text, sizeof(text), "%s", b->text[i]);
		t->li[t->nli].insn_off = i;
		t->li[t->nli].file_name_off = btf__add_str(t->btf, b->file[i]);
		t->li[t->nli].line_off = btf__add_str(t->btf, text);
		t->li[t->nli].line_col = b->line[i] << 10;
		t->nli++;
	}
	return btf__load_into_kernel(t->btf) ? -errno : 0;
}

/* Reports: what /dev/kmsg printed during a run. */
struct report {
	char kind[64];		/* slab-out-of-bounds, ... */
	char where[128];	/* bpf_prog_<tag>_<name>+0x... */
	bool write;
	int size, insn;
	int line;		/* source line, 0: none */
};

#define MAX_REPORTS	8

static int kmsg_open(void)
{
	int fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK);

	if (fd >= 0)
		lseek(fd, 0, SEEK_END);
	return fd;
}

/* Parse the records since kmsg_open(); returns the number of reports. */
static int kmsg_reports(int fd, struct report *r, int max, const char *name)
{
	char rec[8192], prog[64];
	int n = 0, cur = -1;
	ssize_t len;

	while ((len = read(fd, rec, sizeof(rec) - 1)) > 0 || (len < 0 && errno == EPIPE)) {
		char *msg, *nl, rw[8];
		int size, insn, line;

		if (len < 0)
			continue;
		rec[len] = 0;
		msg = strchr(rec, ';');
		if (!msg)
			continue;
		msg++;
		nl = strchr(msg, '\n');
		if (nl)
			*nl = 0;
		if (!strncmp(msg, "BUG: KASAN: ", 12)) {
			if (n == max)
				break;
			cur = n++;
			memset(&r[cur], 0, sizeof(r[cur]));
				r[cur].insn = -1;
			if (sscanf(msg + 12, "%63s in %127s", r[cur].kind, r[cur].where) != 2)
				snprintf(r[cur].kind, sizeof(r[cur].kind), "(unparsed)");
		} else if (cur >= 0 &&
			   sscanf(msg, "bpf_kasan: %7s of size %d by BPF program %63[^,], insn %d",
				  rw, &size, prog, &insn) == 4 && !strcmp(prog, name)) {
			r[cur].write = !strcmp(rw, "write");
			r[cur].size = size;
			r[cur].insn = insn;
		} else if (cur >= 0 && sscanf(msg, "bpf_kasan: at %*[^:]:%d:", &line) == 1) {
			r[cur].line = line;
		}
		if (verbose && (cur >= 0 || strstr(msg, "KASAN")))
			printf("  kmsg: %s\n", msg);
	}
	return n;
}

enum col { C_REJECTED, C_OFF, C_INLINE, C_OUTLINE };
static const char *const col_names[] = { "pristine", "off", "inline", "outline" };

static void verdict(const struct bz_poc *poc, enum col c, bool ok, const char *fmt, ...)
{
	va_list ap;

	printf("bugzoo: %s %s %s ", poc->name, col_names[c], ok ? "ok" : "FAIL");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	if (ok)
		passed++;
	else
		failed++;
}

static const char *last_line(const char *log, char *buf, size_t sz)
{
	const char *end = log + strlen(log), *start;
	size_t n;

	while (end > log && (end[-1] == '\n' || end[-1] == ' '))
		end--;
	/* skip the statistics lines */
	for (;;) {
		start = end;
		while (start > log && start[-1] != '\n')
			start--;
		if (start == log || (strncmp(start, "processed ", 10) &&
				     strncmp(start, "verification time", 17) &&
				     strncmp(start, "stack depth", 11) &&
				     strncmp(start, "insns processed", 15)))
			break;
		end = start - 1;
	}
	n = end - start < (long)sz - 1 ? (size_t)(end - start) : sz - 1;
	memcpy(buf, start, n);
	buf[n] = 0;
	return buf;
}

/* Does report @r match bad access @bad of @b? */
static bool matches(const struct bz_prog *b, const struct report *r, const struct bz_bad *bad)
{
	return r->insn == bad->insn && r->size == bad->size && r->write == bad->write &&
	       r->line == b->line[bad->insn] && strstr(r->where, "bpf_prog_");
}

static void run_poc(const struct bz_poc *poc, int vsz, bool expect_rejected)
{
	static const enum col cols[] = { C_OFF, C_INLINE, C_OUTLINE };
	char *log = calloc(LOG_SIZE, 1), buf[256];
	int k;

	if (!log)
		exit(2);
	for (k = 0; k < (expect_rejected ? 1 : (int)ARRAY_SIZE(cols)); k++) {
		enum col c = expect_rejected ? C_REJECTED : cols[k];
		LIBBPF_OPTS(bpf_prog_load_opts, o);
		LIBBPF_OPTS(bpf_test_run_opts, t);
		struct report rep[MAX_REPORTS];
		struct bz_prog b = { .vsz = vsz };
		struct bz_btf btf = {};
		struct maps m = { .fd = { -1, -1, -1 } };
		__u8 pkt[64] = { [12] = 0x08, [14] = 0x45 };	/* IPv4 */
		int prog, kmsg, nrep, checked, i, j, err;
		bool ok;

		poc->emit(&b);
		err = write_sysctl("/proc/sys/kernel/bpf_kasan", c == C_OUTLINE ? 2 :
				   c == C_INLINE ? 1 : 0);
		if (err) {
			verdict(poc, c, false, "cannot set kernel.bpf_kasan: %s", strerror(-err));
			goto next;
		}
		err = maps_create(&b, &m);
		if (!err)
			err = make_btf(poc, &b, &btf);
		if (err) {
			verdict(poc, c, false, "cannot create maps or BTF: %s", strerror(-err));
			goto next;
		}
		o.fd_array = m.fd;
		o.log_buf = log;
		o.log_size = LOG_SIZE;
		o.log_level = 1;
		o.prog_btf_fd = btf__fd(btf.btf);
		o.func_info = &btf.fi;
		o.func_info_cnt = 1;
		o.func_info_rec_size = sizeof(btf.fi);
		o.line_info = btf.li;
		o.line_info_cnt = btf.nli;
		o.line_info_rec_size = sizeof(btf.li[0]);
		log[0] = 0;
		prog = bpf_prog_load(poc->type, poc->name, "GPL", b.insns, b.cnt, &o);
		if (prog < 0) {
			last_line(log, buf, sizeof(buf));
			if (verbose)
				printf("%s", log);
			verdict(poc, c, c == C_REJECTED, "rejected: %s", buf);
			goto next;
		}
		if (c == C_REJECTED) {
			verdict(poc, c, false, "loaded: the verifier has the bug");
			close(prog);
			goto next;
		}
		kmsg = kmsg_open();
		t.data_in = pkt;
		t.data_size_in = sizeof(pkt);
		t.repeat = 1;
		err = bpf_prog_test_run_opts(prog, &t);
		nrep = kmsg >= 0 ? kmsg_reports(kmsg, rep, MAX_REPORTS, poc->name) : 0;
		if (kmsg >= 0)
			close(kmsg);
		close(prog);
		if (err) {
			verdict(poc, c, false, "BPF_PROG_TEST_RUN: %s", strerror(errno));
			goto next;
		}
		if (c == C_OFF) {
			ok = t.retval == BZ_CANARY_RET && nrep == 0;
			verdict(poc, c, ok, "%s, %d reports (returned 0x%x)",
				t.retval == BZ_CANARY_RET ?
				"canary stored and read back out of bounds" : "no canary",
				nrep, t.retval);
			goto next;
		}
		/* each bz_bad() access reported once, nothing else */
		checked = 0;
		for (i = 0; i < b.nbad; i++)
			checked += !b.bad[i].covered;
		ok = nrep == checked;
		for (i = 0; i < b.nbad && ok; i++) {
			int hits = 0;

			for (j = 0; j < nrep; j++)
				hits += matches(&b, &rep[j], &b.bad[i]);
			ok = hits == !b.bad[i].covered;
		}
		if (ok) {
			char more[128] = "";

			for (i = 0; i < b.nbad; i++)
				if (b.bad[i].insn != rep[0].insn)
					snprintf(more + strlen(more), sizeof(more) - strlen(more),
						 ", %s at insn %d %s",
						 b.bad[i].write ? "write" : "read", b.bad[i].insn,
						 b.bad[i].covered ? "covered by that check" :
						 "reported");
			verdict(poc, c, true, "%s %s of size %d at insn %d (line %d)%s",
				rep[0].kind, rep[0].write ? "write" : "read", rep[0].size,
				rep[0].insn, rep[0].line, more);
		} else {
			verdict(poc, c, false, "%d reports for %d checked bad accesses", nrep,
				checked);
			for (j = 0; j < nrep; j++)
				printf("  report %d: %s in %s, %s of size %d, insn %d, line %d\n",
				       j, rep[j].kind, rep[j].where,
				       rep[j].write ? "write" : "read", rep[j].size, rep[j].insn,
				       rep[j].line);
			for (i = 0; i < b.nbad; i++)
				printf("  expected: %s of size %d at insn %d, line %d%s\n",
				       b.bad[i].write ? "write" : "read", b.bad[i].size,
				       b.bad[i].insn, b.line[b.bad[i].insn],
				       b.bad[i].covered ? ", no report (covered)" : "");
		}
next:
		btf__free(btf.btf);
		maps_close(&m);
	}
	free(log);
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "expect-rejected", no_argument, NULL, 'r' },
		{ "verbose", no_argument, NULL, 'v' },
		{}
	};
	bool expect_rejected = false;
	int opt, vsz, i, k;

	while ((opt = getopt_long(argc, argv, "rv", longopts, NULL)) != -1) {
		switch (opt) {
		case 'r':
			expect_rejected = true;
			break;
		case 'v':
			verbose = true;
			break;
		default:
			fprintf(stderr,
				"usage: bpf_kasan_bugzoo [--expect-rejected] [-v] [NAME...]\n");
			return 2;
		}
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	libbpf_set_strict_mode(LIBBPF_STRICT_ALL);
	saved_mode = read_sysctl("/proc/sys/kernel/bpf_kasan");
	if (saved_mode < 0) {
		fprintf(stderr, "bugzoo: no kernel.bpf_kasan: not a BPF KASAN kernel\n");
		printf("Summary: 0 PASSED, 0 SKIPPED, 1 FAILED\n");
		return 1;
	}
	vsz = victim_size();
	for (i = 0; i < (int)ARRAY_SIZE(pocs); i++) {
		bool want = optind == argc;

		for (k = optind; k < argc; k++)
			want |= !strcmp(argv[k], pocs[i]->name);
		if (!want)
			continue;
		printf("bugzoo: %s fix %s%s%s\n", pocs[i]->name, pocs[i]->fix,
		       *pocs[i]->cve ? ", " : "", pocs[i]->cve);
		run_poc(pocs[i], vsz, expect_rejected);
	}
	if (saved_mode >= 0)
		write_sysctl("/proc/sys/kernel/bpf_kasan", saved_mode);
	printf("Summary: %d PASSED, 0 SKIPPED, %d FAILED\n", passed, failed);
	return failed ? 1 : 0;
}
