# onlymatt — static catalog generator (bin/onlygen) and paywall verifier
# (bin/onlytoken, bin/verifier.so for lighttpd's mod_magnet).
#
#   make            build everything into bin/
#   make run        install what is missing, build, render the demo, serve it
#                   (PORT=8080 for the site, CDN_PORT=8081 for the CDN stand-in)
#   make test       the whole suite; ends with "N passed, N failed"
#   make check      the whole suite again, built with ASan + UBSan
#   make bench      benchmarks (never part of make test)
#   make clean      remove every build product
#
# Sources are found by wildcard: a new core/*.c joins the core library every
# program links, a new generator/*.c joins bin/onlygen, a new verifier/*.c
# joins the verifier library, a new tests/unit/test_*.c becomes a unit test
# program.  Only the files named below as "main" are special.

PKG_CONFIG ?= pkg-config
LUA_PKG    ?= lua5.4
VERSION    := 0.1.0

# Where objects and binaries go.  `make check` uses a separate tree so the
# sanitizer build never mixes with the normal one.
BUILD  ?= build
BINDIR ?= bin

PKGS       := libcurl libcjson sqlite3 libcrypto vips
PKG_CFLAGS := $(shell $(PKG_CONFIG) --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell $(PKG_CONFIG) --libs $(PKGS) 2>/dev/null)
LUA_CFLAGS := $(shell $(PKG_CONFIG) --cflags $(LUA_PKG) 2>/dev/null)

OPT      ?= -O2
SAN      ?=
WARN     := -Wall -Wextra -Werror -Wmissing-prototypes -Wstrict-prototypes \
            -Wwrite-strings -Wshadow -Wvla
HARDEN   := -D_FORTIFY_SOURCE=2 -fstack-protector-strong
CFLAGS   ?=
CPPFLAGS += -D_GNU_SOURCE -DONLY_VERSION='"$(VERSION)"' -Icore -Igenerator -Iverifier
ALL_CFLAGS = -std=c17 $(OPT) $(WARN) $(HARDEN) -fPIC -MMD -MP $(SAN) \
             $(PKG_CFLAGS) $(CFLAGS)
LDLIBS   += $(PKG_LIBS) -lm
LDFLAGS  += $(SAN)

-include Makefile.local

# core/: the contracts generator and verifier share (docs/architecture.md);
# pure C, it links nothing (no SQLite, no OpenSSL) and includes only core/.
CORE_SRC   := $(wildcard core/*.c)
GEN_MAIN   := generator/main.c
GEN_SRC    := $(filter-out $(GEN_MAIN),$(wildcard generator/*.c))
VER_MAINS  := verifier/onlytoken.c verifier/lua_verifier.c
VER_SRC    := $(filter-out $(VER_MAINS),$(wildcard verifier/*.c))
UNIT_SRC   := $(wildcard tests/unit/test_*.c)
FUZZ_SRC   := $(wildcard tests/fuzz/fuzz_*.c)

CORE_OBJ   := $(CORE_SRC:%.c=$(BUILD)/%.o)
GEN_OBJ    := $(GEN_SRC:%.c=$(BUILD)/%.o)
VER_OBJ    := $(VER_SRC:%.c=$(BUILD)/%.o)
CORE_LIB   := $(BUILD)/libcore.a
GEN_LIB    := $(BUILD)/libonlygen.a
VER_LIB    := $(BUILD)/libverifier.a
UNIT_BIN   := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)

PROGRAMS := $(BINDIR)/onlygen
ifneq ($(wildcard verifier/onlytoken.c),)
PROGRAMS += $(BINDIR)/onlytoken
endif
ifneq ($(wildcard verifier/lua_verifier.c),)
PROGRAMS += $(BINDIR)/verifier.so
endif

.PHONY: all deps run test check bench clean lint unit fuzz
all: $(PROGRAMS) $(UNIT_BIN)

$(BUILD)/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(ALL_CFLAGS) -c $< -o $@

$(BUILD)/verifier/lua_verifier.o: verifier/lua_verifier.c
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(ALL_CFLAGS) $(LUA_CFLAGS) -c $< -o $@

$(CORE_LIB): $(CORE_OBJ)
	@mkdir -p $(@D)
	rm -f $@ && $(AR) rcs $@ $^

$(GEN_LIB): $(GEN_OBJ)
	@mkdir -p $(@D)
	rm -f $@ && $(AR) rcs $@ $^

$(VER_LIB): $(VER_OBJ)
	@mkdir -p $(@D)
	rm -f $@ && $(AR) rcs $@ $^

$(BINDIR)/onlygen: $(BUILD)/generator/main.o $(GEN_LIB) $(VER_LIB) $(CORE_LIB)
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BINDIR)/onlytoken: $(BUILD)/verifier/onlytoken.o $(VER_LIB) $(CORE_LIB)
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

# The Lua module resolves lua_* against the liblua5.4 that mod_magnet has
# already loaded (RTLD_GLOBAL): it must not link a Lua of its own.
# It exports luaopen_verifier alone (verifier/verifier.map).
$(BINDIR)/verifier.so: $(BUILD)/verifier/lua_verifier.o $(VER_OBJ) $(CORE_OBJ) verifier/verifier.map
	@mkdir -p $(@D)
	$(CC) -shared $(LDFLAGS) -Wl,--version-script=verifier/verifier.map -o $@ \
	    $(filter %.o,$^) $(shell $(PKG_CONFIG) --libs sqlite3 libcrypto)

$(BUILD)/tests/%: tests/unit/%.c $(GEN_LIB) $(VER_LIB) $(CORE_LIB)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) -Itests $(ALL_CFLAGS) -o $@ $< $(GEN_LIB) $(VER_LIB) $(CORE_LIB) \
	    $(LDFLAGS) $(LDLIBS)

deps:
	@scripts/install-deps

unit: $(UNIT_BIN)

# The suite: unit programs, the Mustache spec, integration tests against real
# local servers, and the browser tests.  tests/run prints the closing
# "N passed, N failed" line and exits non-zero when anything failed.
test: deps
	@$(MAKE) --no-print-directory all
	@BUILD=$(BUILD) BINDIR=$(BINDIR) tests/run

# Same suite, every binary (and the lighttpd module) built with sanitizers.
CHECK_SAN := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
check: deps
	@$(MAKE) --no-print-directory all BUILD=build/asan BINDIR=build/asan/bin \
	    OPT=-O1 SAN="$(CHECK_SAN)"
	@BUILD=build/asan BINDIR=build/asan/bin SANITIZED=1 \
	    ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
	    UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 tests/run

run: deps
	@$(MAKE) --no-print-directory all
	@BINDIR=$(BINDIR) PORT=$(PORT) CDN_PORT=$(CDN_PORT) scripts/run-demo

bench: deps
	@$(MAKE) --no-print-directory all
	@scripts/install-deps --bench
	@BINDIR=$(BINDIR) N="$(N)" bench/run

# Coverage-guided fuzzing of the parsers (clang's libFuzzer), FUZZ_SECONDS each.
FUZZ_SECONDS ?= 60
FUZZ_CC      ?= clang
fuzz:
	@mkdir -p build/fuzz
	@for f in $(FUZZ_SRC); do \
	    n=$$(basename $$f .c); \
	    $(FUZZ_CC) -g -O1 -fsanitize=fuzzer,address,undefined $(CPPFLAGS) -Itests \
	        $(PKG_CFLAGS) -o build/fuzz/$$n $$f $(CORE_SRC) $(GEN_SRC) $(VER_SRC) \
	        $(PKG_LIBS) -lm || exit 1; \
	    mkdir -p build/fuzz/corpus-$$n; \
	    build/fuzz/$$n -max_total_time=$(FUZZ_SECONDS) -max_len=4096 build/fuzz/corpus-$$n \
	        -artifact_prefix=build/fuzz/ tests/fuzz/seeds >build/fuzz/$$n.log 2>&1 || \
	        { tail -n 40 build/fuzz/$$n.log; exit 1; }; \
	    echo "$$n: $$(grep '^Done' build/fuzz/$$n.log)"; \
	done

# Grep-based gate on functions with no bound (curl's checksrc idea).
lint:
	@! grep -nE '\b(sprintf|vsprintf|strcpy|strcat|gets|atoi|atol)\s*\(' \
	    $(wildcard core/*.c generator/*.c verifier/*.c tests/unit/*.c) || \
	    { echo "lint: unbounded string function above"; exit 1; }
	@# core/ reaches nothing else: libc headers and core/'s own only
	@for f in $(wildcard core/*.[ch]); do \
	    for h in $$(sed -n 's/^#include "\(.*\)".*/\1/p' $$f); do \
	        [ -f core/$$h ] || { echo "lint: $$f includes $$h, outside core/"; exit 1; }; \
	    done; \
	    ! grep -nE '^#include <(sqlite3|openssl/|curl/|cjson/|vips/|lua)' $$f || \
	        { echo "lint: $$f includes a library; core/ links none"; exit 1; }; \
	done

clean:
	rm -rf build bin tests/artifacts

-include $(CORE_OBJ:.o=.d) $(GEN_OBJ:.o=.d) $(VER_OBJ:.o=.d) $(BUILD)/generator/main.d \
	$(BUILD)/verifier/onlytoken.d $(BUILD)/verifier/lua_verifier.d
