/* Kernel symbols: /proc/kallsyms read once, sorted, searched by address. */
#include "runtime/ksyms.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct ksym {
	uint64_t addr;
	char *name;	/* "name" or "name [module]" as kallsyms says */
};

static struct ksym *syms;
static size_t nsyms;
static int loaded;	/* 0: not yet, 1: read, -1: unreadable */

static int cmp_ksym(const void *x, const void *y)
{
	uint64_t a = ((const struct ksym *)x)->addr, b = ((const struct ksym *)y)->addr;
	return a < b ? -1 : a > b;
}

static void free_ksyms(void)
{
	for (size_t i = 0; i < nsyms; i++)
		free(syms[i].name);
	free(syms);
	syms = NULL;
	nsyms = 0;
}

static void load(void)
{
	loaded = -1;
	FILE *f = fopen("/proc/kallsyms", "re");
	if (!f)
		return;
	size_t cap = 0;
	char line[512];
	while (fgets(line, sizeof(line), f)) {
		unsigned long long addr;
		char type, name[256], mod[128] = "";
		int n = sscanf(line, "%llx %c %255s %127s", &addr, &type, name, mod);
		if (n < 3 || !addr || !strchr("tTwW", type))
			continue;	/* code only; zero addresses: kptr_restrict hides them */
		if (nsyms == cap) {
			cap = cap ? 2 * cap : 65536;
			struct ksym *v = realloc(syms, cap * sizeof(*v));
			if (!v)
				break;
			syms = v;
		}
		size_t len = strlen(name) + strlen(mod) + 2;
		char *s = malloc(len);
		if (!s)
			break;
		snprintf(s, len, "%s%s%s", name, *mod ? " " : "", mod);
		syms[nsyms++] = (struct ksym){ addr, s };
	}
	fclose(f);
	if (!nsyms)
		return;
	qsort(syms, nsyms, sizeof(*syms), cmp_ksym);
	atexit(free_ksyms);
	loaded = 1;
}

/* The last symbol at or below addr, or NULL. */
static const struct ksym *find(uint64_t addr, size_t *idx)
{
	if (!loaded)
		load();
	if (loaded < 0 || addr < syms[0].addr)
		return NULL;
	size_t lo = 0, hi = nsyms;
	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;
		if (syms[mid].addr <= addr)
			lo = mid;
		else
			hi = mid;
	}
	*idx = lo;
	return &syms[lo];
}

bool ksyms_is_bpf(uint64_t addr)
{
	size_t lo;
	const struct ksym *k = find(addr, &lo);
	return k && strstr(k->name, " [bpf]");
}

void ksyms_describe(struct strbuf *sb, uint64_t addr)
{
	strbuf_printf(sb, " 0x%016" PRIx64, addr);
	size_t lo;
	const struct ksym *k = find(addr, &lo);
	if (!k)
		return;
	uint64_t size = lo + 1 < nsyms ? syms[lo + 1].addr - k->addr : 0;
	const char *sp = strchr(k->name, ' ');
	int nl = sp ? (int)(sp - k->name) : (int)strlen(k->name);
	strbuf_printf(sb, " : %.*s+0x%" PRIx64 "/0x%" PRIx64 " %s", nl, k->name, addr - k->addr, size,
		      sp ? sp + 1 : "[kernel]");
}
