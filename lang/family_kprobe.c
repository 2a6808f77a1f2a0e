/*
 * kernel.function("f")[.call|.return[.maxactive(N)]], module("m").function("f")[...],
 * kprobe.function("f")[.return]: the kernel's functions as its BTF names them, wildcards
 * included; $param and $return typed from the function's BTF prototype.
 */
#include "lang/probe_families.h"

#include <stdio.h>
#include <string.h>

#include "lang/kfuncs.h"
#include "prog/kfeatures.h"

static bool str_arg(const struct fctx *f, const struct pp_comp *c, const char *example)
{
	if (!c->arg || c->arg->kind != N_STR) {
		diag_error(f->d, &c->loc, "'%s' needs a string argument: %s", c->functor, example);
		return false;
	}
	return true;
}

int resolve_kernel_function(const struct fctx *f, struct pp_resolved_list *out)
{
	const struct pp_comp *c = f->c;
	uint32_t nc = f->pp->ncomps;
	bool kprobe = !strcmp(c[0].functor, "kprobe");
	const char *module = NULL;
	if (!strcmp(c[0].functor, "module")) {
		if (!str_arg(f, &c[0], "module(\"ext4\").function(\"ext4_*\")"))
			return -1;
		module = c[0].arg->u.str.s;
	} else if (!family_no_arg(f, &c[0])) {
		return -1;
	}
	if (nc < 2 || strcmp(c[1].functor, "function")) {
		const struct loc *l = nc < 2 ? &f->pp->loc : &c[1].loc;
		diag_error(f->d, l, "'%s' probe points: expected %s.function(\"name\")%s", c[0].functor,
			   c[0].functor, kprobe || module ? "" : " or kernel.trace(\"event\")");
		return -1;
	}
	if (!str_arg(f, &c[1], "function(\"vfs_read\")"))
		return -1;
	const char *pattern = c[1].arg->u.str.s;
	if (strpbrk(pattern, "@:")) {
		diag_error(f->d, &c[1].loc, "function(\"%s\"): bstap has no debuginfo, so no "
			   "@file:line; name the function alone", pattern);
		return -1;
	}
	/* .call, .return, .return.maxactive(N) */
	uint32_t flags = 0;
	int64_t maxactive = 0;
	bool call = false;
	for (uint32_t i = 2; i < nc; i++) {
		const char *fn = c[i].functor;
		if (!strcmp(fn, "call") && !kprobe && !call && !(flags & ATTACH_RETURN) &&
		    family_no_arg(f, &c[i])) {
			call = true;
		} else if (!strcmp(fn, "return") && !call && !(flags & ATTACH_RETURN)) {
			if (!family_no_arg(f, &c[i]))
				return -1;
			flags |= ATTACH_RETURN;
		} else if (!strcmp(fn, "maxactive") && (flags & ATTACH_RETURN) && !maxactive) {
			if (!family_num_arg(f, &c[i], &maxactive))
				return -1;
			if (maxactive <= 0 || maxactive > 4096) {
				diag_error(f->d, &c[i].loc, "maxactive must be 1 to 4096, got %lld",
					   (long long)maxactive);
				return -1;
			}
		} else {
			diag_error(f->d, &c[i].loc, "unexpected '%s' after %s.function(\"%s\")%s: "
				   "expected %s", fn, c[0].functor, pattern,
				   flags & ATTACH_RETURN ? ".return" : call ? ".call" : "",
				   kprobe ? ".return" : ".call, .return or .return.maxactive(N)");
			return -1;
		}
	}
	char why[512];
	struct kf_catalog *cat = kf_catalog_get(f->a, f->env->kernel_btf, module, why, sizeof(why));
	if (!cat) {
		diag_error(f->d, &c[module ? 0 : 1].loc, "cannot list the kernel's functions: %s", why);
		return -1;
	}
	/* fentry/fexit where the kernel runs them (tried, not guessed); kprobe.function is kprobes */
	bool fentry = false;
	const char *how = "kprobes (kprobe.function)";
	if (!kprobe && f->env->fentry > 0) {
		fentry = true, how = "fentry/fexit (--fentry)";
	} else if (!kprobe && f->env->fentry < 0) {
		how = "kprobes (--kprobes)";
	} else if (!kprobe && f->env->kernel_btf) {
		how = "kprobes (--kernel-btf: the target kernel cannot be tried; --fentry forces them)";
	} else if (!kprobe) {
		fentry = kernel_fentry_works(why, sizeof(why));
		how = fentry ? "fentry/fexit (the running kernel attaches them)"
			     : arena_printf(f->a, "kprobes (no fentry: %s)", why);
	}
	/*
	 * An optional point ('?', '!', or under one) compiled to run on this kernel (not -p3/-p4),
	 * which attaches neither fentry nor kprobes, names nothing, so that an alias's fallback (vfs.read's tracepoints)
	 * takes over; a point that is not optional resolves and fails at attach, saying why.
	 */
	char nowhy[512];
	if (!fentry && !f->env->kernel_btf && f->env->fentry >= 0 && !f->env->listing &&
	    !f->env->for_elsewhere &&
	    (f->pp->optional || f->pp->sufficient) && !kernel_kprobes_work(nowhy, sizeof(nowhy))) {
		if (f->env->verbose)
			fprintf(stderr, "%s: skipped: no fentry and %s\n", pp_to_string(f->a, f->pp),
				nowhy);
		return 0;
	}
	uint32_t n;
	bool wild = strpbrk(pattern, "*?[") != NULL;
	/* a wildcard names what the running kernel can trace, when it says (ftrace's list) */
	const char **hits = kf_match(cat, pattern, wild && !f->env->kernel_btf, &n);
	/* each function is a program and a link of its own (no multi-attach yet) */
	enum { MAX_FUNCTIONS = 1000 };
	if (n > MAX_FUNCTIONS && !f->env->listing) {
		diag_error(f->d, &c[1].loc, "function(\"%s\") names %u functions, more than the %d "
			   "bstap attaches (one program each): narrow the pattern", pattern, n,
			   MAX_FUNCTIONS);
		return -1;
	}
	const char *head = module ? arena_printf(f->a, "module(\"%s\")", module) : c[0].functor;
	const char *tail = arena_printf(f->a, "%s%s%s", call ? ".call" : "",
					flags & ATTACH_RETURN ? ".return" : "",
					maxactive ? arena_printf(f->a, ".maxactive(%lld)",
								 (long long)maxactive) : "");
	for (uint32_t i = 0; i < n; i++) {
		struct pp_resolved *r = pp_resolved_push(f->a, out);
		r->at.kind = PK_KPROBE;
		r->at.target = hits[i];
		r->at.path = module;
		r->at.flags = flags | (fentry ? ATTACH_FENTRY : 0);
		r->at.arg = (uint64_t)maxactive;
		r->place = PLACE_KERNEL;
		r->name = arena_printf(f->a, "%s.function(\"%s\")%s", head, hits[i], tail);
		/* kprobe.function offers no target variables, as in stap */
		r->tvars = kprobe ? NULL : kf_params(cat, hits[i], flags & ATTACH_RETURN, fentry);
		r->may_skip = wild;
	}
	if (f->env->verbose)
		fprintf(stderr, "%s: %u function%s in the kernel's BTF, as %s\n",
			pp_to_string(f->a, f->pp), n, n == 1 ? "" : "s", how);
	return (int)n;
}
