# husk - an OCI container runtime.
#   make            static ./husk
#   make DYNAMIC=1  dynamically linked ./husk
#   make check      install test deps, build, run every suite
#   make demo       install deps, build, run a busybox container
#   make install    PREFIX=/usr/local DESTDIR=  (binary, man pages, completions)

VERSION := 0.1.0
COMMIT := $(shell git rev-parse --short HEAD 2>/dev/null || echo unknown)
PREFIX ?= /usr/local
DESTDIR ?=
CC ?= gcc
BUILD := build

CFLAGS ?= -O2 -g
WARN := -Wall -Wextra -Werror -Wshadow -Wno-unused-parameter
# gcc's guesses about snprintf truncation misfire on bounded path buffers
ifeq ($(findstring clang,$(shell $(CC) --version 2>/dev/null)),)
WARN += -Wno-format-truncation
else
# option tables end with { NULL }: the rest is zero by the language
WARN += -Wno-missing-field-initializers
endif
CPPFLAGS += -Iinclude -D_GNU_SOURCE -DHUSK_VERSION='"$(VERSION)"' -DHUSK_COMMIT='"$(COMMIT)"'
ALL_CFLAGS = -std=gnu11 $(WARN) $(CFLAGS) -MMD -MP

ifeq ($(DYNAMIC),1)
LIBS := -lseccomp -lyajl -lm
else
LIBS := -static -lseccomp -lyajl_s -lm
endif

OCI_SRC := $(wildcard oci/*.c)
UTIL_SRC := $(wildcard src/util/*.c)
# pure runtime code that the unit tests link as well
UNIT_EXTRA_SRC := src/criu.c
# the state.json parser (state_parse), unit-tested and fuzzed
UNIT_EXTRA_SRC += src/state.c
# capability names, and the sets of the test process itself
UNIT_EXTRA_SRC += src/linux/caps.c
# husk moving onto a read-only view of its own file, tried on the test
UNIT_EXTRA_SRC += src/linux/exeswap.c
RUNTIME_SRC := $(wildcard src/*.c src/cmd/*.c src/linux/*.c)
HUSK_OBJ := $(patsubst %.c,$(BUILD)/%.o,$(OCI_SRC) $(UTIL_SRC) $(RUNTIME_SRC))
# cgroup code is unit-tested too, against fake cgroupfs trees
CGROUP_SRC := $(wildcard src/linux/cgroup*.c)
# and seccomp code, against libseccomp's compiler
UNIT_EXTRA_SRC += $(wildcard src/linux/seccomp*.c)
LIB_OBJ := $(patsubst %.c,$(BUILD)/%.o,$(OCI_SRC) $(UTIL_SRC) $(CGROUP_SRC) $(UNIT_EXTRA_SRC))

UNIT_SRC := $(wildcard tests/unit/test-*.c)
UNIT_BIN := $(patsubst tests/unit/%.c,$(BUILD)/unit/%,$(UNIT_SRC))
UNIT_ASAN_BIN := $(patsubst tests/unit/%.c,$(BUILD)/unit-asan/%,$(UNIT_SRC))
# Helper programs of the bats tests (tests/tools/NAME.c -> build/tools/NAME).
TEST_TOOLS := $(patsubst tests/tools/%.c,$(BUILD)/tools/%,$(wildcard tests/tools/*.c))

.PHONY: all check check-unit check-bats demo deps test-deps install clean
all: husk

husk: $(HUSK_OBJ)
	$(CC) $(ALL_CFLAGS) -o $@ $^ $(LDFLAGS) $(LIBS)

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(ALL_CFLAGS) -c -o $@ $<

-include $(HUSK_OBJ:.o=.d)

# main.o and features.o carry the commit (husk --version, husk features):
# rebuilt when HEAD moves, not only when their sources change
$(BUILD)/commit: FORCE
	@mkdir -p $(BUILD); echo '$(COMMIT)' | cmp -s - $@ || echo '$(COMMIT)' >$@
$(BUILD)/src/main.o $(BUILD)/src/cmd/features.o: $(BUILD)/commit
.PHONY: FORCE
FORCE:

$(BUILD)/tools/%: tests/tools/%.c
	@mkdir -p $(dir $@)
	$(CC) -std=gnu11 $(WARN) $(CFLAGS) -o $@ $<

# Unit tests link the pure layers (oci/, src/util/) and run as plain
# binaries printing TAP. They are built twice: plain and with ASan/UBSan.
$(BUILD)/unit/%: tests/unit/%.c tests/unit/unit.h $(LIB_OBJ)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) -Itests/unit $(ALL_CFLAGS) -o $@ $< $(LIB_OBJ) -lseccomp -lyajl -lm

ASAN := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
$(BUILD)/unit-asan/%: tests/unit/%.c tests/unit/unit.h $(OCI_SRC) $(UTIL_SRC) $(CGROUP_SRC) $(UNIT_EXTRA_SRC)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) -Itests/unit -std=gnu11 $(WARN) -O1 -g $(ASAN) -o $@ $< $(OCI_SRC) $(UTIL_SRC) $(UNIT_EXTRA_SRC) $(CGROUP_SRC) -lseccomp -lyajl -lm

# Debian packages: the build needs the -dev libraries, the tests bats and a
# busybox-static to make root filesystems from.
BUILD_PKGS := libseccomp-dev libyajl-dev pkg-config
TEST_PKGS := bats busybox-static socat procps iproute2 util-linux jq criu
# podman.bats and containerd.bats run husk under the managers (containerd
# brings ctr and containerd-shim-runc-v2)
TEST_PKGS += podman conmon containerd
deps:
	@tests/install-packages $(BUILD_PKGS)
test-deps: deps
	@tests/install-packages $(TEST_PKGS)

check: test-deps
	@$(MAKE) --no-print-directory husk $(UNIT_BIN) $(UNIT_ASAN_BIN)
	@$(MAKE) --no-print-directory $(TEST_TOOLS) $(CHECK_EXTRA_BUILD)
	@tests/run-suites $(UNIT_BIN) $(UNIT_ASAN_BIN) $(CHECK_SUITES) -- tests/bats $(CHECK_BATS_DIRS)

check-unit: $(UNIT_BIN) $(UNIT_ASAN_BIN)
	@tests/run-suites $(UNIT_BIN) $(UNIT_ASAN_BIN) --

check-bats: husk
	@$(MAKE) --no-print-directory $(TEST_TOOLS)
	@tests/run-suites -- tests/bats

# The demo edits config.json with jq (it falls back to sed without it).
demo: deps
	@tests/install-packages busybox-static jq
	@$(MAKE) --no-print-directory husk
	@tests/demo

# Man pages are plain roff (docs/*.8): nothing to build, `man -l` reads them.
MANPAGES := $(wildcard docs/*.8)
MANDIR := $(PREFIX)/share/man/man8
BASHCOMPDIR := $(PREFIX)/share/bash-completion/completions
ZSHCOMPDIR := $(PREFIX)/share/zsh/site-functions
FISHCOMPDIR := $(PREFIX)/share/fish/vendor_completions.d

.PHONY: uninstall
install: husk
	install -D -m 0755 husk $(DESTDIR)$(PREFIX)/sbin/husk
	install -d $(DESTDIR)$(MANDIR)
	install -m 0644 $(MANPAGES) $(DESTDIR)$(MANDIR)/
	install -D -m 0644 completions/husk.bash $(DESTDIR)$(BASHCOMPDIR)/husk
	install -D -m 0644 completions/_husk $(DESTDIR)$(ZSHCOMPDIR)/_husk
	install -D -m 0644 completions/husk.fish $(DESTDIR)$(FISHCOMPDIR)/husk.fish

uninstall:
	rm -f $(DESTDIR)$(PREFIX)/sbin/husk $(addprefix $(DESTDIR)$(MANDIR)/,$(notdir $(MANPAGES)))
	rm -f $(DESTDIR)$(BASHCOMPDIR)/husk $(DESTDIR)$(ZSHCOMPDIR)/_husk $(DESTDIR)$(FISHCOMPDIR)/husk.fish

clean:
	rm -rf $(BUILD) husk

# make bench: time husk side by side with runc, crun and the floor
# (bench/floor.c) with hyperfine; prints and writes build/bench/report.md.
# Not part of check (check only builds the bench tools for its smoke test).
BENCH_TOOLS := $(patsubst bench/%.c,$(BUILD)/bench/bin/%,$(wildcard bench/*.c))
BENCH_PKGS := hyperfine runc crun jq busybox-static binutils
.PHONY: bench bench-tools
bench: deps
	@tests/install-packages $(BENCH_PKGS)
	@$(MAKE) --no-print-directory husk $(BENCH_TOOLS)
	@bench/run
bench-tools: $(BENCH_TOOLS)
check check-bats: $(BENCH_TOOLS)
$(BUILD)/bench/bin/%: bench/%.c
	@mkdir -p $(dir $@)
	$(CC) -std=gnu11 $(WARN) $(CFLAGS) -static -o $@ $<

# ---------------------------------------------------------- reliability
# Fuzzing (clang libFuzzer with ASan/UBSan), make check-asan (the bats
# suite against an ASan/UBSan husk), make lint (cppcheck, clang-tidy),
# stress and soak. docs/testing.md says what each proves.
#   make fuzz FUZZ_SECONDS=N   each target for N seconds (default 300)
#   make check-asan            bats and stress against build/asan/husk
#   make lint                  cppcheck + clang-tidy, must be clean
#   make soak SOAK_CYCLES=N    N sequential run/delete cycles (default 1000)
FUZZ_PKGS := clang libclang-rt-14-dev
LINT_PKGS := cppcheck clang-tidy
FUZZ_CC := clang
FUZZ_TARGETS := config state args
FUZZ_SECONDS ?= 300
# make check runs each target this long (tests/fuzz/check reads it)
CHECK_FUZZ_SECONDS ?= 20
export CHECK_FUZZ_SECONDS
SOAK_CYCLES ?= 1000
CHECK_SOAK_CYCLES ?= 200
FUZZ_SAN := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
CLANG_WARN := $(filter-out -Wno-format-truncation,$(WARN))
FUZZ_CFLAGS := -std=gnu11 $(CLANG_WARN) -g -O1 $(FUZZ_SAN)
FUZZ_LIB_SRC := $(OCI_SRC) $(UTIL_SRC) $(CGROUP_SRC) src/state.c
FUZZ_LIB_OBJ := $(patsubst %.c,$(BUILD)/fuzz/obj/%.o,$(FUZZ_LIB_SRC))
FUZZ_BIN := $(patsubst %,$(BUILD)/fuzz/fuzz-%,$(FUZZ_TARGETS))
.SECONDARY: $(FUZZ_LIB_OBJ)

.PHONY: fuzz fuzz-build fuzz-deps check-fuzz
fuzz-deps:
	@tests/install-packages $(FUZZ_PKGS)

$(BUILD)/fuzz/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(CPPFLAGS) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -MMD -MP -c -o $@ $<

-include $(FUZZ_LIB_OBJ:.o=.d)

$(BUILD)/fuzz/fuzz-%: tests/fuzz/fuzz-%.c $(FUZZ_LIB_OBJ)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(CPPFLAGS) $(FUZZ_CFLAGS) -fsanitize=fuzzer -o $@ $< $(FUZZ_LIB_OBJ) -lyajl -lm

fuzz-build: fuzz-deps
	@$(MAKE) --no-print-directory $(FUZZ_BIN)

fuzz: fuzz-build
	@tests/fuzz/run-fuzz $(FUZZ_SECONDS) $(FUZZ_TARGETS)

# the TAP suite make check runs
check-fuzz: fuzz-build
	@tests/run-suites tests/fuzz/check --

# What make check adds: the fuzz targets for a short bounded time (see
# CHECK_FUZZ_SECONDS), as TAP suites counted with the others.
check: fuzz-deps
CHECK_EXTRA_BUILD += $(FUZZ_BIN)
CHECK_SUITES += tests/fuzz/check

# make lint: cppcheck and clang-tidy, clean on the whole tree (the checks:
# .clang-tidy and tests/lint/run); make check runs it as a TAP suite.
.PHONY: lint lint-deps
lint-deps:
	@tests/install-packages $(LINT_PKGS)
lint: lint-deps
	@tests/run-suites tests/lint/run --
check: lint-deps
CHECK_SUITES += tests/lint/run

# make check-asan: the bats and stress suites against an ASan/UBSan build
# of husk (build/asan/husk, dynamically linked: the sanitizer runtimes do
# not link statically), leak checking on. Reports go to build/asan/logs/,
# and a last suite (tests/asan/reports.bats) fails on any. Not part of
# make check: it runs the whole bats suite a second time.
ASAN_DIR := $(BUILD)/asan
ASAN_HUSK := $(ASAN_DIR)/husk
ASAN_HUSK_OBJ := $(patsubst %.c,$(ASAN_DIR)/obj/%.o,$(OCI_SRC) $(UTIL_SRC) $(RUNTIME_SRC))
.PHONY: check-asan
$(ASAN_DIR)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) -std=gnu11 $(WARN) -O1 -g $(ASAN) -MMD -MP -c -o $@ $<
-include $(ASAN_HUSK_OBJ:.o=.d)
$(ASAN_HUSK): $(ASAN_HUSK_OBJ)
	$(CC) $(ASAN) -o $@ $^ -lseccomp -lyajl -lm
check-asan: test-deps
	@$(MAKE) --no-print-directory $(ASAN_HUSK) $(TEST_TOOLS) $(BENCH_TOOLS)
	@tests/asan/run

# Stress and soak (tests/stress/): make check runs them with bounded sizes
# (50 containers at once, 10 rounds of each race, CHECK_SOAK_CYCLES
# run/delete cycles); make soak runs SOAK_CYCLES cycles.
.PHONY: soak
check: export HUSK_SOAK_CYCLES = $(CHECK_SOAK_CYCLES)
CHECK_BATS_DIRS += tests/stress
soak: test-deps
	@$(MAKE) --no-print-directory husk
	@HUSK_SOAK_CYCLES=$(SOAK_CYCLES) bats --tap tests/stress/soak.bats
