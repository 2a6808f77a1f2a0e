/* The parser: recursive descent over preprocessed tokens, building one file's AST (pass 1). */
#include "parse.h"
#include "lex.h"

#include <setjmp.h>
#include <stdarg.h>
#include <inttypes.h>
#include <string.h>

/* Deep enough for any real script, shallow enough for an ASan stack. */
#define MAX_DEPTH 1000

struct parser {
	struct arena *a;
	struct diag *d;
	struct stp_file *file;
	struct token *t;
	uint32_t n, pos;
	unsigned depth;
	/* one error per top-level definition: fail() jumps back to the definition loop */
	jmp_buf fail;
};

static const char *const keywords[] = {
	"probe", "global", "function", "private", "if", "else", "while", "for", "foreach",
	"in", "break", "continue", "next", "return", "delete", "try", "catch",
};

static bool is_keyword(const char *s)
{
	for (size_t i = 0; i < sizeof(keywords) / sizeof(keywords[0]); i++)
		if (strcmp(s, keywords[i]) == 0)
			return true;
	return false;
}

static struct token *peek(struct parser *p)
{
	return &p->t[p->pos];
}

static struct token *peek_at(struct parser *p, uint32_t k)
{
	uint32_t i = p->pos + k;
	return &p->t[i < p->n ? i : p->n - 1];
}

static struct token *next(struct parser *p)
{
	struct token *t = &p->t[p->pos];
	if (t->kind != TK_EOF)
		p->pos++;
	return t;
}

/* The token just consumed (for spans). */
static struct token *prev(struct parser *p)
{
	return &p->t[p->pos ? p->pos - 1 : 0];
}

static bool accept_op(struct parser *p, const char *op)
{
	if (tok_is_op(peek(p), op)) {
		p->pos++;
		return true;
	}
	return false;
}

static _Noreturn void bail(struct parser *p)
{
	longjmp(p->fail, 1);
}

/* Report at token t (a lexical error token speaks for itself) and abandon the definition. */
static _Noreturn __attribute__((format(printf, 3, 4)))
void fail(struct parser *p, struct token *t, const char *fmt, ...)
{
	if (t->kind == TK_ERROR) {
		lex_report(p->d, t);
		bail(p);
	}
	va_list ap;
	va_start(ap, fmt);
	char *msg = arena_vprintf(p->a, fmt, ap);
	va_end(ap);
	diag_error(p->d, &t->loc, "%s", msg);
	bail(p);
}

/* "expected WHAT, got 'x'" at the current token, or "unexpected end of file, expected WHAT". */
static _Noreturn void fail_expected(struct parser *p, const char *what)
{
	struct token *t = peek(p);
	if (t->kind == TK_EOF)
		fail(p, t, "unexpected end of file, expected %s", what);
	fail(p, t, "expected %s, got %s", what, tok_describe(p->a, t));
}

static void expect_op(struct parser *p, const char *op, const char *context)
{
	if (accept_op(p, op))
		return;
	fail_expected(p, context ? arena_printf(p->a, "'%s' %s", op, context) :
				   arena_printf(p->a, "'%s'", op));
}

static void enter(struct parser *p)
{
	if (++p->depth > MAX_DEPTH)
		fail(p, peek(p), "nesting too deep (more than %d levels)", MAX_DEPTH);
}

static void leave(struct parser *p)
{
	p->depth--;
}

/* A location covering tokens a..b (clipped to a's line by the diagnostics). */
static struct loc span(const struct token *a, const struct token *b)
{
	struct loc l = a->loc;
	if (b->loc.file == a->loc.file && b->loc.line == a->loc.line && b->end > a->off)
		l.len = b->end - a->off;
	return l;
}

static const char *ident_text(struct parser *p, const char *what)
{
	struct token *t = peek(p);
	if (t->kind != TK_IDENT || is_keyword(t->text))
		fail_expected(p, what);
	next(p);
	return t->text;
}

static struct node *parse_expr(struct parser *p);
static struct node *parse_statement(struct parser *p);
static struct node *parse_binary(struct parser *p, int prec);

static bool is_lvalue(const struct node *n)
{
	return n->kind == N_VAR || n->kind == N_INDEX;
}

/* A literal of adjacent ones joined may be this long (macros can copy one a million times). */
#define MAX_STRING_LITERAL (16u << 20)

/* STRING+: adjacent string literals are one ("a" "b" is "ab"), as in stap; @define relies on it */
static struct node *string_literal(struct parser *p)
{
	struct token *first = next(p);
	struct node *n = node_new(p->a, N_STR, first->loc);
	n->u.str.s = first->text;
	n->u.str.len = first->len;
	if (peek(p)->kind != TK_STR)
		return n;
	/* measured first, then copied once: a run of literals (or a macro's copies) is linear */
	uint64_t len = first->len;
	uint32_t end = p->pos;
	for (; p->t[end].kind == TK_STR; end++) {
		len += p->t[end].len;
		if (len > MAX_STRING_LITERAL)
			fail(p, &p->t[end], "string literal too long (more than %u bytes)",
			     MAX_STRING_LITERAL);
	}
	char *s = arena_alloc(p->a, len + 1);
	memcpy(s, first->text, first->len);
	n->u.str.len = first->len;
	while (p->pos < end) {
		struct token *t = next(p);
		memcpy(s + n->u.str.len, t->text, t->len);
		n->u.str.len += t->len;
	}
	s[n->u.str.len] = 0;
	n->u.str.s = s;
	return n;
}

static struct node *var_node(struct parser *p, struct token *t)
{
	struct node *v = node_new(p->a, N_VAR, t->loc);
	v->u.var.name = t->text;
	return v;
}

/* array_name: IDENT (a whole array as the target of in / foreach / statistics) */
static struct node *parse_array_name(struct parser *p, const char *what)
{
	struct token *t = peek(p);
	ident_text(p, what);
	return var_node(p, t);
}

/* expr_list: expr (',' expr)* CLOSE */
static void parse_expr_list(struct parser *p, struct node_list *l, const char *close,
			    const char *context)
{
	for (;;) {
		node_list_push(p->a, l, parse_expr(p));
		if (accept_op(p, ","))
			continue;
		expect_op(p, close, context);
		return;
	}
}

static const struct {
	const char *name;
	enum op op;
} statops[] = {
	{ "@count", OP_COUNT }, { "@sum", OP_SUM }, { "@min", OP_MIN }, { "@max", OP_MAX },
	{ "@avg", OP_AVG }, { "@variance", OP_VARIANCE }, { "@hist_log", OP_HIST_LOG },
	{ "@hist_linear", OP_HIST_LINEAR },
};

/* A literal parameter of @hist_linear / @variance: ['-'] NUMBER. */
static int64_t parse_stat_param(struct parser *p, const char *op)
{
	bool neg = accept_op(p, "-");
	struct token *t = peek(p);
	if (t->kind != TK_NUM)
		fail(p, t, "expected a literal number as a parameter of '%s'", op);
	next(p);
	if (t->num > (neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX))
		fail(p, t, "parameter of '%s' out of range", op);
	return neg ? (int64_t)(0 - t->num) : (int64_t)t->num;
}

/*
 * Tapset macros: @thisN is the probe's hidden local __thisN (shared by an alias's prologue, the
 * handler and the epilogue: one concrete probe's locals); @var("name") is the target variable
 * $name; @defined, @choose_defined and @try_assign stay calls that lang/atmacros.c resolves for
 * each probe. NULL for a name that is none of these.
 */
static struct node *parse_atmacro(struct parser *p, struct token *t)
{
	const char *m = t->text;
	if (!strncmp(m, "@this", 5) && m[5] >= '1' && m[5] <= '8' && !m[6]) {
		struct node *v = node_new(p->a, N_VAR, t->loc);
		v->u.var.name = arena_printf(p->a, "__this%c", m[5]);
		return v;
	}
	if (!strcmp(m, "@container_of") || !strcmp(m, "@module_container_of") ||
	    !strcmp(m, "@cast_module_sizeof") || !strcmp(m, "@kderef") || !strcmp(m, "@uderef"))
		fail(p, t, "'%s' is not available yet: chase a typed pointer with @cast(ptr, "
		     "\"struct_name\")->member instead", m);
	if (!strcmp(m, "@var")) {
		expect_op(p, "(", "after '@var'");
		struct token *s = peek(p);
		if (s->kind != TK_STR)
			fail_expected(p, "a string literal naming the variable in '@var'");
		next(p);
		if (!s->len || strchr(s->text, '@'))
			fail(p, s, "'@var(\"%s\")' is not available: bstap reads only the variables "
			     "the probe's event offers (@var(\"name\") is $name), not ones of a "
			     "source file", s->text);
		expect_op(p, ")", "after '@var' argument");
		struct node *n = node_new(p->a, N_TARGET, span(t, prev(p)));
		n->u.var.name = arena_printf(p->a, "$%s", s->text);
		n->u.var.tvar = -1;
		return n;
	}
	if (strcmp(m, "@defined") && strcmp(m, "@choose_defined") && strcmp(m, "@try_assign"))
		return NULL;
	expect_op(p, "(", arena_printf(p->a, "after '%s'", m));
	struct node *n = node_new(p->a, N_CALL, t->loc);
	n->u.call.name = m;
	n->u.call.builtin = -1;
	parse_expr_list(p, &n->u.call.args, ")", arena_printf(p->a, "after '%s' arguments", m));
	return n;
}

/* statop: '@count' '(' IDENT ['[' expr_list ']'] ')'  (likewise @sum @min @max @avg) */
static struct node *parse_statop(struct parser *p)
{
	struct token *t = next(p);
	enum op op = OP_NONE;
	for (size_t i = 0; i < sizeof(statops) / sizeof(statops[0]); i++)
		if (strcmp(t->text, statops[i].name) == 0)
			op = statops[i].op;
	if (op == OP_NONE) {
		struct node *m = parse_atmacro(p, t);
		if (m)
			return m;
		fail(p, t, "unknown operator or undefined macro '%s'", t->text);
	}
	expect_op(p, "(", arena_printf(p->a, "after '%s'", t->text));
	struct token *nt = peek(p);
	ident_text(p, arena_printf(p->a, "statistics variable in '%s'", t->text));
	struct node *arg = var_node(p, nt);
	if (tok_is_op(peek(p), "[")) {
		struct node *ix = node_new(p->a, N_INDEX, nt->loc);
		next(p);
		ix->u.index.base = arg;
		parse_expr_list(p, &ix->u.index.keys, "]", "after array index");
		arg = ix;
	}
	int64_t params[3] = { 0, 0, 0 };
	uint32_t np = 0, want = op == OP_HIST_LINEAR ? 3 : op == OP_VARIANCE ? 1 : 0;
	while (np < want && (op != OP_VARIANCE || tok_is_op(peek(p), ","))) {
		expect_op(p, ",", arena_printf(p->a, "in '%s' (it takes a statistic, then start, "
						     "stop and interval)", t->text));
		params[np++] = parse_stat_param(p, t->text);
	}
	expect_op(p, ")", arena_printf(p->a, "after '%s' argument", t->text));
	struct node *bucket = NULL;
	if ((op == OP_HIST_LOG || op == OP_HIST_LINEAR) && accept_op(p, "[")) {
		bucket = parse_expr(p);	/* @hist_log(s)[b]: bucket b's count */
		expect_op(p, "]", "after histogram bucket");
	}
	struct node *n = node_new(p->a, N_STATOP, span(t, prev(p)));
	n->u.statop.bucket = bucket;
	n->u.statop.op = op;
	n->u.statop.arg = arg;
	n->u.statop.np = np;
	memcpy(n->u.statop.p, params, sizeof(params));
	return n;
}

static struct node *parse_value(struct parser *p);

/*
 * '@entry' '(' expr ')': in a .return probe, expr's value at the function's entry. A target
 * variable expression is kept as one name "@entry($file->f_path)" for the BTF-aware pass
 * (kernel functions: lang/targets.c); any other expression is a call "@entry" that
 * lang/uentry.c rewrites for process(...).function(...).return probes.
 */
static struct node *parse_entry(struct parser *p)
{
	struct token *t = next(p);
	expect_op(p, "(", "after '@entry'");
	struct node *v = parse_expr(p);
	expect_op(p, ")", "after '@entry' argument");
	if (v->kind == N_TARGET) {
		struct node *n = node_new(p->a, N_TARGET, span(t, prev(p)));
		n->u.var.name = arena_printf(p->a, "@entry(%s)", v->u.var.name);
		n->u.var.tvar = -1;
		return n;
	}
	struct node *n = node_new(p->a, N_CALL, t->loc);
	n->u.call.name = "@entry";
	n->u.call.builtin = -1;
	ARENA_LIST_PUSH(p->a, &n->u.call.args, v);
	return n;
}

/*
 * '[' expr ']' right after a target variable or a @cast chase whose index is not a number:
 * "@index"(base, expr), element expr of the pointer base (lang/targets.c reads it at base +
 * expr * the element's size). Taken here, since '[x]' alone is also an expression (as in stap's
 * parser) and would quietly become the next statement.
 */
static struct node *computed_index(struct parser *p, struct node *base, const char *what)
{
	struct token *b = peek(p);
	if (!tok_is_op(b, "[") || b->loc.line != prev(p)->loc.line)
		return base;
	next(p);
	struct node *n = node_new(p->a, N_CALL, b->loc);
	n->u.call.name = "@index";
	n->u.call.builtin = -1;
	ARENA_LIST_PUSH(p->a, &n->u.call.args, base);
	ARENA_LIST_PUSH(p->a, &n->u.call.args, parse_expr(p));
	expect_op(p, "]", "after the index");
	if (tok_is_op(peek(p), "->") || tok_is_op(peek(p), "["))
		fail(p, peek(p), "'%s[...]' reads one element: bstap follows no '->' or '[' after a "
		     "computed index", what);
	n->loc = base->loc;
	return n;
}

/*
 * '@cast' '(' expr ',' STRING [',' STRING] ')' ('->' IDENT)+: the expression as a pointer to the
 * kernel's struct STRING, followed through members. A call "@cast"(expr, "struct", "->a->b")
 * until pass 2 resolves it against BTF (lang/targets.c).
 */
static struct node *parse_cast(struct parser *p)
{
	struct token *t = next(p);
	expect_op(p, "(", "after '@cast'");
	struct node *n = node_new(p->a, N_CALL, t->loc);
	n->u.call.name = "@cast";
	n->u.call.builtin = -1;
	ARENA_LIST_PUSH(p->a, &n->u.call.args, parse_expr(p));
	expect_op(p, ",", "after '@cast' pointer");
	struct token *st = peek(p);
	if (st->kind != TK_STR)
		fail(p, st, "@cast needs a struct name string, as in @cast(p, \"task_struct\")");
	ARENA_LIST_PUSH(p->a, &n->u.call.args, string_literal(p));
	if (accept_op(p, ",")) {
		struct token *mt = peek(p);
		if (mt->kind != TK_STR)
			fail(p, mt, "@cast's third argument is a string: \"kernel\"");
		struct node *m = string_literal(p);
		if (strncmp(m->u.str.s, "kernel", 6))
			fail(p, mt, "bstap reads the kernel's BTF only: @cast's third argument must be "
			     "\"kernel\"");
	}
	expect_op(p, ")", "after '@cast' arguments");
	const char *chase = "";
	while (tok_is_op(peek(p), "->") && peek_at(p, 1)->kind == TK_IDENT) {
		next(p);
		chase = arena_printf(p->a, "%s->%s", chase, next(p)->text);
	}
	if (!*chase)
		fail(p, peek(p), "@cast(...) must be followed by '->member'");
	/* ->member[N]: one element of an array member (kf_cast checks that it is one) */
	if (tok_is_op(peek(p), "[") && peek_at(p, 1)->kind == TK_NUM &&
	    tok_is_op(peek_at(p, 2), "]")) {
		next(p);
		chase = arena_printf(p->a, "%s[%" PRIu64 "]", chase, next(p)->num);
		next(p);
	}
	struct node *c = node_new(p->a, N_STR, t->loc);
	c->u.str.s = chase;
	c->u.str.len = (uint32_t)strlen(chase);
	ARENA_LIST_PUSH(p->a, &n->u.call.args, c);
	n->loc = span(t, prev(p));
	return computed_index(p, n, arena_printf(p->a, "@cast(...)%s", chase));
}

/*
 * value: '(' expr ')' | NUMBER | STRING | '$target' ('->' IDENT)* | statop
 *      | IDENT '(' [expr_list] ')' | IDENT '[' expr_list ']' | IDENT
 */
static struct node *parse_value(struct parser *p)
{
	struct token *t = peek(p);
	switch (t->kind) {
	case TK_NUM: {
		next(p);
		struct node *n = node_new(p->a, N_NUM, t->loc);
		n->u.num = (int64_t)t->num;
		return n;
	}
	case TK_STR:
		return string_literal(p);
	case TK_TARGET: {
		next(p);
		/* $ptr->field->field: kept as one name for the BTF-aware pass */
		const char *name = t->text;
		while (tok_is_op(peek(p), "->") && peek_at(p, 1)->kind == TK_IDENT) {
			next(p);
			name = arena_printf(p->a, "%s->%s", name, next(p)->text);
		}
		/* $args[N]: one element of an array field, N a number */
		if (tok_is_op(peek(p), "[") && peek_at(p, 1)->kind == TK_NUM &&
		    tok_is_op(peek_at(p, 2), "]")) {
			next(p);
			name = arena_printf(p->a, "%s[%" PRIu64 "]", name, next(p)->num);
			next(p);
		}
		struct node *n = node_new(p->a, N_TARGET, span(t, prev(p)));
		n->u.var.name = name;
		n->u.var.tvar = -1;
		return computed_index(p, n, name);
	}
	case TK_AT:
		if (!strcmp(t->text, "@entry"))
			return parse_entry(p);
		if (!strcmp(t->text, "@cast"))
			return parse_cast(p);
		return parse_statop(p);
	case TK_OP:
		if (tok_is_op(t, "(")) {
			next(p);
			struct node *e = parse_expr(p);
			expect_op(p, ")", "after parenthesized expression");
			return e;
		}
		break;
	case TK_IDENT:
		if (is_keyword(t->text))
			break;
		next(p);
		if (tok_is_op(peek(p), "(")) {
			next(p);
			struct node *n = node_new(p->a, N_CALL, t->loc);
			n->u.call.name = t->text;
			n->u.call.builtin = -1;
			if (!accept_op(p, ")"))
				parse_expr_list(p, &n->u.call.args, ")", "after function arguments");
			return n;
		}
		if (tok_is_op(peek(p), "[")) {
			next(p);
			struct node *n = node_new(p->a, N_INDEX, t->loc);
			n->u.index.base = var_node(p, t);
			parse_expr_list(p, &n->u.index.keys, "]", "after array index");
			return n;
		}
		return var_node(p, t);
	default:
		break;
	}
	fail_expected(p, "expression");
}

/* crement: ('++' | '--') value | value ['++' | '--'] */
static struct node *parse_crement(struct parser *p)
{
	struct token *t = peek(p);
	if (tok_is_op(t, "++") || tok_is_op(t, "--")) {
		next(p);
		struct node *lv = parse_value(p);
		if (!is_lvalue(lv))
			fail(p, t, "operand of '%s' must be a variable or array element", t->text);
		struct node *n = node_new(p->a, N_INCDEC, t->loc);
		n->u.incdec.inc = t->text[0] == '+';
		n->u.incdec.lv = lv;
		return n;
	}
	struct node *e = parse_value(p);
	t = peek(p);
	/* only an lvalue takes a postfix ++: "x = 1 ++y" is two statements */
	if ((tok_is_op(t, "++") || tok_is_op(t, "--")) && is_lvalue(e)) {
		next(p);
		struct node *n = node_new(p->a, N_INCDEC, t->loc);
		n->u.incdec.inc = t->text[0] == '+';
		n->u.incdec.post = true;
		n->u.incdec.lv = e;
		return n;
	}
	return e;
}

/* unary: ('-' | '+' | '!' | '~') unary | crement;  '-' NUMBER folds into one literal */
static struct node *parse_unary(struct parser *p)
{
	enter(p);
	struct token *t = peek(p);
	struct node *n;
	if (tok_is_op(t, "-") && peek_at(p, 1)->kind == TK_NUM) {
		/* -9223372036854775808 must work: negate in unsigned arithmetic */
		next(p);
		struct token *num = next(p);
		n = node_new(p->a, N_NUM, span(t, num));
		n->u.num = (int64_t)(0 - num->num);
	} else if (tok_is_op(t, "&") && peek_at(p, 1)->kind == TK_TARGET) {
		/* &$p->member: the member's address, kept as one name for the BTF-aware pass */
		next(p);
		n = parse_value(p);
		n->u.var.name = arena_printf(p->a, "&%s", n->u.var.name);
		n->loc = span(t, prev(p));
	} else if (tok_is_op(t, "-") || tok_is_op(t, "+") || tok_is_op(t, "!") || tok_is_op(t, "~")) {
		next(p);
		n = node_new(p->a, N_UNOP, t->loc);
		n->u.un.op = t->text[0] == '-' ? OP_NEG : t->text[0] == '+' ? OP_PLUS :
			     t->text[0] == '!' ? OP_NOT : OP_BNOT;
		n->u.un.e = parse_unary(p);
	} else {
		n = parse_crement(p);
	}
	leave(p);
	return n;
}

/* A '*' key of 'delete a[k, *]' and '[k, *] in a' (any value there): an N_EMPTY node. */
static struct node *wildcard_key(struct parser *p)
{
	struct token *t = peek(p);
	if (!tok_is_op(t, "*") || !(tok_is_op(peek_at(p, 1), ",") || tok_is_op(peek_at(p, 1), "]")))
		return NULL;
	next(p);
	return node_new(p->a, N_EMPTY, t->loc);
}

/* array_in: '[' key (',' key)* ']' 'in' IDENT | cmp ['in' IDENT]  (as stap's parse_array_in);
 * key: cmp | '*' */
static struct node *parse_array_in(struct parser *p)
{
	struct node_list keys = { 0 };
	struct token *open = peek(p);
	if (tok_is_op(open, "[")) {
		next(p);
		bool wild = false;
		for (;;) {
			struct node *w = wildcard_key(p);
			wild |= w != NULL;
			node_list_push(p->a, &keys, w ? w : parse_binary(p, PREC_CMP));
			if (accept_op(p, ","))
				continue;
			if (accept_op(p, "]"))
				break;
			fail_expected(p, "',' or ']' in key list");
		}
		if (!tok_is_ident(peek(p), "in")) {
			if (wild)
				fail_expected(p, "'in' after a key list with '*'");
			if (keys.n == 1)
				return keys.v[0];
			fail_expected(p, "'in' after '[...]' key list");
		}
	} else {
		struct node *e = parse_binary(p, PREC_CMP);
		if (!tok_is_ident(peek(p), "in"))
			return e;
		node_list_push(p->a, &keys, e);
	}
	struct token *in = next(p);
	struct node *n = node_new(p->a, N_IN, in->loc);
	n->u.in.keys = keys;
	n->u.in.arr = parse_array_name(p, "array name after 'in'");
	return n;
}

/* binary(prec): binary(prec+1) (OP binary(prec+1))*  for the left-associative levels */
static struct node *parse_binary(struct parser *p, int prec)
{
	if (prec == PREC_IN)
		return parse_array_in(p);
	if (prec > PREC_MUL)
		return parse_unary(p);
	struct node *l = parse_binary(p, prec + 1);
	/* each operator of a chain deepens the tree: count it as nesting, so that no later
	 * pass recurses without bound over 'a + a + a + ...' */
	int chain = 0;
	for (;;) {
		struct token *t = peek(p);
		enum op op = t->kind == TK_OP ? binop_for(t->text, prec) : OP_NONE;
		if (op == OP_NONE && prec == PREC_CMP && t->kind == TK_OP &&
		    (!strcmp(t->text, "=~") || !strcmp(t->text, "!~"))) {
			/* s =~ "re": a call of the builtin named "=~" (pass 2 checks the literal) */
			enter(p);
			chain++;
			next(p);
			struct node *n = node_new(p->a, N_CALL, t->loc);
			n->u.call.name = t->text;
			n->u.call.builtin = -1;
			node_list_push(p->a, &n->u.call.args, l);
			node_list_push(p->a, &n->u.call.args, parse_binary(p, prec + 1));
			l = n;
			continue;
		}
		if (op == OP_NONE)
			break;
		enter(p);
		chain++;
		next(p);
		struct node *r = parse_binary(p, prec + 1);
		struct node *n = node_new(p->a, N_BINOP, t->loc);
		n->u.bin.op = op;
		n->u.bin.l = l;
		n->u.bin.r = r;
		l = n;
	}
	p->depth -= chain;
	return l;
}

/* ternary: logical_or ['?' expr ':' expr]  (both arms full expressions, as in stap) */
static struct node *parse_ternary(struct parser *p)
{
	struct node *c = parse_binary(p, PREC_LOR);
	struct token *t = peek(p);
	if (!tok_is_op(t, "?"))
		return c;
	next(p);
	struct node *n = node_new(p->a, N_TERNARY, t->loc);
	n->u.tern.cond = c;
	n->u.tern.t = parse_expr(p);
	expect_op(p, ":", "in conditional expression");
	n->u.tern.f = parse_expr(p);
	return n;
}

static const struct {
	const char *tok;
	enum op op;
} assign_ops[] = {
	{ "=", OP_NONE }, { "+=", OP_ADD }, { "-=", OP_SUB }, { "*=", OP_MUL }, { "/=", OP_DIV },
	{ "%=", OP_MOD }, { "<<=", OP_SHL }, { ">>=", OP_SHR }, { "&=", OP_BAND },
	{ "|=", OP_BOR }, { "^=", OP_BXOR }, { ".=", OP_CONCAT }, { "<<<", OP_AGG },
};

/* expr: ternary [ASSIGN_OP expr]  (right-associative; '<<<' is an assignment too) */
static struct node *parse_expr(struct parser *p)
{
	enter(p);
	struct node *lhs = parse_ternary(p);
	struct token *t = peek(p);
	if (t->kind == TK_OP) {
		for (size_t i = 0; i < sizeof(assign_ops) / sizeof(assign_ops[0]); i++) {
			if (strcmp(t->text, assign_ops[i].tok) != 0)
				continue;
			if (!is_lvalue(lhs))
				fail(p, t, "left side of '%s' must be a variable or array element", t->text);
			next(p);
			struct node *n = node_new(p->a, N_ASSIGN, t->loc);
			n->u.assign.op = assign_ops[i].op;
			n->u.assign.lhs = lhs;
			n->u.assign.rhs = parse_expr(p);
			lhs = n;
			break;
		}
	}
	leave(p);
	return lhs;
}

/* block: '{' statement* '}' */
static struct node *parse_block(struct parser *p)
{
	struct token *open = peek(p);
	expect_op(p, "{", NULL);
	enter(p);
	struct node *b = node_new(p->a, N_BLOCK, open->loc);
	while (!tok_is_op(peek(p), "}")) {
		if (peek(p)->kind == TK_EOF) {
			diag_error(p->d, &peek(p)->loc, "unexpected end of file, expected '}'");
			diag_note(p->d, &open->loc, "to match this '{'");
			bail(p);
		}
		node_list_push(p->a, &b->u.block, parse_statement(p));
	}
	next(p);
	leave(p);
	return b;
}

/* if_stmt: 'if' '(' expr ')' statement ['else' statement] */
static struct node *parse_if(struct parser *p, struct token *kw)
{
	struct node *n = node_new(p->a, N_IF, kw->loc);
	expect_op(p, "(", "after 'if'");
	n->u.ifs.cond = parse_expr(p);
	expect_op(p, ")", "after if condition");
	n->u.ifs.then = parse_statement(p);
	if (tok_is_ident(peek(p), "else")) {
		next(p);
		n->u.ifs.els = parse_statement(p);
	}
	return n;
}

/* try_stmt: 'try' block 'catch' ['(' IDENT ')'] block */
static struct node *parse_try(struct parser *p, struct token *kw)
{
	struct node *n = node_new(p->a, N_TRY, kw->loc);
	if (!tok_is_op(peek(p), "{"))
		fail_expected(p, "'{' after 'try'");
	n->u.ifs.then = parse_block(p);
	if (!tok_is_ident(peek(p), "catch"))
		fail_expected(p, "'catch' after the try block");
	next(p);
	if (accept_op(p, "(")) {
		struct token *t = peek(p);
		if (t->kind != TK_IDENT || is_keyword(t->text))
			fail_expected(p, "variable name for the error message");
		next(p);
		n->u.ifs.cond = var_node(p, t);
		expect_op(p, ")", "after the catch variable");
	}
	if (!tok_is_op(peek(p), "{"))
		fail_expected(p, "'{' after 'catch'");
	n->u.ifs.els = parse_block(p);
	return n;
}

/* while_stmt: 'while' '(' expr ')' statement */
static struct node *parse_while(struct parser *p, struct token *kw)
{
	struct node *n = node_new(p->a, N_WHILE, kw->loc);
	expect_op(p, "(", "after 'while'");
	n->u.loop.cond = parse_expr(p);
	expect_op(p, ")", "after while condition");
	n->u.loop.body = parse_statement(p);
	return n;
}

/* for_stmt: 'for' '(' [expr] ';' [expr] ';' [expr] ')' statement */
static struct node *parse_for(struct parser *p, struct token *kw)
{
	struct node *n = node_new(p->a, N_FOR, kw->loc);
	expect_op(p, "(", "after 'for'");
	if (!tok_is_op(peek(p), ";"))
		n->u.loop.init = parse_expr(p);
	expect_op(p, ";", "after for-loop initializer");
	if (!tok_is_op(peek(p), ";"))
		n->u.loop.cond = parse_expr(p);
	expect_op(p, ";", "after for-loop condition");
	if (!tok_is_op(peek(p), ")"))
		n->u.loop.step = parse_expr(p);
	expect_op(p, ")", "after for-loop increment");
	n->u.loop.body = parse_statement(p);
	return n;
}

/* A '+'/'-' sort marker in a foreach header; stap allows only one. */
static void sort_marker(struct parser *p, struct node *n, int col)
{
	struct token *t = peek(p);
	if (!tok_is_op(t, "+") && !tok_is_op(t, "-"))
		return;
	if (n->u.foreach.sort_dir)
		fail(p, t, "only one sort marker ('+' or '-') is allowed in foreach");
	next(p);
	n->u.foreach.sort_dir = t->text[0] == '+' ? 1 : -1;
	n->u.foreach.sort_col = col;
}

/*
 * foreach_stmt: 'foreach' '(' [IDENT [sort] '='] keys 'in' IDENT [sort] ['limit' expr] ')' statement
 * keys: IDENT [sort] | '[' IDENT [sort] (',' IDENT [sort])* ']'
 */
static struct node *parse_foreach(struct parser *p, struct token *kw)
{
	struct node *n = node_new(p->a, N_FOREACH, kw->loc);
	expect_op(p, "(", "after 'foreach'");
	/* 'v = ...' or 'v- = ...' names the value variable */
	struct token *t1 = peek_at(p, 1), *t2 = peek_at(p, 2);
	if (peek(p)->kind == TK_IDENT &&
	    (tok_is_op(t1, "=") || ((tok_is_op(t1, "+") || tok_is_op(t1, "-")) && tok_is_op(t2, "=")))) {
		n->u.foreach.value = parse_array_name(p, "value variable name");
		sort_marker(p, n, FOREACH_SORT_VALUE);
		expect_op(p, "=", NULL);
	}
	bool bracket = accept_op(p, "[");
	for (;;) {
		struct node *k = parse_array_name(p, "loop variable name");
		node_list_push(p->a, &n->u.foreach.vars, k);
		sort_marker(p, n, (int)n->u.foreach.vars.n);
		if (!bracket)
			break;
		if (accept_op(p, ","))
			continue;
		if (accept_op(p, "]"))
			break;
		fail_expected(p, "',' or ']' in foreach key list");
	}
	if (!tok_is_ident(peek(p), "in"))
		fail_expected(p, "'in' in foreach");
	next(p);
	if (peek(p)->kind == TK_AT) {
		/* foreach (b in @hist_log(s)): over a histogram's buckets */
		n->u.foreach.arr = parse_statop(p);
	} else {
		n->u.foreach.arr = parse_array_name(p, "array name after 'in'");
		/* 'in s @sum-': statistics sorted by the named aggregate */
		struct token *at = peek(p);
		if (at->kind == TK_AT) {
			for (size_t i = 0; i < sizeof(statops) / sizeof(statops[0]); i++)
				if (!strcmp(at->text, statops[i].name) && statops[i].op <= OP_AVG)
					n->u.foreach.sort_agg = statops[i].op;
			if (n->u.foreach.sort_agg == OP_NONE)
				fail(p, at, "'%s' cannot order a foreach (use @count, @sum, @min, @max "
				     "or @avg)", at->text);
			next(p);
		}
	}
	sort_marker(p, n, FOREACH_SORT_VALUE);
	if (tok_is_ident(peek(p), "limit")) {
		next(p);
		n->u.foreach.limit = parse_expr(p);
	}
	expect_op(p, ")", "after foreach header");
	n->u.foreach.body = parse_statement(p);
	return n;
}

/* delete_stmt: 'delete' IDENT ['[' key (',' key)* ']'];  key: expr | '*' (every value there) */
static struct node *parse_delete(struct parser *p, struct token *kw)
{
	struct node *n = node_new(p->a, N_DELETE, kw->loc);
	struct token *t = peek(p);
	struct node *v;
	if (t->kind == TK_IDENT && !is_keyword(t->text)) {
		next(p);
		v = var_node(p, t);
	} else {
		fail_expected(p, "array or variable name after 'delete'");
	}
	if (accept_op(p, "[")) {
		struct node *ix = node_new(p->a, N_INDEX, t->loc);
		ix->u.index.base = v;
		for (;;) {
			struct node *w = wildcard_key(p);
			node_list_push(p->a, &ix->u.index.keys, w ? w : parse_expr(p));
			if (accept_op(p, ","))
				continue;
			expect_op(p, "]", "after array index");
			break;
		}
		v = ix;
	}
	n->u.del = v;
	return n;
}

/*
 * statement: block | ';' | if_stmt | while_stmt | for_stmt | foreach_stmt | try_stmt
 *          | ('break' | 'continue' | 'next') [';'] | 'return' [expr] [';']
 *          | delete_stmt [';'] | expr [';']
 */
static struct node *parse_statement(struct parser *p)
{
	enter(p);
	struct token *t = peek(p);
	struct node *s = NULL;
	bool simple = true;	/* takes an optional ';' */
	if (tok_is_op(t, "{")) {
		s = parse_block(p);
		simple = false;
	} else if (tok_is_op(t, ";")) {
		next(p);
		s = node_new(p->a, N_EMPTY, t->loc);
		simple = false;
	} else if (t->kind == TK_IDENT && is_keyword(t->text)) {
		const char *k = t->text;
		if (!strcmp(k, "if") || !strcmp(k, "while") || !strcmp(k, "for") || !strcmp(k, "foreach")) {
			next(p);
			simple = false;
			s = k[0] == 'i' ? parse_if(p, t) : k[0] == 'w' ? parse_while(p, t) :
			    k[3] == 'e' ? parse_foreach(p, t) : parse_for(p, t);
		} else if (!strcmp(k, "break") || !strcmp(k, "continue") || !strcmp(k, "next")) {
			next(p);
			s = node_new(p->a, k[0] == 'b' ? N_BREAK : k[0] == 'c' ? N_CONTINUE : N_NEXT, t->loc);
		} else if (!strcmp(k, "return")) {
			next(p);
			s = node_new(p->a, N_RETURN, t->loc);
			/* no value before ';', '}' or a keyword (no expression starts with one) */
			struct token *v = peek(p);
			if (!tok_is_op(v, ";") && !tok_is_op(v, "}") &&
			    !(v->kind == TK_IDENT && is_keyword(v->text)))
				s->u.ret = parse_expr(p);
		} else if (!strcmp(k, "delete")) {
			next(p);
			s = parse_delete(p, t);
		} else if (!strcmp(k, "try")) {
			next(p);
			simple = false;
			s = parse_try(p, t);
		} else {
			fail(p, t, "expected statement, got keyword '%s'", k);
		}
	} else {
		struct node *e = parse_expr(p);
		s = node_new(p->a, N_EXPR, t->loc);
		s->u.expr = e;
	}
	if (simple)
		accept_op(p, ";");
	leave(p);
	return s;
}

/* probe_point: seq ['?'] ['!'] ['if' '(' expr ')']
 * seq: elem ('.' elem)*;  elem: component | '{' seq [marks] (',' seq [marks])* '}'
 * component: functor ['(' ['-'] NUMBER | STRING ')'];  functor: adjacent IDENT / '*' / NUMBER
 * A brace group makes one probe point per alternative, in product order:
 * {a,b}.{c,d} is a.c, a.d, b.c, b.d (stapprobes(3stap)). '?', '!' and 'if' may only follow the
 * last component; after a closing brace they apply to every expansion of the group. */
static struct node *parse_literal(struct parser *p, const char *what);

/* More expansions than this from one written probe point is an error, not an allocation storm. */
#define MAX_PP_EXPANSIONS 10000

static struct probe_point *pp_new(struct arena *a, uint32_t ncomps)
{
	struct probe_point *pp = arena_alloc(a, sizeof(*pp));
	pp->ncomps = ncomps;
	if (ncomps)
		pp->comps = arena_alloc(a, ncomps * sizeof(*pp->comps));
	return pp;
}

/* component: one functor with its optional argument */
static void parse_pp_component(struct parser *p, struct pp_comp *c)
{
	struct token *ft = peek(p);
	if (ft->kind != TK_IDENT && !tok_is_op(ft, "*"))
		fail_expected(p, "probe point component");
	next(p);
	const char *functor = ft->text;
	/* 'open*', 'sys_*_x', 'a**': glue tokens written without spaces between them */
	for (;;) {
		struct token *nt = peek(p), *last = prev(p);
		if (nt->off != last->end || nt->loc.file != last->loc.file)
			break;
		if (nt->kind != TK_IDENT && nt->kind != TK_NUM && !tok_is_op(nt, "*"))
			break;
		next(p);
		functor = arena_printf(p->a, "%s%s", functor, nt->text);
	}
	struct node *arg = NULL;
	if (accept_op(p, "(")) {
		arg = parse_literal(p, "number or string literal as probe point argument");
		expect_op(p, ")", "after probe point argument");
	}
	c->functor = functor;
	c->arg = arg;
	c->loc = span(ft, prev(p));
}

/*
 * Does a brace group start here? '{' opens one only if a component (or another group) follows
 * and what comes after its matching '}' can continue a probe point ('.', ',', a mark, '=',
 * '+=', the body's '{' or an enclosing group's '}'): in 'probe { }', 'probe begin. { }' and 'probe { print(1) }' it is
 * a body where a component was due.
 */
static bool brace_group_ahead(struct parser *p)
{
	struct token *after = peek_at(p, 1);
	if (!tok_is_op(peek(p), "{") ||
	    !(after->kind == TK_IDENT || tok_is_op(after, "*") || tok_is_op(after, "{")))
		return false;
	uint32_t depth = 0, k = 0;
	for (;; k++) {
		struct token *t = peek_at(p, k);
		if (t->kind == TK_EOF)
			return true;	/* unclosed: the group's own parse says what is missing */
		if (tok_is_op(t, "{"))
			depth++;
		else if (tok_is_op(t, "}") && --depth == 0)
			break;
	}
	struct token *t = peek_at(p, k + 1);
	static const char *const follow[] = { ".", ",", "?", "!", "=", "+=", "{", "}" };
	for (size_t i = 0; i < sizeof(follow) / sizeof(follow[0]); i++)
		if (tok_is_op(t, follow[i]))
			return true;
	return tok_is_ident(t, "if");
}

/*
 * Parse seq and the marks that follow it; append its expansions to out. *mark is set to the
 * first '?', '!' or 'if' token at the end of this sequence or of its last brace group (NULL if
 * none), so that an enclosing sequence can reject components after it.
 */
static void parse_pp_seq(struct parser *p, struct pp_list *out, struct token **mark,
			 const struct token *first)
{
	enter(p);
	struct pp_list acc = { 0 };
	pp_list_push(p->a, &acc, pp_new(p->a, 0));
	struct token *inner = NULL;
	for (;;) {
		struct pp_list alts = { 0 };
		inner = NULL;
		if (brace_group_ahead(p)) {
			next(p);
			do {
				struct token *m = NULL;
				parse_pp_seq(p, &alts, &m, NULL);
				if (m && !inner)
					inner = m;
			} while (accept_op(p, ","));
			expect_op(p, "}", "or ',' in a probe point brace group");
		} else {
			struct probe_point *one = pp_new(p->a, 1);
			parse_pp_component(p, &one->comps[0]);
			pp_list_push(p->a, &alts, one);
		}
		if ((uint64_t)acc.n * alts.n > MAX_PP_EXPANSIONS)
			fail(p, prev(p), "probe point expands to more than %d probe points",
			     MAX_PP_EXPANSIONS);
		/* product order: every alternative after each point so far */
		struct pp_list prod = { 0 };
		for (uint32_t i = 0; i < acc.n; i++) {
			for (uint32_t j = 0; j < alts.n; j++) {
				const struct probe_point *x = acc.v[i], *y = alts.v[j];
				struct probe_point *z = pp_new(p->a, x->ncomps + y->ncomps);
				if (x->ncomps)
					memcpy(z->comps, x->comps, x->ncomps * sizeof(*z->comps));
				memcpy(z->comps + x->ncomps, y->comps, y->ncomps * sizeof(*z->comps));
				z->optional = y->optional;
				z->sufficient = y->sufficient;
				z->cond = i ? node_clone(p->a, y->cond, NULL) : y->cond;
				pp_list_push(p->a, &prod, z);
			}
		}
		acc = prod;
		if (!tok_is_op(peek(p), "."))
			break;
		if (inner)
			fail(p, inner, "'%s' may only follow the last component of a probe point",
			     inner->text);
		next(p);
	}
	/* marks: ['?'] ['!'] in any order, then ['if' '(' expr ')'] */
	struct token *m = NULL;
	bool optional = false, sufficient = false;
	struct node *cond = NULL;
	for (;;) {
		struct token *t = peek(p);
		if (accept_op(p, "?"))
			optional = true;
		else if (accept_op(p, "!"))
			sufficient = true;
		else
			break;
		if (!m)
			m = t;
	}
	/* the top level locates every expansion at what the user wrote, up to its '?' or '!' */
	if (first) {
		struct loc where = span(first, prev(p));
		for (uint32_t i = 0; i < acc.n; i++)
			acc.v[i]->loc = where;
	}
	if (tok_is_ident(peek(p), "if")) {
		if (!m)
			m = peek(p);
		next(p);
		expect_op(p, "(", "after 'if'");
		cond = parse_expr(p);
		expect_op(p, ")", "after probe point condition");
	}
	if (m && tok_is_op(peek(p), "."))
		fail(p, m, "'%s' may only follow the last component of a probe point", m->text);
	for (uint32_t i = 0; i < acc.n; i++) {
		struct probe_point *z = acc.v[i];
		z->optional |= optional;
		z->sufficient |= sufficient;
		/* outermost first, as conditions stack through aliases */
		z->cond = node_and(p->a, i ? node_clone(p->a, cond, NULL) : cond, z->cond);
		pp_list_push(p->a, out, z);
	}
	*mark = m ? m : inner;
	leave(p);
}

/* One written probe point: its expansions, pushed onto l in product order. */
static void parse_probe_point(struct parser *p, struct pp_list *l)
{
	struct token *mark = NULL;
	parse_pp_seq(p, l, &mark, peek(p));
}

/* pp_list: probe_point (',' probe_point)* */
static void parse_pp_list(struct parser *p, struct pp_list *l)
{
	do
		parse_probe_point(p, l);
	while (accept_op(p, ","));
}

/* probe_def: 'probe' pp_list block | 'probe' pp_list ('=' | '+=') pp_list block */
static void parse_probe(struct parser *p, struct token *kw)
{
	struct probe_def *pd = arena_alloc(p->a, sizeof(*pd));
	pd->loc = kw->loc;
	pd->kind = PD_PROBE;
	struct pp_list first = { 0 };
	parse_pp_list(p, &first);
	struct token *t = peek(p);
	if (tok_is_op(t, "=") || tok_is_op(t, "+=")) {
		next(p);
		pd->kind = t->text[0] == '=' ? PD_ALIAS : PD_ALIAS_EPI;
		for (uint32_t i = 0; i < first.n; i++) {
			const struct probe_point *np = first.v[i];
			if (np->optional || np->sufficient || np->cond) {
				diag_error(p->d, &np->loc,
					   "probe alias name '%s' cannot be optional, sufficient or conditional",
					   pp_to_string(p->a, np));
				bail(p);
			}
		}
		pd->names = first;
		parse_pp_list(p, &pd->points);
	} else {
		pd->points = first;
	}
	if (!tok_is_op(peek(p), "{"))
		fail_expected(p, pd->kind == PD_PROBE && pd->points.n ? "'{' or ',' after probe point"
								     : "'{' after probe point");
	pd->body = parse_block(p);
	pd->order = p->file->probes.n;
	probe_def_list_push(p->a, &p->file->probes, pd);
}

/* literal: NUMBER | '-' NUMBER | STRING  (global initialisers) */
static struct node *parse_literal(struct parser *p, const char *what)
{
	struct token *t = peek(p);
	struct node *n;
	if (tok_is_op(t, "-") && peek_at(p, 1)->kind == TK_NUM) {
		next(p);
		struct token *num = next(p);
		n = node_new(p->a, N_NUM, span(t, num));
		n->u.num = (int64_t)(0 - num->num);
	} else if (t->kind == TK_NUM) {
		next(p);
		n = node_new(p->a, N_NUM, t->loc);
		n->u.num = (int64_t)t->num;
	} else if (t->kind == TK_STR) {
		n = string_literal(p);
	} else {
		fail_expected(p, what);
	}
	return n;
}

/* global_decl: 'global' gvar (',' gvar)* [';'];  gvar: IDENT ['%'] ['[' NUMBER ']'] ['=' literal]
 * ('%': a wrap-around array, whose oldest elements make room when it is full) */
static void parse_global(struct parser *p)
{
	const char *what = "variable name after 'global'";
	do {
		struct token *t = peek(p);
		struct sym *s = arena_alloc(p->a, sizeof(*s));
		s->name = ident_text(p, what);
		what = "variable name";
		s->kind = S_GLOBAL;
		s->loc = t->loc;
		s->type_loc = t->loc;
		if (accept_op(p, "%")) {
			s->wrap = true;
			s->is_array = true;
		}
		if (accept_op(p, "[")) {
			struct token *nt = peek(p);
			if (nt->kind != TK_NUM)
				fail_expected(p, "array size (a number)");
			next(p);
			if (nt->num == 0 || nt->num > UINT32_MAX)
				fail(p, nt, "invalid array size %s (expected 1 to %u)", nt->text, UINT32_MAX);
			s->max_entries = (uint32_t)nt->num;
			s->is_array = true;
			expect_op(p, "]", "after array size");
		}
		if (tok_is_op(peek(p), "=")) {
			if (s->is_array)
				fail(p, peek(p), "array '%s' cannot have an initializer", s->name);
			next(p);
			s->init = parse_literal(p, arena_printf(p->a, "number or string literal to initialize '%s'", s->name));
		}
		s->index = p->file->globals.n;
		sym_list_push(p->a, &p->file->globals, s);
	} while (accept_op(p, ","));
	accept_op(p, ";");
}

/* type: 'long' | 'string' */
static enum type parse_type(struct parser *p, struct loc *where)
{
	struct token *t = peek(p);
	if (tok_is_ident(t, "long") || tok_is_ident(t, "string")) {
		next(p);
		if (where)
			*where = t->loc;
		return t->text[0] == 'l' ? T_LONG : T_STRING;
	}
	fail_expected(p, "'long' or 'string' after ':'");
}

/* function_def: 'function' IDENT [':' type] '(' [param (',' param)*] ')' [':' type] block
 * param: IDENT [':' type] */
static void parse_function(struct parser *p)
{
	struct token *nt = peek(p);
	struct func *f = arena_alloc(p->a, sizeof(*f));
	f->name = ident_text(p, "function name after 'function'");
	f->loc = nt->loc;
	f->ret_loc = nt->loc;
	f->ret = T_UNKNOWN;
	if (accept_op(p, ":"))
		f->ret = parse_type(p, &f->ret_loc);
	expect_op(p, "(", "after function name");
	if (!accept_op(p, ")")) {
		for (;;) {
			struct token *pt = peek(p);
			struct sym *s = arena_alloc(p->a, sizeof(*s));
			s->name = ident_text(p, "parameter name");
			s->kind = S_PARAM;
			s->loc = pt->loc;
			s->type_loc = pt->loc;
			if (accept_op(p, ":"))
				s->type = parse_type(p, &s->type_loc);
			s->index = f->params.n;
			sym_list_push(p->a, &f->params, s);
			if (accept_op(p, ","))
				continue;
			expect_op(p, ")", "after function parameters");
			break;
		}
	}
	if (tok_is_op(peek(p), ":")) {
		struct token *c = next(p);
		if (f->ret != T_UNKNOWN)
			fail(p, c, "return type of function '%s' given twice", f->name);
		f->ret = parse_type(p, &f->ret_loc);
	}
	if (!tok_is_op(peek(p), "{"))
		fail_expected(p, "'{' to begin function body");
	f->body = parse_block(p);
	f->id = p->file->funcs.n;
	func_list_push(p->a, &p->file->funcs, f);
}

static bool is_toplevel_keyword(const struct token *t)
{
	return tok_is_ident(t, "probe") || tok_is_ident(t, "global") ||
	       tok_is_ident(t, "function") || tok_is_ident(t, "private");
}

/* definition: ['private'] (global_decl | function_def) | probe_def | ';' */
static void parse_definition(struct parser *p)
{
	struct token *t = peek(p);
	if (tok_is_op(t, ";")) {
		next(p);
		return;
	}
	if (tok_is_ident(t, "private")) {
		/* visibility only matters across tapset files, which we do not separate */
		next(p);
		t = peek(p);
		if (!tok_is_ident(t, "global") && !tok_is_ident(t, "function"))
			fail_expected(p, "'global' or 'function' after 'private'");
	}
	if (tok_is_ident(t, "probe")) {
		next(p);
		parse_probe(p, t);
	} else if (tok_is_ident(t, "global")) {
		next(p);
		parse_global(p);
	} else if (tok_is_ident(t, "function")) {
		next(p);
		parse_function(p);
	} else {
		fail_expected(p, "'probe', 'global' or 'function'");
	}
}

/* After an error: resume at the next definition keyword, reporting lexical errors skipped. */
static void recover(struct parser *p, uint32_t start)
{
	uint32_t i = p->pos > start ? p->pos : start + 1;
	if (i >= p->n)
		i = p->n - 1;
	for (; p->t[i].kind != TK_EOF; i++) {
		if (p->t[i].kind == TK_ERROR)
			lex_report(p->d, &p->t[i]);
		if (is_toplevel_keyword(&p->t[i]))
			break;
	}
	p->pos = i;
}

/* file: definition* EOF */
static void parse_toplevel(struct parser *p)
{
	while (peek(p)->kind != TK_EOF) {
		uint32_t start = p->pos;
		p->depth = 0;
		if (setjmp(p->fail) == 0)
			parse_definition(p);
		else
			recover(p, start);
	}
}

struct stp_file *parse_file(struct arena *a, struct diag *d, const struct src_file *src,
			    const struct parse_env *env)
{
	static const struct parse_env none = { 0 };
	struct stp_file *f = arena_alloc(a, sizeof(*f));
	f->src = src;
	struct token_list raw = lex_file(a, src);
	struct token_list toks = preprocess(a, &raw, env ? env : &none);
	struct parser p;
	memset(&p, 0, sizeof(p));
	p.a = a;
	p.d = d;
	p.file = f;
	p.t = toks.v;
	p.n = toks.n;
	parse_toplevel(&p);
	return f;
}
