/* -p2 output: what pass 2 resolved — globals, functions, and each concrete probe with its alias chain. */
#include "elab.h"
#include "parse.h"

static void print_sym_type(FILE *out, const struct sym *s)
{
	if (s->nkeys) {
		fprintf(out, "%s[", s->name);
		for (uint32_t k = 0; k < s->nkeys; k++)
			fprintf(out, "%s%s", k ? ", " : "", type_str(s->key_types[k]));
		fprintf(out, "]:%s", type_str(s->type));
	} else {
		fprintf(out, "%s:%s", s->name, type_str(s->type));
	}
}

static void print_locals(FILE *out, const struct sym_list *l)
{
	if (!l->n)
		return;
	fputs("  # locals\n", out);
	for (uint32_t i = 0; i < l->n; i++) {
		fputs("  ", out);
		print_sym_type(out, l->v[i]);
		fputc('\n', out);
	}
}

void program_print(FILE *out, const struct program *p)
{
	if (p->globals.n) {
		fputs("# global variables\n", out);
		for (uint32_t i = 0; i < p->globals.n; i++) {
			print_sym_type(out, p->globals.v[i]);
			fputc('\n', out);
		}
	}
	if (p->funcs.n) {
		fputs("# functions\n", out);
		for (uint32_t i = 0; i < p->funcs.n; i++) {
			const struct func *fn = p->funcs.v[i];
			fprintf(out, "%s:%s (", fn->name, type_str(fn->ret));
			for (uint32_t k = 0; k < fn->params.n; k++) {
				fputs(k ? ", " : "", out);
				print_sym_type(out, fn->params.v[k]);
			}
			fputs(")\n", out);
			print_locals(out, &fn->locals);
			ast_print_node(out, fn->body, 0);
			fputc('\n', out);
		}
	}
	fputs("# probes\n", out);
	for (uint32_t i = 0; i < p->probes.n; i++) {
		const struct eprobe *ep = p->probes.v[i];
		fprintf(out, "%s%s\n", ep->pp, ep->chain);
		print_locals(out, &ep->locals);
		if (ep->cond) {
			fputs("  # condition\n  ", out);
			ast_print_node(out, ep->cond, 1);
			fputc('\n', out);
		}
		ast_print_node(out, ep->body, 0);
		fputc('\n', out);
	}
}
