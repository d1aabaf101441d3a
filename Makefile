# vmsim - trace-driven virtual-memory simulator.  `make help` lists the targets.
#
# SPDX-License-Identifier: BSD-2-Clause

# ---------------------------------------------------------------- settings
CC       ?= gcc
CFLAGS   ?= -std=c11 -O2 -g
WARNINGS := -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
            -Wundef -Wwrite-strings
PREFIX   ?= /usr/local
BINDIR   ?= $(PREFIX)/bin
MANDIR   ?= $(PREFIX)/share/man
COMPDIR  ?= $(PREFIX)/share/bash-completion/completions
DOCDIR   ?= $(PREFIX)/share/doc/vmsim
BUILD    ?= build
SANITIZE ?=
DEBUG    ?= 0
CI       ?=
LDLIBS   := -lpfm -lz -lm -pthread

CFLAGS   += -pthread
CPPFLAGS += -D_POSIX_C_SOURCE=200809L -Ireplay -Ipolicies -Icollect -Ianalysis -Icli -MMD -MP
ifeq ($(CI),true)
WARNINGS += -Werror
endif
ifneq ($(DEBUG),1)
CPPFLAGS += -DNDEBUG
endif
ifneq ($(SANITIZE),)
CFLAGS  += -fsanitize=$(SANITIZE) -fno-omit-frame-pointer -fno-sanitize-recover=all
LDFLAGS += -fsanitize=$(SANITIZE)
# a sanitized build lives apart so it never mixes objects with a normal one
BUILD   := $(BUILD)-san
endif
ALL_CFLAGS = $(CFLAGS) $(WARNINGS)

# ----------------------------------------------------------------- sources
LIB_SRC  := $(wildcard replay/*.c policies/*.c collect/*.c analysis/*.c)
LIB_OBJ  := $(LIB_SRC:%.c=$(BUILD)/%.o)
LIB      := $(BUILD)/libvmsim.a
BIN      := $(BUILD)/vmsim
CLI_OBJ  := $(BUILD)/vmsim.o $(patsubst %.c,$(BUILD)/%.o,$(wildcard cli/*.c))
TEST_SRC := $(wildcard tests/test_*.c)
TEST_BIN := $(TEST_SRC:tests/%.c=$(BUILD)/tests/%)
TEST_LIB_SRC := $(filter-out $(TEST_SRC),$(wildcard tests/*.c))
TEST_LIB_OBJ := $(TEST_LIB_SRC:%.c=$(BUILD)/%.o)
FUZZ_SECONDS ?= 10
FUZZ_BUILD := build-fuzz
FUZZ_SAN   := -fsanitize=address,undefined -fno-sanitize-recover=all
FUZZ_SRC   := $(filter-out tests/fuzz/fuzz_common.c,$(wildcard tests/fuzz/fuzz_*.c))
FUZZ_BIN   := $(FUZZ_SRC:tests/fuzz/%.c=$(FUZZ_BUILD)/%)
FUZZ_LIB_OBJ := $(LIB_SRC:%.c=$(FUZZ_BUILD)/obj/%.o) $(FUZZ_BUILD)/obj/tests/fuzz/fuzz_common.o
DEPS_STAMP_BUILD := /usr/include/zlib.h /usr/include/perfmon/pfmlib.h
DEPS_STAMP_TEST  := /usr/include/cmocka.h

.PHONY: all vmsim test demo bench install clean help deps traces fuzz figures
# ./vmsim is relinked on every make, to the binary of that build (plain or
# SANITIZE=...).  Objects that pattern chains would delete as intermediates
# are kept, and only these: a bare `.SECONDARY:` makes every target secondary, and then a
# missing $(BIN) of another build (SANITIZE=...) is never made once ./vmsim
# exists ("Nothing to be done" after a plain make).
.SECONDARY: $(TEST_BIN:%=%.o) $(TEST_LIB_OBJ) $(FUZZ_LIB_OBJ) \
            $(FUZZ_SRC:tests/fuzz/%.c=$(FUZZ_BUILD)/obj/tests/fuzz/%.o)
all: vmsim

help:
	@echo "make            build ./vmsim (installs missing Debian packages first)"
	@echo "make test       build and run every test (cmocka units + CLI end-to-end)"
	@echo "make demo       record a real trace with valgrind lackey and replay it"
	@echo "make test-cluster  batch plans on a private Slurm and GNU Parallel (root)"
	@echo "make bench      run the benchmarks, results in bench/"
	@echo "make figures    the figure gallery, docs/figures/*.png and *.pdf"
	@echo "make install PREFIX=/usr/local [DESTDIR=...]   the binary, man page, bash completion, README"
	@echo "make uninstall  remove exactly what make install installed (same PREFIX, DESTDIR)"
	@echo "make static     build/vmsim-static, a binary without shared libraries"
	@echo "make man        build/vmsim.1; make completion: build/vmsim.bash (from the option tables)"
	@echo "make clean"
	@echo "knobs: SANITIZE=address,undefined  DEBUG=1 (asserts on)  CI=true (-Werror)"

# --------------------------------------------------------------- building
$(DEPS_STAMP_BUILD):
	./deps.sh build
$(DEPS_STAMP_TEST):
	./deps.sh test

vmsim: $(BIN)
	ln -sf $(BIN) vmsim

$(BUILD)/%.o: %.c | $(DEPS_STAMP_BUILD)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(ALL_CFLAGS) -c $< -o $@

$(LIB): $(LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(BIN): $(CLI_OBJ) $(LIB)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/tests/%.o: tests/%.c | $(DEPS_STAMP_TEST)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) -Itests $(ALL_CFLAGS) -c $< -o $@

$(BUILD)/tests/test_%: $(BUILD)/tests/test_%.o $(TEST_LIB_OBJ) $(LIB)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS) -lcmocka

# ------------------------------------------------------------------ tests
# every cmocka binary, every tests/cli*.sh, and a short run of each fuzz target
test: $(BIN) $(TEST_BIN) $(FUZZ_BIN)
	@./deps.sh test
	VMSIM=$(abspath $(BIN)) TRACES=$(abspath traces) TESTDATA=$(abspath tests/data) \
	  FUZZ_SECONDS=$(FUZZ_SECONDS) ./tests/run.sh $(TEST_BIN) -- $(FUZZ_BIN)

# libFuzzer targets, one per parser, built with clang apart from the rest
$(FUZZ_BUILD)/obj/%.o: %.c | $(DEPS_STAMP_TEST)
	@mkdir -p $(dir $@)
	clang $(CPPFLAGS) -Itests/fuzz -std=c11 -g -O1 -fsanitize=fuzzer-no-link $(FUZZ_SAN) -c $< -o $@

$(FUZZ_BUILD)/fuzz_%: $(FUZZ_BUILD)/obj/tests/fuzz/fuzz_%.o $(FUZZ_LIB_OBJ)
	clang -fsanitize=fuzzer $(FUZZ_SAN) -o $@ $^ $(LDLIBS)

fuzz: $(FUZZ_BIN)
	./tests/fuzz/run.sh $(FUZZ_SECONDS) $(FUZZ_BIN)

# batch plans run for real on a private single-node Slurm and through GNU Parallel
# (installs slurm-wlm, munge, parallel; needs root; tests/cluster/README.md)
.PHONY: test-cluster
test-cluster: $(BIN)
	VMSIM=$(abspath $(BIN)) TRACES=$(abspath traces) ./tests/cluster/run.sh

# ------------------------------------------------------------------- demo
demo: vmsim
	./deps.sh demo
	VMSIM=$(abspath $(BIN)) ./traces/demo.sh

# the figure gallery (needs gnuplot): docs/figures/*.png, *.pdf, *.gp, *.dat
figures: $(BIN)
	./deps.sh test
	VMSIM=$(abspath $(BIN)) ./docs/figures/make.sh

# regenerate the shipped real traces (needs valgrind)
traces: $(BIN)
	./deps.sh demo
	VMSIM=$(abspath $(BIN)) ./traces/make-traces.sh

# bench/bench.c is a helper (timed kernels linked against the library), built
# apart from it; `make test` builds it too, for tests/cli_bench.sh
BENCH_BIN := $(BUILD)/bench/vmsim-bench
BENCH_ENV  = VMSIM=$(abspath $(BIN)) VMSIM_BENCH=$(abspath $(BENCH_BIN))
.PHONY: bench-small
$(BENCH_BIN): $(BUILD)/bench/bench.o $(LIB)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)
test: $(BENCH_BIN)

bench: $(BIN) $(BENCH_BIN)
	$(BENCH_ENV) ./bench/run.sh

# about a million references: a minute, to see that the driver works
bench-small: $(BIN) $(BENCH_BIN)
	$(BENCH_ENV) BENCH_SMALL=1 ./bench/run.sh
-include $(BUILD)/bench/bench.d

# ------------------------------------------------------------- packaging
# The man page and the bash completion are printed by the binary itself from
# the option tables that make its --help (`vmsim help --man`,
# `vmsim help --bash-completion`, cli/docgen.c), so they cannot drift.
MAN1       := $(BUILD)/vmsim.1
COMPLETION := $(BUILD)/vmsim.bash
STATIC_BIN := $(BUILD)/vmsim-static
INSTALLED   = $(DESTDIR)$(BINDIR)/vmsim $(DESTDIR)$(MANDIR)/man1/vmsim.1 \
              $(DESTDIR)$(COMPDIR)/vmsim $(DESTDIR)$(DOCDIR)/README.md \
              $(DESTDIR)$(DOCDIR)/LICENSE
.PHONY: uninstall static man completion
man: $(MAN1)
completion: $(COMPLETION)
$(MAN1): $(BIN)
	$(BIN) help --man >$@.tmp && mv $@.tmp $@
$(COMPLETION): $(BIN)
	$(BIN) help --bash-completion >$@.tmp && mv $@.tmp $@

install: $(BIN) $(MAN1) $(COMPLETION)
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(COMPDIR) $(DESTDIR)$(DOCDIR)
	install -m 755 $(BIN) $(DESTDIR)$(BINDIR)/vmsim
	install -m 644 $(MAN1) $(DESTDIR)$(MANDIR)/man1/vmsim.1
	install -m 644 $(COMPLETION) $(DESTDIR)$(COMPDIR)/vmsim
	install -m 644 README.md $(DESTDIR)$(DOCDIR)/README.md
	install -m 644 LICENSE $(DESTDIR)$(DOCDIR)/LICENSE

# exactly what install wrote, and vmsim's own doc folder if it is empty now
uninstall:
	rm -f $(INSTALLED)
	-rmdir $(DESTDIR)$(DOCDIR) 2>/dev/null

# the same objects linked with -static: libpfm4, zlib and libc inside, for
# machines (cluster workers) without the packages; not with SANITIZE
static: $(STATIC_BIN)
$(STATIC_BIN): $(CLI_OBJ) $(LIB)
	$(CC) -static $(LDFLAGS) -o $@ $^ $(LDLIBS)

clean:
	rm -rf build build-san build-fuzz vmsim

-include $(LIB_OBJ:.o=.d) $(CLI_OBJ:.o=.d) $(TEST_BIN:=.d) $(TEST_LIB_OBJ:.o=.d) $(FUZZ_LIB_OBJ:.o=.d)
