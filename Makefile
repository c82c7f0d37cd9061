# pkgtrace - build, test and install.
#   make            build ./pkgtrace
#   make deps       install build and test dependencies (Debian packages)
#   make test       build and run every test (what .ci/run calls)
#   make demo       trace the bundled demo project's npm install
#   make vmlinux    regenerate vmlinux.h from the running kernel's BTF
#   make fuzz       fuzz the trace reader for FUZZ_SECONDS (default 60)
#   make install    install the binary, man page, bash completion, schemas
#                   and licenses under $(DESTDIR)$(PREFIX) (default /usr/local)
#   make uninstall  remove what make install installed
#   make deb        a Debian package, build/pkgtrace_VERSION_ARCH.deb (dpkg-deb)

PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
MANDIR ?= $(PREFIX)/share/man
DATADIR ?= $(PREFIX)/share/pkgtrace
DOCDIR ?= $(PREFIX)/share/doc/pkgtrace
BASHCOMPDIR ?= $(PREFIX)/share/bash-completion/completions
CC ?= cc
CLANG ?= clang
BPFTOOL ?= bpftool
BUILD := build

ARCH := $(shell uname -m | sed 's/x86_64/x86/;s/aarch64/arm64/')
VERSION := $(shell cat VERSION 2>/dev/null || echo 0.0.0)

CFLAGS ?= -O2 -g
CFLAGS += -std=gnu11 -Wall -Wextra -Werror -I$(BUILD) -Ibpf -Iuser \
	-DPKGTRACE_VERSION='"$(VERSION)"'
LDLIBS += -lbpf -lelf -lz -ljson-c -lcurl -lpthread

BPF_CFLAGS := -g -O2 -target bpf -mcpu=v3 -D__TARGET_ARCH_$(ARCH) -I. -Ibpf -Wall -Werror

BPF_SRCS := $(wildcard bpf/*.bpf.c)
BPF_OBJS := $(patsubst bpf/%.bpf.c,$(BUILD)/%.bpf.o,$(BPF_SRCS))
SKELS := $(patsubst bpf/%.bpf.c,$(BUILD)/%.skel.h,$(BPF_SRCS))

# Sources in user/ and its subfolders (user/daemon/...), objects mirrored
# under build/ (build/daemon/...); includes stay relative to user/ (-Iuser).
USER_SRCS := $(sort $(shell find user -name '*.c'))
USER_HDRS := $(sort $(shell find user -name '*.h'))
USER_OBJS := $(patsubst user/%.c,$(BUILD)/%.o,$(USER_SRCS))
LIB_OBJS := $(filter-out $(BUILD)/main.o,$(USER_OBJS))
# The built-in baseline (baseline/default.json) compiled in as a C string.
BASELINE_OBJ := $(BUILD)/baseline_default.o
LIB_OBJS += $(BASELINE_OBJ)

UNIT_SRCS := $(wildcard tests/unit/test_*.c)
UNIT_BINS := $(patsubst tests/unit/%.c,$(BUILD)/tests/%,$(UNIT_SRCS))

DEB_BUILD_DEPS := clang llvm libbpf-dev bpftool libelf-dev zlib1g-dev libjson-c-dev libcurl4-openssl-dev \
	make gcc pkg-config
DEB_TEST_DEPS := nodejs python3 python3-venv python3-pip-whl python3-setuptools-whl \
	python3-wheel-whl python3-jsonschema python3-yaml util-linux iproute2 procps \
	git curl libclang-rt-14-dev man-db chromium

.PHONY: all deps test unit unit-san demo vmlinux install uninstall deb clean fuzz
# Keep the BPF object and skeleton: as intermediates make would delete them
# and rebuild every user object on each run.
.SECONDARY: $(BPF_OBJS) $(SKELS)

all: pkgtrace

$(BUILD):
	mkdir -p $(BUILD) $(BUILD)/tests

$(BUILD)/%.bpf.o: bpf/%.bpf.c bpf/events.h $(wildcard bpf/*.bpf.h) vmlinux.h | $(BUILD)
	$(CLANG) $(BPF_CFLAGS) -c $< -o $@

$(BUILD)/%.skel.h: $(BUILD)/%.bpf.o
	$(BPFTOOL) gen skeleton $< > $@

$(BUILD)/%.o: user/%.c $(USER_HDRS) bpf/events.h $(SKELS) | $(BUILD)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -c $< -o $@

$(BUILD)/baseline_default.c: baseline/default.json | $(BUILD)
	{ echo 'const char baseline_default_json[] ='; \
	  sed -e 's/\\/\\\\/g' -e 's/"/\\"/g' -e 's/^/"/' -e 's/$$/\\n"/' $<; echo ';'; } > $@

$(BASELINE_OBJ): $(BUILD)/baseline_default.c
	$(CC) $(CFLAGS) -c $< -o $@

pkgtrace: $(BASELINE_OBJ)
pkgtrace: $(USER_OBJS)
	$(CC) $(CFLAGS) $^ -o $@ $(LDLIBS)

$(BUILD)/tests/%: tests/unit/%.c tests/unit/unit.h $(LIB_OBJS) | $(BUILD)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -Itests/unit $< $(LIB_OBJS) -o $@ $(LDLIBS)

# Helper programs the integration tests run (tests/helpers/*.c).
HELPER_SRCS := $(wildcard tests/helpers/*.c)
HELPER_BINS := $(patsubst tests/helpers/%.c,$(BUILD)/helpers/%,$(HELPER_SRCS))

$(BUILD)/helpers/%: tests/helpers/%.c
	mkdir -p $(BUILD)/helpers
	$(CC) $(CFLAGS) $< -o $@

unit: $(UNIT_BINS) $(HELPER_BINS)

# The unit tests once more, built by clang with ASan + UBSan: an
# out-of-bounds read or undefined behaviour (the decoder fed random bytes in
# test_event, the string encoder in test_jsonstr) fails the binary.  Objects
# under $(SAN)/; tests/run runs these binaries too, as "san/test_*".
SAN := $(BUILD)/san
SAN_CFLAGS := -std=gnu11 -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined \
	-fno-sanitize-recover=all -Wall -Wextra -Werror -Wno-gnu-variable-sized-type-not-at-end \
	-Wno-unknown-warning-option \
	-I$(BUILD) -Ibpf -Iuser -DPKGTRACE_VERSION='"$(VERSION)"'
SAN_LIB_OBJS := $(patsubst $(BUILD)/%.o,$(SAN)/%.o,$(LIB_OBJS))
SAN_UNIT_BINS := $(patsubst tests/unit/%.c,$(SAN)/tests/%,$(UNIT_SRCS))

$(SAN)/%.o: user/%.c $(USER_HDRS) bpf/events.h $(SKELS) | $(BUILD)
	@mkdir -p $(@D)
	$(CLANG) $(SAN_CFLAGS) -c $< -o $@

$(SAN)/baseline_default.o: $(BUILD)/baseline_default.c
	@mkdir -p $(@D)
	$(CLANG) $(SAN_CFLAGS) -c $< -o $@

$(SAN)/tests/%: tests/unit/%.c tests/unit/unit.h $(SAN_LIB_OBJS)
	@mkdir -p $(@D)
	$(CLANG) $(SAN_CFLAGS) -Itests/unit $< $(SAN_LIB_OBJS) -o $@ $(LDLIBS)

# not intermediates: kept, so a second run rebuilds nothing
.SECONDARY: $(SAN_LIB_OBJS)
unit-san: $(SAN_UNIT_BINS)

# The package managers the yarn/pnpm tests run (tests/it/pm_yarn_pnpm.sh),
# pinned, from the npm registry: Debian 12 has no pnpm, and its yarn is
# yarnpkg 1.22.19 under another name. Idempotent: a reinstall of the same.
NPM_TEST_DEPS := yarn@1.22.22 pnpm@10.34.9

deps:
	apt-get update -qq
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(DEB_BUILD_DEPS) $(DEB_TEST_DEPS)
	npm install -g --no-audit --no-fund --no-update-notifier $(NPM_TEST_DEPS)

test: pkgtrace unit unit-san
	tests/run

demo: pkgtrace
	tests/demo/run-demo

vmlinux:
	$(BPFTOOL) btf dump file /sys/kernel/btf/vmlinux format c > vmlinux.h

# The trace reader under libFuzzer + ASan + UBSan, seeded from the committed
# traces (tests/fixtures) and anything it found before (build/fuzz/corpus).
FUZZ_SECONDS ?= 60
FUZZ_SRCS := tests/fuzz/fuzz_trace.c user/trace_reader.c user/trace_records.c user/session.c \
	user/event.c user/dns.c user/pathfold.c user/netaddr.c user/jsonstr.c \
	user/enforce/seccomp.c
$(BUILD)/fuzz/fuzz_trace: $(FUZZ_SRCS) user/trace.h user/trace_int.h user/trace_records.h \
		user/event.h user/session.h \
		user/netaddr.h user/jsonstr.h bpf/events.h
	mkdir -p $(BUILD)/fuzz
	$(CLANG) -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
		-Wno-gnu-variable-sized-type-not-at-end -Iuser -Ibpf $(FUZZ_SRCS) -o $@ -lz -ljson-c

fuzz: $(BUILD)/fuzz/fuzz_trace
	python3 tests/fuzz/mkseeds.py $(BUILD)/fuzz/corpus $(wildcard tests/fixtures/*.ptr)
	$(BUILD)/fuzz/fuzz_trace -max_total_time=$(FUZZ_SECONDS) -max_len=65536 -timeout=10 \
		-rss_limit_mb=2048 -artifact_prefix=$(BUILD)/fuzz/ $(BUILD)/fuzz/corpus

SCHEMA_FILES := $(wildcard schemas/*)
LICENSE_FILES := LICENSE $(wildcard LICENSES/*)

install: pkgtrace
	install -D -m 0755 pkgtrace $(DESTDIR)$(BINDIR)/pkgtrace
	install -D -m 0644 doc/pkgtrace.8 $(DESTDIR)$(MANDIR)/man8/pkgtrace.8
	install -D -m 0644 completion/pkgtrace.bash $(DESTDIR)$(BASHCOMPDIR)/pkgtrace
	install -d $(DESTDIR)$(DATADIR)/schemas $(DESTDIR)$(DOCDIR)
	install -D -m 0644 baseline/default.json $(DESTDIR)$(DATADIR)/baseline.json
	install -m 0644 $(SCHEMA_FILES) $(DESTDIR)$(DATADIR)/schemas/
	install -m 0644 $(LICENSE_FILES) README.md CHANGELOG.md $(DESTDIR)$(DOCDIR)/

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/pkgtrace $(DESTDIR)$(MANDIR)/man8/pkgtrace.8 \
		$(DESTDIR)$(BASHCOMPDIR)/pkgtrace $(DESTDIR)$(DATADIR)/baseline.json
	rm -rf $(DESTDIR)$(DATADIR)/schemas $(DESTDIR)$(DOCDIR)
	-rmdir $(DESTDIR)$(DATADIR) 2>/dev/null

# A Debian package of `make install PREFIX=/usr` (ci/mkdeb.sh: Depends
# from the libraries the binary links).
DEB_ARCH = $(shell dpkg --print-architecture)
deb: pkgtrace
	rm -rf $(BUILD)/deb
	$(MAKE) --no-print-directory install DESTDIR=$(CURDIR)/$(BUILD)/deb PREFIX=/usr
	ci/mkdeb.sh $(BUILD)/deb $(VERSION) $(BUILD)/pkgtrace_$(VERSION)_$(DEB_ARCH).deb

clean:
	rm -rf $(BUILD) pkgtrace
