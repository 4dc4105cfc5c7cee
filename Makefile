# duty25 — build, test, install.
#
#   make            build build/duty25
#   make deps       install the Debian packages the build and tests need (idempotent, quiet)
#   make check      build and run every test, then again under ASan+UBSan; ends with one summary line
#   make run        take the samples into the database (data/duty25.db), show November's status, write its report to out/
#   make fuzz       build the libFuzzer targets (clang); make fuzz-run runs them briefly
#   make bench      benchmarks
#   make install    PREFIX=/usr/local DESTDIR=
#   V=1             show full commands

PREFIX   ?= /usr/local
BINDIR   ?= $(PREFIX)/bin
DATADIR  ?= $(PREFIX)/share/duty25
SYSCONFDIR ?= $(PREFIX)/etc
MANDIR   ?= $(PREFIX)/share/man
DESTDIR  ?=

CC       ?= cc
PKGS     := libxml-2.0 libzip jansson sqlite3 nettle xlsxwriter libdeflate
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null) -liniparser -lm -pthread
WARN     := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wformat=2
CPPFLAGS += -D_GNU_SOURCE -DD25_SYSCONFDIR='"$(SYSCONFDIR)"' -DD25_DATADIR='"$(DATADIR)"' -Isrc
CFLAGS   ?= -O2 -g
BASEFLAGS := -std=c17 $(WARN) $(PKG_CFLAGS) -MMD -MP
SANFLAGS := -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=all

Q := $(if $(V),,@)

LIB_SRC  := $(sort $(wildcard src/util/*.c src/ooxml/*.c src/config/*.c src/rules/*.c src/registry/*.c src/forms/*.c src/validate/*.c src/store/*.c src/quality/*.c src/status/*.c src/ingest/*.c src/xlsxout/*.c src/report/*.c src/blankform/*.c src/feedback/*.c src/cmd/*.c))
MAIN_SRC := src/main.c
TEST_SRC := $(sort $(wildcard tests/unit/*.c))
TEST_CPPFLAGS := -Isrc -Itests/unit

OBJ      := $(LIB_SRC:%.c=build/obj/%.o)
ASAN_OBJ := $(LIB_SRC:%.c=build/asan/obj/%.o)

# Debian packages: build, tests (independent writers/readers), fuzzing.
DEPS_PKGS := build-essential pkg-config libxml2-dev libzip-dev libsqlite3-dev libiniparser-dev \
             libjansson-dev nettle-dev libxlsxwriter-dev libdeflate-dev libcmocka-dev sqlite3 python3 python3-docx python3-openpyxl zip unzip \
             xsltproc libxml2-utils clang libclang-rt-dev valgrind \
             libreoffice-writer-nogui libreoffice-calc-nogui poppler-utils

.PHONY: all deps check test run fuzz fuzz-run bench install uninstall clean valgrind

all: build/duty25

deps:
	$(Q)missing=""; for p in $(DEPS_PKGS); do \
	  dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q '^install ok installed' || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "make deps: installing$$missing"; \
	  if [ "$$(id -u)" != 0 ]; then SUDO=sudo; else SUDO=; fi; \
	  export DEBIAN_FRONTEND=noninteractive; \
	  $$SUDO apt-get install -y -q --no-install-recommends $$missing >/dev/null 2>&1 || \
	  { $$SUDO apt-get update -q >/dev/null && $$SUDO apt-get install -y -q --no-install-recommends $$missing >/dev/null; } || \
	  { echo "make deps: apt-get failed for:$$missing" >&2; exit 1; }; \
	fi

build/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(if $(Q),@echo "  CC      $<")
	$(Q)$(CC) $(BASEFLAGS) $(CPPFLAGS) $(CFLAGS) -c $< -o $@

build/asan/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(if $(Q),@echo "  CC/SAN  $<")
	$(Q)$(CC) $(BASEFLAGS) $(CPPFLAGS) $(SANFLAGS) -c $< -o $@

build/duty25: $(OBJ) build/obj/src/main.o
	$(if $(Q),@echo "  LD      $@")
	$(Q)$(CC) $(CFLAGS) -o $@ $^ $(PKG_LIBS)

build/asan/duty25: $(ASAN_OBJ) build/asan/obj/src/main.o
	$(if $(Q),@echo "  LD/SAN  $@")
	$(Q)$(CC) $(SANFLAGS) -o $@ $^ $(PKG_LIBS)

build/test_unit: $(OBJ) $(TEST_SRC:%.c=build/obj/%.o)
	$(if $(Q),@echo "  LD      $@")
	$(Q)$(CC) $(CFLAGS) -o $@ $^ $(PKG_LIBS) -lcmocka

build/asan/test_unit: $(ASAN_OBJ) $(TEST_SRC:%.c=build/asan/obj/%.o)
	$(if $(Q),@echo "  LD/SAN  $@")
	$(Q)$(CC) $(SANFLAGS) -o $@ $^ $(PKG_LIBS) -lcmocka

test: check

check: deps
	$(Q)$(MAKE) --no-print-directory build/duty25 build/test_unit build/asan/duty25 build/asan/test_unit
	$(Q)tests/run-all.sh

valgrind: deps build/duty25 build/test_unit
	$(Q)tests/valgrind.sh

run: deps build/duty25
	$(Q)./build/duty25 run -v --period 2026-11 samples/2026-10 samples/2026-11
	$(Q)cat "out/示范区2026年11月报送情况.txt"

# ---- fuzzing (clang + libFuzzer) ----
FUZZ_FLAGS := -std=c17 -g -O1 -fsanitize=fuzzer,address,undefined $(PKG_CFLAGS) $(CPPFLAGS) -Itests/fuzz
FUZZ_TARGETS := build/fuzz/fuzz_xlsx build/fuzz/fuzz_docx

fuzz: deps $(FUZZ_TARGETS)

build/fuzz/fuzz_%: tests/fuzz/fuzz_%.c $(LIB_SRC)
	@mkdir -p $(dir $@)
	$(if $(Q),@echo "  FUZZ    $@")
	$(Q)clang $(FUZZ_FLAGS) -o $@ $< $(LIB_SRC) $(PKG_LIBS)

fuzz-run: fuzz
	$(Q)tests/fuzz/run.sh $(or $(FUZZ_SECONDS),60)

bench: deps build/duty25
	$(Q)tests/bench/bench.sh

install: build/duty25
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(DATADIR)/templates $(DESTDIR)$(DATADIR)/config $(DESTDIR)$(MANDIR)/man1
	install -m 0755 build/duty25 $(DESTDIR)$(BINDIR)/duty25
	install -m 0644 config/duty25.ini config/rules-education.ini config/units.csv $(DESTDIR)$(DATADIR)/config/
	install -m 0644 templates/*.docx templates/README.md $(DESTDIR)$(DATADIR)/templates/
	install -m 0644 docs/duty25.1 $(DESTDIR)$(MANDIR)/man1/duty25.1

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/duty25
	rm -rf $(DESTDIR)$(DATADIR)
	rm -f $(DESTDIR)$(MANDIR)/man1/duty25.1

clean:
	rm -rf build out

-include $(shell find build -name '*.d' 2>/dev/null)
