# Yixiang — one non-recursive GNU Makefile.
#
# Sources are found by directory, so adding a module means adding a file:
#   core/*.c     -> build/libcore.a      (no curses, no microhttpd)
#   tui/*.c      -> build/libtui.a       (no core/)
#   screens/*.c  -> build/yx             (screens/main.c holds main())
#   backend/*.c  -> build/yxd            (backend/main.c holds main())
#   tests/unit/test_*.c, tests/integration/test_*.c, tests/term/test_*.c
#                -> one cmocka binary each, linked with everything but main()
#   tests/common/*.c  helpers linked into every test binary
#   tests/shim/*.c    preloaded fault injectors -> build/t/libyx_*.so
#
# Two variants: build/ (release, -O2) and build/t/ (test, ASan + UBSan).
# `make test` builds the test variant of yx, yxd and every test, then runs
# tests/run.sh, which ends with the line "N passed, N failed".

.DEFAULT_GOAL := all
SHELL := /bin/bash

PREFIX  ?= /usr/local
DESTDIR ?=
BINDIR   = $(PREFIX)/bin
DATADIR  = $(PREFIX)/share/yixiang
MANDIR   = $(PREFIX)/share/man
LOCALEDIR= $(PREFIX)/share/locale

VERSION := 0.1.0
CC      ?= cc
PKG     ?= pkg-config

# Debian packages needed to build and test; `make deps` installs the missing.
DEPS_DEB := build-essential pkg-config libncurses-dev libsqlite3-dev \
            libcurl4-openssl-dev libcjson-dev libmicrohttpd-dev libsodium-dev \
            libcmocka-dev libvterm-dev gettext sqlite3 openssl \
            libgoogle-perftools-dev
# Optional peers for `make bench` (XGBoost's C API, wrk).
DEPS_BENCH := libxgboost-dev wrk

PKGS_CORE    := sqlite3 libcurl libcjson libsodium
PKGS_TUI     := ncursesw
PKGS_BACKEND := libmicrohttpd

pkgcflags = $(filter-out -D%,$(shell $(PKG) --cflags $(1) 2>/dev/null))
pkglibs   = $(shell $(PKG) --libs $(1) 2>/dev/null)

WARN := -Wall -Wextra -Wshadow -Wcast-qual -Wstrict-prototypes \
        -Wmissing-prototypes -Wformat=2 -Wundef -Wwrite-strings \
        -Wno-format-nonliteral -Werror
DEFS := -D_POSIX_C_SOURCE=200809L -D_XOPEN_SOURCE=700 -D_DEFAULT_SOURCE \
        -DYX_VERSION='"$(VERSION)"' -DYX_DATADIR='"$(DATADIR)"' \
        -DYX_LOCALEDIR='"$(LOCALEDIR)"'
BASE_CFLAGS := -std=c11 $(WARN) $(DEFS) -I. -MMD -MP \
        $(call pkgcflags,$(PKGS_CORE) $(PKGS_TUI) $(PKGS_BACKEND))
REL_CFLAGS  := $(BASE_CFLAGS) -O2 -g
# Quiet by default; `make V=1` shows whole command lines.
ifeq ($(V),1)
Q :=
say :=
else
Q := @
say = printf '  %-6s %s\n' $(1) $(2);
endif
TEST_CFLAGS := $(BASE_CFLAGS) -O1 -g -fno-omit-frame-pointer \
               -fsanitize=address,undefined -fno-sanitize-recover=undefined
TEST_LDFLAGS := -fsanitize=address,undefined

LIBS_CORE    := $(call pkglibs,$(PKGS_CORE)) -lm -lpthread
LIBS_TUI     := $(call pkglibs,$(PKGS_TUI))
LIBS_BACKEND := $(call pkglibs,$(PKGS_BACKEND))
LIBS_VTERM   := $(call pkglibs,vterm cmocka)
# The release yxd allocates through tcmalloc (gperftools): under intake load
# glibc's malloc cost about a fifth of yxd's CPU in arena locking and
# consolidation. The test build keeps ASan's allocator.
LIBS_MALLOC  := $(call pkglibs,libtcmalloc_minimal)

CORE_SRC    := $(wildcard core/*.c)
TUI_SRC     := $(wildcard tui/*.c)
SCREENS_SRC := $(filter-out screens/main.c,$(wildcard screens/*.c))
BACKEND_SRC := $(filter-out backend/main.c,$(wildcard backend/*.c))
COMMON_SRC  := $(wildcard tests/common/*.c)
TEST_SRC    := $(wildcard tests/unit/test_*.c tests/integration/test_*.c tests/term/test_*.c)
BENCH_SRC   := $(wildcard tests/bench/bench_*.c)
FUZZ_SRC    := $(wildcard tests/fuzz/fuzz_*.c)
PO_FILES    := $(wildcard assets/po/*.po)

# $(call objs,VARIANT_DIR,SOURCES)
objs = $(patsubst %.c,$(1)/obj/%.o,$(2))

define variant
# $(1) = output dir, $(2) = CFLAGS, $(3) = extra LDFLAGS, $(4) = yxd's allocator
$(1)/obj/%.o: %.c
	@mkdir -p $$(@D)
	$(Q)$$(call say,CC,$$@)$$(CC) $(2) -c $$< -o $$@

$(1)/libcore.a: $(call objs,$(1),$(CORE_SRC))
	@mkdir -p $$(@D); rm -f $$@; ar rcs $$@ $$^
$(1)/libtui.a: $(call objs,$(1),$(TUI_SRC))
	@mkdir -p $$(@D); rm -f $$@; ar rcs $$@ $$^
$(1)/libscreens.a: $(call objs,$(1),$(SCREENS_SRC))
	@mkdir -p $$(@D); rm -f $$@; ar rcs $$@ $$^
$(1)/libbackend.a: $(call objs,$(1),$(BACKEND_SRC))
	@mkdir -p $$(@D); rm -f $$@; ar rcs $$@ $$^

$(1)/yx: $(1)/obj/screens/main.o $(1)/libscreens.a $(1)/libtui.a $(1)/libcore.a
	$(Q)$$(call say,LINK,$$@)$$(CC) $(3) -o $$@ $$^ $(LIBS_TUI) $(LIBS_CORE)
$(1)/yxd: $(1)/obj/backend/main.o $(1)/libbackend.a $(1)/libcore.a
	$(Q)$$(call say,LINK,$$@)$$(CC) $(3) -o $$@ $$^ $(LIBS_BACKEND) $(LIBS_CORE) $(4)

-include $$(shell find $(1)/obj -name '*.d' 2>/dev/null)
endef

REL  := build
TST  := build/t

# The install paths are compiled in; rebuild what uses them when they change
# (make install PREFIX=/usr after a plain make).
PATHS_STAMP := build/.paths
$(shell mkdir -p build; echo '$(DATADIR) $(LOCALEDIR)' | cmp -s - $(PATHS_STAMP) || echo '$(DATADIR) $(LOCALEDIR)' > $(PATHS_STAMP))
$(REL)/obj/core/util.o $(TST)/obj/core/util.o $(REL)/obj/screens/main.o $(TST)/obj/screens/main.o: $(PATHS_STAMP)
$(eval $(call variant,$(REL),$(REL_CFLAGS),,$(LIBS_MALLOC)))
$(eval $(call variant,$(TST),$(TEST_CFLAGS),$(TEST_LDFLAGS)))

TEST_LIBS := $(TST)/libscreens.a $(TST)/libbackend.a $(TST)/libtui.a $(TST)/libcore.a
TEST_BINS := $(patsubst tests/%.c,$(TST)/tests/%,$(TEST_SRC))
-include $(shell find $(TST)/tests $(REL)/bench -name '*.d' 2>/dev/null)

$(TST)/tests/%: tests/%.c $(call objs,$(TST),$(COMMON_SRC)) $(TEST_LIBS)
	@mkdir -p $(@D)
	$(Q)$(call say,TEST,$@)$(CC) $(TEST_CFLAGS) $(TEST_LDFLAGS) -o $@ $< $(call objs,$(TST),$(COMMON_SRC)) \
	    $(TEST_LIBS) $(LIBS_VTERM) $(LIBS_TUI) $(LIBS_BACKEND) $(LIBS_CORE)

# A preloaded fault injector for the disk (tests/shim): plain, unsanitized.
SHIMS := $(patsubst tests/shim/%.c,$(TST)/libyx_%.so,$(wildcard tests/shim/*.c))
$(TST)/libyx_%.so: tests/shim/%.c
	@mkdir -p $(@D)
	$(Q)$(call say,SHIM,$@)$(CC) -std=c11 -O1 -g -Wall -Wextra -Werror -fPIC -shared -o $@ $< -ldl

# Benchmarks are built optimised, without sanitizers.
BENCH_BINS := $(patsubst tests/bench/%.c,$(REL)/bench/%,$(BENCH_SRC))
REL_LIBS := $(REL)/libscreens.a $(REL)/libbackend.a $(REL)/libtui.a $(REL)/libcore.a
XGB_LIBS := $(shell test -e /usr/include/xgboost/c_api.h && echo -DHAVE_XGBOOST -lxgboost)
$(REL)/bench/%: tests/bench/%.c $(call objs,$(REL),$(COMMON_SRC)) $(REL_LIBS)
	@mkdir -p $(@D)
	$(Q)$(call say,BENCH,$@)$(CC) $(REL_CFLAGS) $(filter -D%,$(XGB_LIBS)) -o $@ $< \
	    $(call objs,$(REL),$(COMMON_SRC)) $(REL_LIBS) $(filter-out -D%,$(XGB_LIBS)) \
	    $(LIBS_VTERM) $(LIBS_TUI) $(LIBS_BACKEND) $(LIBS_CORE)

# Translations: assets/po/LANG.po -> build/locale/LANG/LC_MESSAGES/yixiang.mo
MO_FILES := $(patsubst assets/po/%.po,$(REL)/locale/%/LC_MESSAGES/yixiang.mo,$(PO_FILES))
$(REL)/locale/%/LC_MESSAGES/yixiang.mo: assets/po/%.po
	@mkdir -p $(@D)
	msgfmt --check -o $@ $<

.PHONY: all demo test bench fuzz deps deps-bench install clean
all: $(REL)/yx $(REL)/yxd $(MO_FILES)

deps:
	@missing=""; for p in $(DEPS_DEB); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q 'install ok installed' || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing; \
	fi

deps-bench: deps
	@missing=""; for p in $(DEPS_BENCH); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q 'install ok installed' || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "installing (optional bench peers):$$missing"; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing || echo "bench peers unavailable; their rows are skipped"; \
	fi

demo: deps
	@$(MAKE) --no-print-directory all
	YX_DATADIR=$(CURDIR)/assets YX_LOCALEDIR=$(CURDIR)/$(REL)/locale $(REL)/yx --demo

test: deps
	@$(MAKE) --no-print-directory $(TST)/yx $(TST)/yxd $(TEST_BINS) $(SHIMS) $(MO_FILES)
	@YX_TEST_BIN=$(CURDIR)/$(TST) YX_DATADIR=$(CURDIR)/assets \
	  YX_LOCALEDIR=$(CURDIR)/$(REL)/locale bash tests/run.sh $(TEST_BINS)

bench: deps-bench
	@$(MAKE) --no-print-directory $(REL)/yx $(REL)/yxd $(BENCH_BINS) $(SHIMS) $(MO_FILES)
	@YX_BIN=$(CURDIR)/$(REL) YX_DATADIR=$(CURDIR)/assets YX_SHIM=$(CURDIR)/$(TST)/libyx_sync_fault.so \
	  YX_LOCALEDIR=$(CURDIR)/$(REL)/locale bash tests/bench/run.sh $(BENCH_BINS)

# libFuzzer targets (clang). Each links the release objects built with clang.
FUZZ_CFLAGS := -std=c11 $(DEFS) -I. -g -O1 -fsanitize=fuzzer,address,undefined \
               $(call pkgcflags,$(PKGS_CORE))
fuzz:
	@command -v clang >/dev/null || { echo "fuzz: clang is needed (apt-get install clang)"; exit 1; }
	@mkdir -p $(REL)/fuzz
	@for f in $(FUZZ_SRC); do n=$$(basename $$f .c); \
	  echo "clang $$n"; \
	  clang $(FUZZ_CFLAGS) -o $(REL)/fuzz/$$n $$f $(CORE_SRC) $(LIBS_CORE) || exit 1; done
	@echo "fuzz targets in $(REL)/fuzz; run e.g. $(REL)/fuzz/<name> -max_total_time=60"

install: all
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(DATADIR) $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man8
	install -m 0755 $(REL)/yx $(REL)/yxd $(DESTDIR)$(BINDIR)/
	install -m 0644 assets/man/yx.1 $(DESTDIR)$(MANDIR)/man1/
	install -m 0644 assets/man/yxd.8 $(DESTDIR)$(MANDIR)/man8/
	cd assets && find . -type f ! -path './man/*' ! -path './po/*' | while read -r f; do \
	  install -D -m 0644 "$$f" "$(DESTDIR)$(DATADIR)/$$f"; done
	@for mo in $(MO_FILES); do l=$${mo#$(REL)/locale/}; \
	  install -D -m 0644 $$mo $(DESTDIR)$(LOCALEDIR)/$$l; done

clean:
	rm -rf build
