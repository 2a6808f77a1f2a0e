# bstap: build, run the default example, run the tests.
#   make            build $(O)/bstap
#   make run        install missing packages, build, run examples/alias-prologue-epilogue.stp
#   make test       install missing packages, build (plus a sanitizer build), run every test
#   make deps       install missing Debian packages only
#   make test-vm    kprobe/fentry tests in a qemu VM booting Debian's 6.1 kernel (tests/vm/run.sh)
#   make fuzz       build the libFuzzer targets tests/fuzz/fuzz_*.c and run each FUZZ_TIME seconds
# O=dir selects the build directory (default build); V=1 shows full commands.

O ?= build
SAN_O := $(O)-san

CC ?= cc
CLANG ?= clang
PKG_CONFIG ?= pkg-config

WARN := -Wall -Wextra -Werror -Wshadow -Wundef -Wformat=2 -Wmissing-prototypes \
	-Wstrict-prototypes -Wmissing-field-initializers -Wno-format-nonliteral
CFLAGS ?= -g -O2
PREFIX ?= /usr/local
BSTAP_CFLAGS := -std=c11 -D_GNU_SOURCE $(WARN) -I. -MMD -MP -DBSTAP_PREFIX='"$(PREFIX)"'
LIBS := -lbpf -lelf -lz

ifeq ($(V),1)
Q :=
msg :=
else
Q := @
msg = @printf '  %-6s %s\n' $(1) $(2);
endif

# prog/ is the contract both halves share; the driver ties passes 1-5 together for bstap;
# bstap-run is prog/ + loader/ + runtime/ and nothing of the compiler.
SRCS := $(wildcard prog/*.c) $(wildcard lang/*.c) $(wildcard bpf/*.c) $(wildcard loader/*.c) \
	$(wildcard runtime/*.c) $(wildcard driver/*.c)
BSTAP_SRCS := $(filter-out runtime/run_main.c,$(SRCS))
RUN_SRCS := $(filter-out runtime/run_main.c,$(wildcard prog/*.c) $(wildcard loader/*.c) \
	$(wildcard runtime/*.c)) runtime/run_main.c
STATIC_LIBS := -lbpf -lelf -lz

.DELETE_ON_ERROR:
.PHONY: test-vm install aliases-regen tapset-docs bench-syscalls bench-stats all run test deps clean san unit-tests bench bench-events check-layers fuzz fuzz-build \
	fuzz-build-if-possible FORCE

all: $(O)/bstap $(O)/bstap-run $(O)/bstap-run-static

# the tracepoint tests' system-call load, static so that no dynamic loader adds calls before its own
all: $(O)/tests/sysload
$(O)/tests/sysload: tests/tools/sysload.c
	$(call msg,CC,$@)
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(CFLAGS) -std=c11 -D_GNU_SOURCE $(WARN) -static $< -o $@

# the system-call alias tests' workload, static for the same reason
all: $(O)/tests/syswork
$(O)/tests/syswork: tests/tools/syswork.c
	$(call msg,CC,$@)
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(CFLAGS) -std=c11 -D_GNU_SOURCE $(WARN) -static $< -o $@

# the user-space probe tests' program: a PIE linked with libc, SDT markers where sys/sdt.h is
# (frame pointers: print_ubacktrace() walks them)
all: $(O)/tests/utarget
$(O)/tests/utarget: tests/tools/utarget.c
	$(call msg,CC,$@)
	@mkdir -p $(dir $@)
	$(Q)$(CC) -O1 -g -std=gnu11 $(WARN) -fno-inline -fno-omit-frame-pointer -pie -fPIE $< -o $@

# one file to copy onto a host (or into a VM) with no libraries installed
$(O)/bstap-run-static: $(patsubst %.c,$(O)/obj/%.o,$(RUN_SRCS))
	$(call msg,LINK,$@)
	$(Q)$(CC) $(CFLAGS) -static $^ -o $@ $(STATIC_LIBS)

# Build one tree. $(1)=dir, $(2)=extra cflags/ldflags
define tree
$(1)/obj/%.o: %.c
	$$(call msg,CC,$$@)
	@mkdir -p $$(dir $$@)
	$(Q)$$(CC) $$(CFLAGS) $$(BSTAP_CFLAGS) -I$(1)/gen $(2) -c $$< -o $$@

# the BPF-side runtime header and the ABI it includes, as strings clang's input is written from
$(1)/gen/bstap_bpf_h.c: bpf/bstap.bpf.h prog/abi.h
	$$(call msg,GEN,$$@)
	@mkdir -p $$(dir $$@)
	$(Q){ printf 'const char bstap_bpf_h[] =\n'; \
	  sed -e 's/\\/\\\\/g' -e 's/"/\\"/g' -e 's/^/"/' -e 's/$$$$/\\n"/' bpf/bstap.bpf.h; \
	  printf ';\nconst char bstap_abi_h[] =\n'; \
	  sed -e 's/\\/\\\\/g' -e 's/"/\\"/g' -e 's/^/"/' -e 's/$$$$/\\n"/' prog/abi.h; \
	  printf ';\n'; } > $$@

$(1)/obj/gen/bstap_bpf_h.o: $(1)/gen/bstap_bpf_h.c
	@mkdir -p $$(dir $$@)
	$(Q)$$(CC) $$(CFLAGS) -c $$< -o $$@

$(1)/bstap: $(patsubst %.c,$(1)/obj/%.o,$(BSTAP_SRCS)) $(1)/obj/gen/bstap_bpf_h.o
	$$(call msg,LINK,$$@)
	$(Q)$$(CC) $$(CFLAGS) $(2) $$^ -o $$@ $$(LIBS)

# the runner links no compiler code: runtime/ and loader/ only
$(1)/bstap-run: $(patsubst %.c,$(1)/obj/%.o,$(RUN_SRCS))
	$$(call msg,LINK,$$@)
	$(Q)$$(CC) $$(CFLAGS) $(2) $$^ -o $$@ $$(LIBS) -Wl,-Map=$$@.map

-include $(patsubst %.c,$(1)/obj/%.d,$(SRCS))
endef

SANFLAGS := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
$(eval $(call tree,$(O),))
$(eval $(call tree,$(SAN_O),$(SANFLAGS)))

san: $(SAN_O)/bstap $(SAN_O)/bstap-run

# --- unit tests: each tests/unit/test_*.c links against every non-main object ---
UNIT_SRCS := $(wildcard tests/unit/test_*.c)
LIB_SRCS := $(filter-out driver/main.c runtime/run_main.c,$(SRCS))
$(SAN_O)/unit/%: tests/unit/%.c tests/unit/harness.h $(patsubst %.c,$(SAN_O)/obj/%.o,$(LIB_SRCS)) $(SAN_O)/obj/gen/bstap_bpf_h.o
	$(call msg,TEST,$@)
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(CFLAGS) $(BSTAP_CFLAGS) $(SANFLAGS) $< $(patsubst %.c,$(SAN_O)/obj/%.o,$(LIB_SRCS)) $(SAN_O)/obj/gen/bstap_bpf_h.o -o $@ $(LIBS)

unit-tests: $(patsubst tests/unit/%.c,$(SAN_O)/unit/%,$(UNIT_SRCS))

deps:
	@sh tests/install-deps.sh

bench-syscalls: all
	sh bench/syscalls.sh

bench-stats: all
	sh bench/stats.sh

# make install PREFIX=/usr/local DESTDIR=/tmp/stage: the binaries, the man pages and the alias
# libraries (PREFIX/share/bstap/aliases, found relative to the installed binary)
install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/man/man1
	install -m 755 $(O)/bstap $(O)/bstap-run $(O)/bstap-run-static $(DESTDIR)$(PREFIX)/bin/
	install -m 644 docs/bstap.1 docs/bstap-run.1 $(DESTDIR)$(PREFIX)/share/man/man1/
	cd aliases && find . -name '*.stp' | while read f; do \
		install -D -m 644 "$$f" "$(DESTDIR)$(PREFIX)/share/bstap/aliases/$$f" || exit 1; done

# the generated syscall libraries, from this kernel's tracepoint formats (needs tracefs, root)
aliases-regen:
	SYSCALL_ANY_OUT=aliases/syscall_any.stp python3 aliases/gen/syscalls.py > aliases/syscalls.stp
	$(MAKE) --no-print-directory tapset-docs

# docs/tapsets.md, from the libraries' doc comments
tapset-docs:
	python3 aliases/gen/tapset-docs.py aliases > docs/tapsets.md

run: deps
	@$(MAKE) --no-print-directory all
	./$(O)/bstap examples/alias-prologue-epilogue.stp

test: deps
	@$(MAKE) --no-print-directory all san unit-tests fuzz-build-if-possible
	@sh tests/run.sh $(O) $(SAN_O) $(FUZZ_O)

test-vm: deps
	@$(MAKE) --no-print-directory all
	@sh tests/vm/run.sh $(O)

# Includes follow the layers (prog < lang < bpf, prog < loader < runtime; driver ties them),
# and bstap-run links no compiler object. tests/run.sh runs it as its first test.
check-layers: $(O)/bstap-run
	@sh tests/check-layers.sh $(O)

clean:
	rm -rf $(O) $(SAN_O) $(FUZZ_O)

# --- fuzzing: each tests/fuzz/fuzz_NAME.c is a libFuzzer target linked with every non-main object,
# all built by clang with coverage, ASan and UBSan into $(FUZZ_O)/. `make fuzz` runs each for
# FUZZ_TIME seconds on its corpus tests/fuzz/corpus/NAME/ (read only: what it finds goes to
# $(FUZZ_O)/corpus/NAME/, crashes to $(FUZZ_O)/crash/NAME/) with the dictionary tests/fuzz/NAME.dict,
# else tests/fuzz/stap.dict (the language's words).
# `make test` (tests/run.sh) runs each for a fixed number of executions over its corpus and the
# crashing inputs kept in tests/fuzz/regress/NAME/. FUZZ=NAME picks one target.
FUZZ_O := $(O)-fuzz
FUZZ_TIME ?= 60
FUZZ_RUN_FLAGS ?=
# (clang's -Wmissing-field-initializers also flags designated initializers that gcc accepts)
FUZZ_CFLAGS := -g -O1 -fsanitize=address,undefined -fno-sanitize-recover=undefined \
	-fno-omit-frame-pointer
FUZZ_WARN := -Wno-missing-field-initializers
FUZZ_SRCS := $(wildcard tests/fuzz/fuzz_*.c)
FUZZ_BINS := $(patsubst tests/fuzz/%.c,$(FUZZ_O)/%,$(FUZZ_SRCS))

$(FUZZ_O)/obj/%.o: %.c
	$(call msg,CC,$@)
	@mkdir -p $(dir $@)
	$(Q)$(CLANG) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link $(BSTAP_CFLAGS) $(FUZZ_WARN) -c $< -o $@

$(FUZZ_O)/fuzz_%: tests/fuzz/fuzz_%.c $(patsubst %.c,$(FUZZ_O)/obj/%.o,$(LIB_SRCS)) $(SAN_O)/obj/gen/bstap_bpf_h.o
	$(call msg,FUZZ,$@)
	$(Q)$(CLANG) $(FUZZ_CFLAGS) -fsanitize=fuzzer $(BSTAP_CFLAGS) $(FUZZ_WARN) $^ -o $@ $(LIBS)

-include $(patsubst %.c,$(FUZZ_O)/obj/%.d,$(LIB_SRCS))

# the objects stay after a link (they are only a pattern rule's prerequisites)
.SECONDARY: $(patsubst %.c,$(FUZZ_O)/obj/%.o,$(LIB_SRCS))

fuzz-build: $(FUZZ_BINS)

# for make test: build the targets when clang's fuzzer runtime is there (tests/run.sh says why not)
fuzz-build-if-possible:
	@if sh tests/fuzz/have-fuzzer.sh >/dev/null; then \
		$(MAKE) --no-print-directory fuzz-build; fi

fuzz: fuzz-build
	@for b in $(if $(FUZZ),$(FUZZ_O)/fuzz_$(FUZZ),$(FUZZ_BINS)); do \
		n=$${b##*/fuzz_}; \
		mkdir -p $(FUZZ_O)/corpus/$$n $(FUZZ_O)/crash/$$n tests/fuzz/corpus/$$n; \
		echo "fuzz $$n for $(FUZZ_TIME) s"; \
		d=tests/fuzz/$$n.dict; [ -f $$d ] || d=tests/fuzz/stap.dict; \
		$$b -max_total_time=$(FUZZ_TIME) -dict=$$d -timeout=10 \
			-artifact_prefix=$(FUZZ_O)/crash/$$n/ $(FUZZ_RUN_FLAGS) \
			$(FUZZ_O)/corpus/$$n tests/fuzz/corpus/$$n \
			$$(ls -d tests/fuzz/regress/$$n 2>/dev/null) || exit 1; \
	done

# Startup benchmark against bpftrace and stap --runtime=bpf (never part of make test); N=runs.
bench: all FORCE
	@sh bench/startup.sh

# Per-event BPF cost and tracer memory against bpftrace and stap (never part of make test).
bench-events: all FORCE
	@sh bench/events.sh
