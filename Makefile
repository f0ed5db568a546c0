# liaisond - a mail gateway for IETF liaison statements.
# Plain make + pkg-config. `make run` and `make check` install what is missing.

PREFIX    ?= /usr/local
DESTDIR   ?=
SAN       ?= 0
PKGS      := gmime-3.0 libetpan sqlite3 libcurl json-glib-1.0 libxml-2.0 libarchive poppler-glib

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

LIB_SRC   := $(wildcard conf/*.c parser/*.c store/*.c notify/*.c)
LIB_OBJ   := $(LIB_SRC:%.c=$(B)/%.o) $(B)/gen/schema.o $(B)/gen/default_conf.o
D_OBJ     := $(patsubst %.c,$(B)/%.o,$(wildcard daemon/*.c))
C_OBJ     := $(patsubst %.c,$(B)/%.o,$(wildcard ctl/*.c))
UNIT_SRC  := $(wildcard tests/unit/test_*.c)
UNIT_BIN  := $(UNIT_SRC:tests/unit/%.c=$(B)/tests/%)
FUZZ_SRC  := $(wildcard tests/fuzz/fuzz_*.c)
FUZZ_BIN  := $(FUZZ_SRC:tests/fuzz/%.c=build-fuzz/%)
FUZZ_SECONDS ?= 30
SCHEMA    := $(sort $(wildcard store/schema/*.sql))

.PHONY: all deps run check check-plain check-asan unit bench fuzz fuzz-build install uninstall clean
all: $(B)/liaisond $(B)/liaisonctl

deps:
	@sh scripts/deps.sh

$(B)/libliaison.a: $(LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(B)/liaisond: $(D_OBJ) $(B)/libliaison.a
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(B)/liaisonctl: $(C_OBJ) $(B)/libliaison.a
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(B)/tests/%: tests/unit/%.c $(B)/libliaison.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $< $(B)/libliaison.a $(LDLIBS) -lcmocka

$(B)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -MMD -MP -c -o $@ $<

# The schema migrations and the embedded default config are plain text files
# in the tree; they are turned into C strings here so that both binaries carry them.
$(B)/gen/schema.c: $(SCHEMA) scripts/embed.sh
	@mkdir -p $(dir $@)
	sh scripts/embed.sh schema $(SCHEMA) > $@

$(B)/gen/default_conf.c: conf/default.conf scripts/embed.sh
	@mkdir -p $(dir $@)
	sh scripts/embed.sh default_conf conf/default.conf > $@

$(B)/gen/%.o: $(B)/gen/%.c
	$(CC) $(CFLAGS) -c -o $@ $<

# An LD_PRELOAD shim for the disk-full fault test (tests/fault/enospc.c).
$(B)/tests/libenospc.so: tests/fault/enospc.c
	@mkdir -p $(dir $@)
	$(CC) -O2 -g -Wall -Wextra -Werror -fPIC -shared -o $@ $< -ldl

unit: $(UNIT_BIN) $(B)/tests/libenospc.so

# make run: the daemon in the foreground on the embedded default config.
run: deps
	$(MAKE) all
	mkdir -p var
	./$(B)/liaisond

# make check: every test, plain build and ASan+UBSan build; one summary line.
check: deps
	$(MAKE) all unit
	$(MAKE) SAN=1 all unit
	sh tests/run.sh build build-asan

check-plain: deps
	$(MAKE) all unit
	sh tests/run.sh build

check-asan: deps
	$(MAKE) SAN=1 all unit
	sh tests/run.sh build-asan

# make bench: liaisond against a private Dovecot LMTP, same load (a benchmark,
# never a test). BENCH_SCALE=0.2 for a quick look.
$(B)/bench/lmtp_load: tests/bench/lmtp_load.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $< $(LDLIBS)

bench: deps
	$(MAKE) all $(B)/bench/lmtp_load
	LIAISON_BUILD=$(CURDIR)/$(B) /usr/bin/python3 tests/bench/bench.py

# make fuzz: every libFuzzer target (tests/fuzz/fuzz_*.c) for FUZZ_SECONDS each,
# seeded from tests/fuzz/corpus/NAME, the test corpus and ../shared/corpora.
build-fuzz/fuzz_%: tests/fuzz/fuzz_%.c build-fuzz/libliaison.a
	clang $(CFLAGS) -fsanitize=fuzzer,address,undefined -o $@ $< build-fuzz/libliaison.a $(LDLIBS)

fuzz-build: deps
	$(MAKE) SAN=fuzz build-fuzz/libliaison.a
	$(MAKE) SAN=fuzz $(FUZZ_BIN)

fuzz: fuzz-build
	FUZZ_SECONDS=$(FUZZ_SECONDS) sh tests/fuzz/run.sh

clean:
	rm -rf build build-asan build-fuzz

-include $(LIB_OBJ:.o=.d) $(D_OBJ:.o=.d) $(C_OBJ:.o=.d)
