# duty25 — build, test, install.
#
#   make            build build/duty25 (needs the packages `make deps-build` installs)
#   make run        install the packages building and running need (deps-build), build, take the
#                   samples into the database (data/duty25.db), show November's status, write its report to out/
#   make check      install every package (deps), build with -Werror and run every test, then again
#                   under ASan+UBSan; ends with one summary line
#   make deps-build install the Debian packages building and running need (idempotent, quiet)
#   make deps       ... and those the tests, fuzzing and benchmarks need
#   make fuzz       build the libFuzzer targets (clang); make fuzz-run runs them briefly
#   make bench      benchmarks
#   make install    PREFIX=/usr/local DESTDIR= (and BINDIR DATADIR SYSCONFDIR MANDIR UNITDIR
#                   CRONDIR LOGROTATEDIR WORKDIR DUTY25_USER; docs/安装.md)
#   make test-fresh the README's make run, then make install, in a fresh Debian 12 chroot
#                   (manual: root, network; tests/fresh/run.sh)
#   V=1             show full commands
#
# CC, CFLAGS, CPPFLAGS and LDFLAGS come from the environment or the command line (as
# dpkg-buildflags sets them); the flags duty25 needs are added to them, never replace them.
# -Werror is on only in `make check` (WERROR=-Werror), so a newer compiler's new warning does
# not stop a user's build.
#
# pkg-config runs when a compile first needs it, not when this file is read: `make run` and
# `make check` install the packages first and then build in a sub-make (on a fresh machine
# the flags read at parse time would be empty).

PREFIX   ?= /usr/local
BINDIR   ?= $(PREFIX)/bin
DATADIR  ?= $(PREFIX)/share/duty25
SYSCONFDIR ?= $(if $(filter /usr /usr/,$(PREFIX)),/etc,$(PREFIX)/etc)
MANDIR   ?= $(PREFIX)/share/man
DOCDIR   ?= $(PREFIX)/share/doc/duty25
COMPLETIONDIR ?= $(PREFIX)/share/bash-completion/completions
UNITDIR  ?= $(PREFIX)/lib/systemd/system
# cron and logrotate read only /etc/cron.d and /etc/logrotate.d (SYSCONFDIR=/etc with PREFIX=/usr)
CRONDIR  ?= $(SYSCONFDIR)/cron.d
LOGROTATEDIR ?= $(SYSCONFDIR)/logrotate.d
# the working folder and the user of the installed systemd service, cron.d and logrotate files
WORKDIR  ?= /srv/duty25
DUTY25_USER ?= duty25
DESTDIR  ?=

CC       ?= cc
CFLAGS   ?= -O2 -g
WERROR   ?=
PKGS     := libxml-2.0 libzip jansson sqlite3 nettle xlsxwriter libdeflate gmime-3.0 libmicrohttpd
# $(call pkg,--cflags): pkg-config's answer, or stop with a message saying what to install.
PKG_MISSING = pkg-config 找不到编译所需的库（$(PKGS)）。请先运行 make deps-build 安装 Debian 软件包（make run 和 make check 会自动安装）
pkg = $(shell pkg-config $1 $(PKGS) 2>/dev/null)$(if $(filter 0,$(.SHELLSTATUS)),,$(error $(PKG_MISSING)))
# Evaluated once, at first use (a compile or link line), then kept.
PKG_CFLAGS = $(eval PKG_CFLAGS := $$(call pkg,--cflags))$(PKG_CFLAGS)
PKG_LIBS   = $(eval PKG_LIBS := $$(call pkg,--libs) -liniparser -lm -pthread)$(PKG_LIBS)
WARN     = -Wall -Wextra -Wshadow -Wstrict-prototypes -Wformat=2 $(WERROR)
D25_CPPFLAGS := -D_GNU_SOURCE -Isrc
BASEFLAGS = -std=c17 $(WARN) $(PKG_CFLAGS) -MMD -MP $(D25_CPPFLAGS) $(CPPFLAGS)
SANFLAGS := -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=all
# Compiled into src/util/paths.c only; build/paths.stamp changes when they do.
PATH_DEFS = -DD25_DATADIR='"$(DATADIR)"' -DD25_SYSCONFDIR='"$(SYSCONFDIR)"' -DD25_DOCDIR='"$(DOCDIR)"'

Q := $(if $(V),,@)

LIB_SRC  := $(sort $(wildcard src/util/*.c src/ooxml/*.c src/config/*.c src/rules/*.c src/registry/*.c src/forms/*.c src/validate/*.c src/store/*.c src/quality/*.c src/status/*.c src/ingest/*.c src/docxfill/*.c src/xlsxout/*.c src/serve/*.c src/report/*.c src/blankform/*.c src/feedback/*.c src/cmd/*.c))
MAIN_SRC := src/main.c
TEST_SRC := $(sort $(wildcard tests/unit/*.c))
TEST_CPPFLAGS := -Isrc -Itests/unit

OBJ      := $(LIB_SRC:%.c=build/obj/%.o)
ASAN_OBJ := $(LIB_SRC:%.c=build/asan/obj/%.o)

# Debian packages: what building and running need (make, make run) ...
BUILD_PKGS := build-essential pkg-config libxml2-dev libzip-dev libsqlite3-dev libiniparser-dev \
              libjansson-dev nettle-dev libxlsxwriter-dev libdeflate-dev libgmime-3.0-dev \
              libmicrohttpd-dev
# ... and what the tests (independent writers/readers, curl and a headless chromium for duty25
# serve), fuzzing and benchmarks add (make check).
TEST_PKGS  := libcmocka-dev sqlite3 python3 python3-docx python3-openpyxl zip unzip \
              xsltproc libxml2-utils clang libclang-rt-dev valgrind logrotate \
              libreoffice-writer-nogui libreoffice-calc-nogui poppler-utils faketime util-linux \
              curl chromium fonts-wqy-zenhei nodejs $(NPM_PKG)
# npm for the browser test's puppeteer-core (tests/serve/package-lock.json): Debian's package,
# unless an npm is there already (NodeSource's nodejs carries its own and conflicts with it).
NPM_PKG = $(if $(shell command -v npm 2>/dev/null),,npm)

# $(call install_pkgs,PACKAGES): apt-get install those not installed yet (sudo when not root).
# DEPS_CMD replaces it (tests/install/check.sh: a fake that records what would be installed).
install_pkgs = $(if $(DEPS_CMD),$(DEPS_CMD) $1,missing=""; for p in $1; do \
	  dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q '^install ok installed' || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "make deps: installing$$missing"; \
	  if [ "$$(id -u)" != 0 ]; then SUDO=sudo; else SUDO=; fi; \
	  export DEBIAN_FRONTEND=noninteractive; \
	  $$SUDO apt-get install -y -q --no-install-recommends $$missing >/dev/null 2>&1 || \
	  { $$SUDO apt-get update -q >/dev/null && $$SUDO apt-get install -y -q --no-install-recommends $$missing >/dev/null; } || \
	  { echo "make deps: apt-get failed for:$$missing" >&2; exit 1; }; \
	fi)

.PHONY: all deps deps-build check test run fuzz fuzz-run bench install uninstall clean valgrind test-fresh FORCE

all: build/duty25

deps-build:
	$(Q)$(call install_pkgs,$(BUILD_PKGS))

deps:
	$(Q)$(call install_pkgs,$(BUILD_PKGS) $(TEST_PKGS))
	$(Q)$(if $(DEPS_CMD),:,[ -d tests/serve/node_modules/puppeteer-core ] || \
	  (cd tests/serve && npm ci --no-audit --no-fund >/dev/null) || echo "make deps: npm ci failed in tests/serve (the browser test will retry)" >&2)

build/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(if $(Q),@echo "  CC      $<")
	$(Q)$(CC) $(BASEFLAGS) $(CFLAGS) -c $< -o $@

build/asan/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(if $(Q),@echo "  CC/SAN  $<")
	$(Q)$(CC) $(BASEFLAGS) $(SANFLAGS) -c $< -o $@

# The installed paths are compiled into paths.o alone, rebuilt when they change
# (`make install PREFIX=/usr` after a plain `make` builds it again).
build/obj/src/util/paths.o build/asan/obj/src/util/paths.o: build/paths.stamp
build/obj/src/util/paths.o build/asan/obj/src/util/paths.o: D25_CPPFLAGS += $(PATH_DEFS)

FORCE:
build/paths.stamp: FORCE
	@mkdir -p build
	@printf '%s\n' 'DATADIR=$(DATADIR)' 'SYSCONFDIR=$(SYSCONFDIR)' 'DOCDIR=$(DOCDIR)' >$@.new
	@if cmp -s $@.new $@; then rm -f $@.new; else mv -f $@.new $@; fi

build/duty25: $(OBJ) build/obj/src/main.o
	$(if $(Q),@echo "  LD      $@")
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(PKG_LIBS) $(LDLIBS)

build/asan/duty25: $(ASAN_OBJ) build/asan/obj/src/main.o
	$(if $(Q),@echo "  LD/SAN  $@")
	$(Q)$(CC) $(SANFLAGS) $(LDFLAGS) -o $@ $^ $(PKG_LIBS) $(LDLIBS)

build/test_unit: $(OBJ) $(TEST_SRC:%.c=build/obj/%.o)
	$(if $(Q),@echo "  LD      $@")
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(PKG_LIBS) -lcmocka $(LDLIBS)

build/asan/test_unit: $(ASAN_OBJ) $(TEST_SRC:%.c=build/asan/obj/%.o)
	$(if $(Q),@echo "  LD/SAN  $@")
	$(Q)$(CC) $(SANFLAGS) $(LDFLAGS) -o $@ $^ $(PKG_LIBS) -lcmocka $(LDLIBS)

# The targets that install packages build in a sub-make, which reads pkg-config after them.
test: check

check: deps
	$(Q)$(MAKE) --no-print-directory WERROR=-Werror build/duty25 build/test_unit build/asan/duty25 build/asan/test_unit
	$(Q)tests/run-all.sh

valgrind: deps
	$(Q)$(MAKE) --no-print-directory build/duty25 build/test_unit
	$(Q)tests/valgrind.sh

run: deps-build
	$(Q)$(MAKE) --no-print-directory build/duty25
	$(Q)./build/duty25 run -v --period 2026-11 samples/2026-10 samples/2026-11
	$(Q)cat "out/示范区2026年11月报送情况.txt"

# ---- fuzzing (clang + libFuzzer) ----
FUZZ_FLAGS = -std=c17 -g -O1 -fsanitize=fuzzer,address,undefined $(PKG_CFLAGS) $(D25_CPPFLAGS) $(CPPFLAGS) -Itests/fuzz
FUZZ_TARGETS := build/fuzz/fuzz_xlsx build/fuzz/fuzz_docx build/fuzz/fuzz_mail

fuzz: deps
	$(Q)$(MAKE) --no-print-directory $(FUZZ_TARGETS)

build/fuzz/fuzz_%: tests/fuzz/fuzz_%.c $(LIB_SRC)
	@mkdir -p $(dir $@)
	$(if $(Q),@echo "  FUZZ    $@")
	$(Q)clang $(FUZZ_FLAGS) -o $@ $< $(LIB_SRC) $(PKG_LIBS)

fuzz-run: fuzz
	$(Q)tests/fuzz/run.sh $(or $(FUZZ_SECONDS),60)

bench: deps
	$(Q)$(MAKE) --no-print-directory build/duty25
	$(Q)tests/bench/bench.sh

# Manual (not in make check): a fresh Debian 12 chroot runs the README's `make run`.
test-fresh:
	$(Q)tests/fresh/run.sh

# ---- install ----
# In the man page and dist/, @BINDIR@ @DATADIR@ @SYSCONFDIR@ @UNITDIR@ @CRONDIR@ @LOGROTATEDIR@
# @WORKDIR@ @DUTY25_USER@ become the values of those variables.
SUBST_VARS := BINDIR DATADIR SYSCONFDIR UNITDIR CRONDIR LOGROTATEDIR WORKDIR DUTY25_USER
SUBST = sed $(foreach v,$(SUBST_VARS),-e 's|@$v@|$($v)|g')
# The man page reads well in the source tree too: it defines the paths of a default install as
# strings (.ds NAME value, used as \*[NAME]); install writes the installed paths in their place.
MAN_VARS := $(SUBST_VARS) DOCDIR
MAN_SUBST = sed -e '/^\.ds [A-Z_0-9]* /d' $(foreach v,$(MAN_VARS),-e 's|\\\*\[$v\]|$($v)|g')
# $(call install_subst,SOURCE,DEST): SOURCE with the paths substituted, mode 0644.
install_subst = $(SUBST) $1 >$2.tmp && chmod 0644 $2.tmp && mv -f $2.tmp $2
# $(call install_conf,NAME,DEST): a file that the administrator edits (the cron job is enabled by
# uncommenting it): installed when absent, else left as it is (said when it differs); the current
# version is always in DATADIR/dist/NAME.
install_conf = if [ ! -e $2 ]; then install -m 0644 $(DESTDIR)$(DATADIR)/dist/$1 $2; \
	elif ! cmp -s $(DESTDIR)$(DATADIR)/dist/$1 $2; then echo "保留已有的 $2（新版本见 $(DESTDIR)$(DATADIR)/dist/$1）"; fi

install: build/duty25
	$(if $(Q),@echo "  INSTALL $(DESTDIR)$(PREFIX) (bin, share, man, doc, bash completion, systemd, cron.d, logrotate.d)")
	$(Q)install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(DATADIR)/templates $(DESTDIR)$(DATADIR)/config \
	  $(DESTDIR)$(DATADIR)/dist/systemd $(DESTDIR)$(DATADIR)/dist/cron.d $(DESTDIR)$(DATADIR)/dist/logrotate.d \
	  $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(UNITDIR) $(DESTDIR)$(CRONDIR) $(DESTDIR)$(LOGROTATEDIR) \
	  $(DESTDIR)$(DOCDIR) $(DESTDIR)$(COMPLETIONDIR) $(DESTDIR)$(DATADIR)/dist/bash-completion
	$(Q)install -m 0755 build/duty25 $(DESTDIR)$(BINDIR)/duty25
	$(Q)sed 's|/usr/local/etc/duty25/duty25.ini（本机的配置；安装到别处时在 PREFIX/etc 下）|$(SYSCONFDIR)/duty25/duty25.ini（本机的配置）|' \
	  config/duty25.ini >$(DESTDIR)$(DATADIR)/config/duty25.ini.tmp
	$(Q)chmod 0644 $(DESTDIR)$(DATADIR)/config/duty25.ini.tmp
	$(Q)mv -f $(DESTDIR)$(DATADIR)/config/duty25.ini.tmp $(DESTDIR)$(DATADIR)/config/duty25.ini
	$(Q)install -m 0644 config/rules-*.ini config/units.csv $(DESTDIR)$(DATADIR)/config/
	$(Q)install -m 0644 templates/*.docx templates/README.md $(DESTDIR)$(DATADIR)/templates/
	$(Q)for e in config/editions/*/; do n=$$(basename $$e); \
	  install -d $(DESTDIR)$(DATADIR)/config/editions/$$n $(DESTDIR)$(DATADIR)/templates/editions/$$n && \
	  install -m 0644 $$e/duty25.ini $$e/units.csv $(DESTDIR)$(DATADIR)/config/editions/$$n/ && \
	  install -m 0644 templates/editions/$$n/*.docx $(DESTDIR)$(DATADIR)/templates/editions/$$n/ || exit 1; done
	$(Q)$(MAN_SUBST) docs/duty25.1 >$(DESTDIR)$(MANDIR)/man1/duty25.1.tmp && chmod 0644 $(DESTDIR)$(MANDIR)/man1/duty25.1.tmp && \
	  mv -f $(DESTDIR)$(MANDIR)/man1/duty25.1.tmp $(DESTDIR)$(MANDIR)/man1/duty25.1
	$(Q)install -m 0644 README.md docs/*.md $(DESTDIR)$(DOCDIR)/
	$(Q)install -m 0644 templates/README.md $(DESTDIR)$(DOCDIR)/templates-README.md
	$(Q)install -d $(DESTDIR)$(DOCDIR)/img $(DESTDIR)$(DOCDIR)/samples
	$(Q)install -m 0644 docs/img/*.png $(DESTDIR)$(DOCDIR)/img/
	$(Q)install -m 0644 samples/preview-*.png samples/serve-*.png $(DESTDIR)$(DOCDIR)/samples/
	$(Q)sed 's|](\.\./samples/|](samples/|g' docs/使用说明.md >$(DESTDIR)$(DOCDIR)/使用说明.md
	$(Q)install -m 0644 dist/bash-completion/duty25 $(DESTDIR)$(DATADIR)/dist/bash-completion/duty25
	$(Q)install -m 0644 dist/bash-completion/duty25 $(DESTDIR)$(COMPLETIONDIR)/duty25
	$(Q)for f in systemd/duty25.service systemd/duty25.timer systemd/duty25-serve.service cron.d/duty25 logrotate.d/duty25; do \
	  $(call install_subst,dist/$$f,$(DESTDIR)$(DATADIR)/dist/$$f) || exit 1; done
	$(Q)install -m 0644 $(DESTDIR)$(DATADIR)/dist/systemd/duty25.service $(DESTDIR)$(DATADIR)/dist/systemd/duty25.timer \
	  $(DESTDIR)$(DATADIR)/dist/systemd/duty25-serve.service \
	  $(DESTDIR)$(UNITDIR)/
	@$(call install_conf,cron.d/duty25,$(DESTDIR)$(CRONDIR)/duty25)
	@$(call install_conf,logrotate.d/duty25,$(DESTDIR)$(LOGROTATEDIR)/duty25)
	@case "$(CRONDIR) $(LOGROTATEDIR)" in "/etc/cron.d /etc/logrotate.d") ;; *) \
	  echo "注意：cron 和 logrotate 只读取 /etc/cron.d 和 /etc/logrotate.d；要启用 $(CRONDIR)/duty25 和 $(LOGROTATEDIR)/duty25，请复制到那里（见 docs/安装.md）";; esac

# Leaves the cron.d and logrotate.d files when the administrator changed them.
uninstall:
	rm -f $(DESTDIR)$(BINDIR)/duty25 $(DESTDIR)$(MANDIR)/man1/duty25.1 $(DESTDIR)$(COMPLETIONDIR)/duty25
	rm -rf $(DESTDIR)$(DOCDIR)
	rm -f $(DESTDIR)$(UNITDIR)/duty25.service $(DESTDIR)$(UNITDIR)/duty25.timer $(DESTDIR)$(UNITDIR)/duty25-serve.service
	for f in $(DESTDIR)$(CRONDIR)/duty25:cron.d $(DESTDIR)$(LOGROTATEDIR)/duty25:logrotate.d; do \
	  if cmp -s $(DESTDIR)$(DATADIR)/dist/$${f#*:}/duty25 $${f%:*}; then rm -f $${f%:*}; \
	  elif [ -e $${f%:*} ]; then echo "保留已修改的 $${f%:*}"; fi; \
	done
	rm -rf $(DESTDIR)$(DATADIR)

clean:
	rm -rf build out

-include $(shell find build -name '*.d' 2>/dev/null)
