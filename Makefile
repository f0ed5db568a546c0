# liaisond - a mail gateway for IETF liaison statements.
# Plain make + pkg-config. `make run` and `make check` install what is missing.

PREFIX    ?= /usr/local
NPROC     := $(shell nproc 2>/dev/null || echo 2)
DESTDIR   ?=
SAN       ?= 0
PKGS      := gmime-3.0 libetpan sqlite3 libcurl json-glib-1.0 libxml-2.0 libarchive poppler-glib gnutls \
             libmicrohttpd libcrypt

ifeq ($(SAN),1)
B         ?= build-asan
SANFLAGS  := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
else ifeq ($(SAN),fuzz)
B         ?= build-fuzz
CC        := clang
SANFLAGS  := -fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer
else
B         ?= build
SANFLAGS  :=
endif

CC        ?= cc
CFLAGS    ?= -O2 -g
CFLAGS    += -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -Wno-unused-parameter \
             -I. -I$(B) $(SANFLAGS) $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
LDFLAGS   += $(SANFLAGS)
LDLIBS    += $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lpthread -lm

# The layers, one folder and one archive each, includes only downward
# (docs/design.md; tests/integration/test_layers.py checks every #include).
# LIBS is in link order: a layer's archive before those it uses (a call
# against the direction then fails to link, unless its target was pulled in
# already: a backstop; the include check is the rule).
LAYERS    := conf model parser store notify flow
LIB_SRC   := $(wildcard $(LAYERS:%=%/*.c))
LIB_OBJ   := $(LIB_SRC:%.c=$(B)/%.o) $(B)/gen/schema.o $(B)/gen/default_conf.o \
             $(B)/gen/default_templates.o
LIBS      := $(B)/libflow.a $(B)/libnotify.a $(B)/libparser.a $(B)/libstore.a \
             $(B)/libmodel.a $(B)/libconf.a
D_OBJ     := $(patsubst %.c,$(B)/%.o,$(wildcard daemon/*.c))
C_OBJ     := $(patsubst %.c,$(B)/%.o,$(wildcard ctl/*.c))
W_OBJ     := $(patsubst %.c,$(B)/%.o,$(wildcard web/*.c)) $(B)/gen/web_css.o
UNIT_SRC  := $(wildcard tests/unit/test_*.c)
UNIT_BIN  := $(UNIT_SRC:tests/unit/%.c=$(B)/tests/%)
FUZZ_SRC  := $(wildcard tests/fuzz/fuzz_*.c)
FUZZ_BIN  := $(FUZZ_SRC:tests/fuzz/%.c=build-fuzz/%)
FUZZ_SECONDS ?= 30
SCHEMA    := $(sort $(wildcard store/schema/*.sql))
TEMPLATES := $(sort $(wildcard templates/*.txt))

.PHONY: FORCE all deps run check check-plain check-asan valgrind unit bench fuzz fuzz-build install uninstall clean
all: $(B)/liaisond $(B)/liaisonctl $(B)/liaisond-web

deps:
	@sh scripts/deps.sh

# One archive per layer; conf also carries the embedded schema and default
# config, notify the compiled-in mail templates.
$(B)/libconf.a: $(filter $(B)/conf/%,$(LIB_OBJ)) $(B)/gen/default_conf.o $(B)/gen/schema.o
$(B)/libmodel.a: $(filter $(B)/model/%,$(LIB_OBJ))
$(B)/libparser.a: $(filter $(B)/parser/%,$(LIB_OBJ))
$(B)/libstore.a: $(filter $(B)/store/%,$(LIB_OBJ))
$(B)/libnotify.a: $(filter $(B)/notify/%,$(LIB_OBJ)) $(B)/gen/default_templates.o
$(B)/libflow.a: $(filter $(B)/flow/%,$(LIB_OBJ))
$(LIBS):
	@rm -f $@
	@echo "  AR      $@"
	@ar rcs $@ $^

$(B)/liaisond: $(D_OBJ) $(LIBS)
	@echo "  LD      $@"
	@$(CC) $(LDFLAGS) -o $@ $(D_OBJ) $(LIBS) $(LDLIBS)

$(B)/liaisonctl: $(C_OBJ) $(LIBS)
	@echo "  LD      $@"
	@$(CC) $(LDFLAGS) -o $@ $(C_OBJ) $(LIBS) $(LDLIBS)

$(B)/liaisond-web: $(W_OBJ) $(LIBS)
	@echo "  LD      $@"
	@$(CC) $(LDFLAGS) -o $@ $(W_OBJ) $(LIBS) $(LDLIBS)

$(B)/tests/%: tests/unit/%.c $(LIBS)
	@mkdir -p $(dir $@)
	@echo "  TEST    $@"
	@$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $< $(LIBS) $(LDLIBS) -lcmocka

# These unit tests compile daemon files in (they are not in the library).
$(B)/tests/test_lmtp_cmd $(B)/tests/test_lmtp_session $(B)/tests/test_commit: $(wildcard daemon/*.c daemon/*.h)

$(B)/%.o: %.c
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	@$(CC) $(CFLAGS) -MMD -MP -c -o $@ $<

# The schema migrations and the embedded default config are plain text files
# in the tree; they are turned into C strings here so that both binaries carry them.
$(B)/gen/schema.c: $(SCHEMA) scripts/embed.sh
	@mkdir -p $(dir $@)
	@sh scripts/embed.sh schema $(SCHEMA) > $@

$(B)/gen/default_conf.c: conf/default.conf scripts/embed.sh
	@mkdir -p $(dir $@)
	@sh scripts/embed.sh default_conf conf/default.conf > $@

# The web front's style sheet, served as a file (the pages' CSP has no inline style).
$(B)/gen/web_css.c: web/liaison.css scripts/embed.sh
	@mkdir -p $(dir $@)
	@sh scripts/embed.sh web_css web/liaison.css > $@

# The mail templates: compiled in as the fallback for a kind whose file is not
# in [notify] template_dir (docs/notify.md).
$(B)/gen/default_templates.c: $(TEMPLATES) scripts/embed.sh
	@mkdir -p $(dir $@)
	@sh scripts/embed.sh default_templates $(TEMPLATES) > $@

$(B)/gen/%.o: $(B)/gen/%.c
	@$(CC) $(CFLAGS) -c -o $@ $<

# An LD_PRELOAD shim for the disk-full fault test (tests/fault/enospc.c).
$(B)/tests/libenospc.so: tests/fault/enospc.c
	@mkdir -p $(dir $@)
	$(CC) -O2 -g -Wall -Wextra -Werror -fPIC -shared -o $@ $< -ldl

unit: $(UNIT_BIN) $(B)/tests/libenospc.so $(B)/bench/lmtp_load $(B)/bench/floor

# make run: the daemon in the foreground on the embedded default config, and
# liaisond-web beside it (http://127.0.0.1:8025/liaison/, stopped with it).
# liaisonctl status creates the database first, so that the two never race
# to migrate it.
run: deps
	$(MAKE) -j$(NPROC) all
	mkdir -p var
	./$(B)/liaisonctl status >/dev/null || true
	./$(B)/liaisond-web & web=$$!; trap 'kill $$web 2>/dev/null' EXIT INT TERM; ./$(B)/liaisond

# make check: every test on the plain and the ASan+UBSan build, and each fuzz
# target for a short while (FUZZ_SECONDS, 10 by default); one summary line.
check: deps
	$(MAKE) -j$(NPROC) all unit
	$(MAKE) -j$(NPROC) SAN=1 all unit
	$(MAKE) -j$(NPROC) fuzz-build
	FUZZ_SECONDS=$${FUZZ_SECONDS:-10} sh tests/run.sh build build-asan fuzz

check-plain: deps
	$(MAKE) -j$(NPROC) all unit
	sh tests/run.sh build

check-asan: deps
	$(MAKE) -j$(NPROC) SAN=1 all unit
	sh tests/run.sh build-asan

# make valgrind: liaisond (and its parse worker) and liaisonctl under valgrind
# memcheck over a subset of the corpus, on the plain build (docs/memory.md).
valgrind: deps
	$(MAKE) SAN=0 all
	TESTS=test_valgrind sh tests/run.sh build

# make install / uninstall. PREFIX=/usr for a system install (units then go
# to /usr/lib/systemd/system); DESTDIR stages into a folder (packaging,
# tests). The config in /etc is never overwritten: liaisond.conf.example is
# always refreshed, liaisond.conf only written when absent. The directory is
# installed only as directory.conf.example (its groups have made-up chairs):
# check-config fails until the operator imports or writes directory.conf.
SYSCONFDIR  ?= /etc
BINDIR      ?= $(PREFIX)/bin
SBINDIR     ?= $(PREFIX)/sbin
MANDIR      ?= $(PREFIX)/share/man
DOCDIR      ?= $(PREFIX)/share/doc/liaisond
LIBDIR_SD   ?= $(PREFIX)/lib
UNITDIR     ?= $(LIBDIR_SD)/systemd/system
SYSUSERSDIR ?= $(LIBDIR_SD)/sysusers.d
TMPFILESDIR ?= $(LIBDIR_SD)/tmpfiles.d
CONFDIR     := $(SYSCONFDIR)/liaisond
TMPLDIR     := $(CONFDIR)/templates
UNITS       := liaisond.service liaisond.socket liaisond-remind.service liaisond-remind.timer \
               liaisond-web.service liaisond-web.socket
MAN5        := man/liaisond.conf.5
MAN8        := man/liaisond.8 man/liaisonctl.8 man/liaisond-web.8
DIR_EXAMPLE := conf/directory.example.conf
DOCS        := $(wildcard docs/*.md README.md)
INSTALL     ?= install

# The installed binaries (liaisond-web too) are linked again with conf/conf_installed.c naming
# $(CONFDIR)/liaisond.conf: they look there when neither --config nor
# $$LIAISOND_CONFIG is given; the build folder's use the embedded default.
$(B)/inst/conf_installed.o: conf/conf_installed.c FORCE
	@mkdir -p $(dir $@)
	@$(CC) $(CFLAGS) -DLIAISON_INSTALLED_CONF='"$(CONFDIR)/liaisond.conf"' -c -o $@ $<

$(B)/inst/liaisond: $(D_OBJ) $(B)/inst/conf_installed.o $(LIBS)
	@$(CC) $(LDFLAGS) -o $@ $(D_OBJ) $(B)/inst/conf_installed.o $(LIBS) $(LDLIBS)

$(B)/inst/liaisonctl: $(C_OBJ) $(B)/inst/conf_installed.o $(LIBS)
	@$(CC) $(LDFLAGS) -o $@ $(C_OBJ) $(B)/inst/conf_installed.o $(LIBS) $(LDLIBS)

FORCE:

$(B)/inst/liaisond-web: $(W_OBJ) $(B)/inst/conf_installed.o $(LIBS)
	@$(CC) $(LDFLAGS) -o $@ $(W_OBJ) $(B)/inst/conf_installed.o $(LIBS) $(LDLIBS)

install: all $(B)/inst/liaisond $(B)/inst/liaisonctl $(B)/inst/liaisond-web
	$(INSTALL) -d $(DESTDIR)$(SBINDIR) $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man5 \
	    $(DESTDIR)$(MANDIR)/man8 $(DESTDIR)$(UNITDIR) $(DESTDIR)$(SYSUSERSDIR) \
	    $(DESTDIR)$(TMPFILESDIR) $(DESTDIR)$(CONFDIR) $(DESTDIR)$(DOCDIR) $(DESTDIR)$(TMPLDIR)
	$(INSTALL) -m 0755 $(B)/inst/liaisond $(DESTDIR)$(SBINDIR)/liaisond
	$(INSTALL) -m 0755 $(B)/inst/liaisonctl $(DESTDIR)$(BINDIR)/liaisonctl
	$(INSTALL) -m 0755 $(B)/inst/liaisond-web $(DESTDIR)$(SBINDIR)/liaisond-web
	$(INSTALL) -m 0644 $(MAN5) $(DESTDIR)$(MANDIR)/man5/
	$(INSTALL) -m 0644 $(MAN8) $(DESTDIR)$(MANDIR)/man8/
	@# The units name /usr/sbin, /usr/bin and /etc; other prefixes are written in.
	for u in $(UNITS); do \
	    sed -e 's|/usr/sbin/liaisond|$(SBINDIR)/liaisond|g' \
	        -e 's|/usr/bin/liaisonctl|$(BINDIR)/liaisonctl|g' \
	        -e 's|/etc/liaisond/|$(CONFDIR)/|g' systemd/$$u > $(DESTDIR)$(UNITDIR)/$$u.tmp && \
	    chmod 0644 $(DESTDIR)$(UNITDIR)/$$u.tmp && \
	    mv $(DESTDIR)$(UNITDIR)/$$u.tmp $(DESTDIR)$(UNITDIR)/$$u || exit 1; \
	done
	$(INSTALL) -m 0644 systemd/liaisond.sysusers $(DESTDIR)$(SYSUSERSDIR)/liaisond.conf
	$(INSTALL) -m 0644 systemd/liaisond.tmpfiles $(DESTDIR)$(TMPFILESDIR)/liaisond.conf
	sed -e 's|/etc/liaisond/|$(CONFDIR)/|g' etc/liaisond.conf > $(DESTDIR)$(CONFDIR)/liaisond.conf.example
	$(INSTALL) -m 0644 $(DIR_EXAMPLE) $(DESTDIR)$(CONFDIR)/directory.conf.example
	chmod 0644 $(DESTDIR)$(CONFDIR)/liaisond.conf.example
	[ -e $(DESTDIR)$(CONFDIR)/liaisond.conf ] || \
	    $(INSTALL) -m 0644 $(DESTDIR)$(CONFDIR)/liaisond.conf.example $(DESTDIR)$(CONFDIR)/liaisond.conf
	$(if $(DOCS),$(INSTALL) -m 0644 $(DOCS) $(DESTDIR)$(DOCDIR)/)
	@# The mail templates: each kind's .example always refreshed, the file the
	@# daemon reads only written when absent (the operator's words are kept).
	for t in $(TEMPLATES); do \
	    n=$$(basename $$t); \
	    $(INSTALL) -m 0644 $$t $(DESTDIR)$(TMPLDIR)/$$n.example || exit 1; \
	    [ -e $(DESTDIR)$(TMPLDIR)/$$n ] || $(INSTALL) -m 0644 $$t $(DESTDIR)$(TMPLDIR)/$$n || exit 1; \
	done
	@# On the live system (no DESTDIR, as root): the user, the folders, and
	@# systemd told about the new units. Enabling is left to the operator.
	@if [ -z "$(DESTDIR)" ] && [ "$$(id -u)" = 0 ]; then \
	    if command -v systemd-sysusers >/dev/null; then systemd-sysusers $(SYSUSERSDIR)/liaisond.conf; fi; \
	    if command -v systemd-tmpfiles >/dev/null; then systemd-tmpfiles --create $(TMPFILESDIR)/liaisond.conf; fi; \
	    if [ -d /run/systemd/system ]; then systemctl daemon-reload; fi; \
	    echo "installed; next: edit $(CONFDIR)/liaisond.conf, make $(CONFDIR)/directory.conf (liaisonctl directory import, or from directory.conf.example), then systemctl enable --now liaisond.socket liaisond.service liaisond-remind.timer"; \
	fi

# uninstall removes what install wrote, except the operator's data: the
# config files are kept when changed from the examples, /var/lib/liaisond
# always (remove it by hand once it is backed up).
uninstall:
	rm -f $(DESTDIR)$(SBINDIR)/liaisond $(DESTDIR)$(BINDIR)/liaisonctl $(DESTDIR)$(SBINDIR)/liaisond-web
	rm -f $(DESTDIR)$(MANDIR)/man5/liaisond.conf.5 $(DESTDIR)$(MANDIR)/man8/liaisond.8 \
	    $(DESTDIR)$(MANDIR)/man8/liaisonctl.8 $(DESTDIR)$(MANDIR)/man8/liaisond-web.8
	for u in $(UNITS); do rm -f $(DESTDIR)$(UNITDIR)/$$u; done
	rm -f $(DESTDIR)$(SYSUSERSDIR)/liaisond.conf $(DESTDIR)$(TMPFILESDIR)/liaisond.conf
	for f in liaisond.conf directory.conf; do \
	    if cmp -s $(DESTDIR)$(CONFDIR)/$$f $(DESTDIR)$(CONFDIR)/$$f.example; then \
	        rm -f $(DESTDIR)$(CONFDIR)/$$f; \
	    elif [ -e $(DESTDIR)$(CONFDIR)/$$f ]; then echo "kept $(DESTDIR)$(CONFDIR)/$$f (changed)"; fi; \
	    rm -f $(DESTDIR)$(CONFDIR)/$$f.example; \
	done
	for t in $(TEMPLATES); do \
	    n=$$(basename $$t); \
	    if cmp -s $(DESTDIR)$(TMPLDIR)/$$n $(DESTDIR)$(TMPLDIR)/$$n.example; then \
	        rm -f $(DESTDIR)$(TMPLDIR)/$$n; \
	    elif [ -e $(DESTDIR)$(TMPLDIR)/$$n ]; then echo "kept $(DESTDIR)$(TMPLDIR)/$$n (changed)"; fi; \
	    rm -f $(DESTDIR)$(TMPLDIR)/$$n.example; \
	done
	rmdir $(DESTDIR)$(TMPLDIR) 2>/dev/null || true
	rmdir $(DESTDIR)$(CONFDIR) 2>/dev/null || true
	rm -rf $(DESTDIR)$(DOCDIR)
	@if [ -z "$(DESTDIR)" ] && [ -d /run/systemd/system ]; then systemctl daemon-reload; fi

# make bench: liaisond against a private Dovecot LMTP, same load (a benchmark,
# never a test). BENCH_SCALE=0.2 for a quick look. Then the web case
# (tests/bench/web.py: liaisond-web's pages with 10,000 statements, wrk);
# BENCH_WEB=0 skips it.
$(B)/bench/lmtp_load: tests/bench/lmtp_load.c
	@mkdir -p $(dir $@)
	@echo "  CC      $@"
	@$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $< $(LDLIBS)

# the floor: a minimal LMTP server that only reads, appends and fsyncs
$(B)/bench/floor: tests/bench/floor.c
	@mkdir -p $(dir $@)
	@echo "  CC      $@"
	@$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $< $(LDLIBS)

bench:
	@sh scripts/deps.sh bench
	$(MAKE) all $(B)/bench/lmtp_load $(B)/bench/floor
	LIAISON_BUILD=$(CURDIR)/$(B) BENCH_TOOLS=$(CURDIR)/$(B)/bench /usr/bin/python3 tests/bench/bench.py
	[ "$${BENCH_WEB:-1}" = 0 ] || LIAISON_BUILD=$(CURDIR)/$(B) /usr/bin/python3 tests/bench/web.py

# make fuzz: every libFuzzer target (tests/fuzz/fuzz_*.c) for FUZZ_SECONDS each,
# seeded from tests/fuzz/corpus/NAME, the test corpus and ../shared/corpora.
build-fuzz/fuzz_%: tests/fuzz/fuzz_%.c $(LIBS)
	@echo "  FUZZ    $@"
	@clang $(CFLAGS) -fsanitize=fuzzer,address,undefined -o $@ $< \
	    $(filter %.o,$^) $(LIBS) $(filter-out -specs=%,$(LDLIBS))

# The command parser lives in the daemon, outside the library.
build-fuzz/fuzz_lmtp: build-fuzz/daemon/lmtp_cmd.o
build-fuzz/fuzz_lmtp_data: build-fuzz/daemon/lmtp_data.o

fuzz-build: deps
	$(MAKE) SAN=fuzz $(subst $(B)/,build-fuzz/,$(LIBS)) build-fuzz/daemon/lmtp_cmd.o \
	    build-fuzz/daemon/lmtp_data.o
	$(MAKE) SAN=fuzz $(FUZZ_BIN)

fuzz: fuzz-build
	FUZZ_SECONDS=$(FUZZ_SECONDS) sh tests/fuzz/run.sh

clean:
	rm -rf build build-asan build-fuzz

-include $(LIB_OBJ:.o=.d) $(D_OBJ:.o=.d) $(C_OBJ:.o=.d) $(W_OBJ:.o=.d)
