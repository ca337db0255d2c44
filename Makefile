# onlymatt — static catalog generator (bin/onlygen, and bin/onlygen-img.so,
# its libvips half, opened from beside it when an image is to be encoded) and
# paywall verifier (bin/onlytoken, bin/verifier.so for lighttpd's mod_magnet).
#
#   make            build everything into bin/
#   make run        install what is missing, build, render the demo, serve it
#                   (PORT=8080 for the site, CDN_PORT=8081 for the CDN stand-in)
#   make test       the whole suite; ends with "N passed, N failed"
#   make check      the whole suite again, built with ASan + UBSan
#   make bench      benchmarks (never part of make test)
#   make fuzz       libFuzzer on every tests/fuzz/ target, FUZZ_SECONDS each
#   make fuzz-corpus  merge what `make fuzz` found into tests/fuzz/corpus/
#   make audit      Lighthouse on the demo stack (docs/audits.md; not in make test)
#   make placeholder  draw the placeholder stills again (libvips) into
#                   generator/site/placeholder/ (docs/site.md; commit them)
#   make clean      remove every build product
#
# Sources are found by wildcard, one folder per layer (docs/architecture.md;
# `make layers` checks who may include whom): a new core/*.c joins the core
# library every program links, sign/*.c the signing library, a new
# generator/<layer>/*.c joins bin/onlygen, generator/cli/*.c is onlygen's
# command line, verifier/store/*.c and verifier/module/*.c the verifier
# library, verifier/onlytoken/*.c bin/onlytoken; a new tests/unit/test_*.c
# becomes a unit test program.

PKG_CONFIG ?= pkg-config
LUA_PKG    ?= lua5.4
VERSION    := 0.1.0

# Where objects and binaries go.  `make check` uses a separate tree so the
# sanitizer build never mixes with the normal one.
BUILD  ?= build
BINDIR ?= bin

PKGS       := libcurl libcjson sqlite3 libcrypto
PKG_CFLAGS := $(shell $(PKG_CONFIG) --cflags $(PKGS) 2>/dev/null)
# libcurl's headers only: bin/onlygen opens libcurl itself when it first
# makes a request (generator/base/curl_lib.c), so a run that makes none
# never maps it and the ~30 libraries it needs (~11 ms every start).
PKG_LIBS   := $(shell $(PKG_CONFIG) --libs $(filter-out libcurl,$(PKGS)) 2>/dev/null)
# libvips only in bin/onlygen-img.so (below), never in bin/onlygen.
VIPS_CFLAGS := $(shell $(PKG_CONFIG) --cflags vips 2>/dev/null)
VIPS_LIBS   := $(shell $(PKG_CONFIG) --libs vips 2>/dev/null)
LUA_CFLAGS := $(shell $(PKG_CONFIG) --cflags $(LUA_PKG) 2>/dev/null)

OPT      ?= -O2
SAN      ?=
WARN     := -Wall -Wextra -Werror -Wmissing-prototypes -Wstrict-prototypes \
            -Wwrite-strings -Wshadow -Wvla
HARDEN   := -D_FORTIFY_SOURCE=2 -fstack-protector-strong
CFLAGS   ?=
# Every layer folder is on the include path, so a header is named by its
# file name alone; `make layers` resolves each name to its folder.
GEN_LAYERS := base tmpl model catalog site deploy legacy stats
SRC_DIRS   := core sign $(addprefix generator/,$(GEN_LAYERS) cli) \
              verifier/store verifier/module verifier/onlytoken
CPPFLAGS += -D_GNU_SOURCE -DONLY_VERSION='"$(VERSION)"' $(addprefix -I,$(SRC_DIRS))
ALL_CFLAGS = -std=c17 $(OPT) $(WARN) $(HARDEN) -fPIC -fvisibility=hidden -MMD -MP $(SAN) \
             $(PKG_CFLAGS) $(CFLAGS)
LDLIBS   += $(PKG_LIBS) -lm
LDFLAGS  += $(SAN)

-include Makefile.local

# core/: the contracts generator and verifier share (docs/architecture.md);
# pure C, it links nothing (no SQLite, no OpenSSL) and includes only core/.
# sign/: HMAC, constant-time compare, base64url and Bunny's token signing,
# the OpenSSL-backed contracts both sides share.
CORE_SRC   := $(wildcard core/*.c)
SIGN_SRC   := $(wildcard sign/*.c)
# img_vips.c is bin/onlygen-img.so (with img_variants.c, also in onlygen).
IMG_PLUGIN := generator/site/img_vips.c
GEN_SRC    := $(filter-out $(IMG_PLUGIN),$(foreach d,$(GEN_LAYERS),$(wildcard generator/$(d)/*.c)))
CLI_SRC    := $(wildcard generator/cli/*.c)
VER_MODULE := verifier/module/lua_verifier.c
VER_SRC    := $(wildcard verifier/store/*.c) \
              $(filter-out $(VER_MODULE),$(wildcard verifier/module/*.c))
TOK_SRC    := $(wildcard verifier/onlytoken/*.c)
UNIT_SRC   := $(wildcard tests/unit/test_*.c)
FUZZ_SRC   := $(wildcard tests/fuzz/fuzz_*.c)

# The placeholder stills a video without its own image shows, committed
# (drawn once by tools/make-placeholder.c: `make placeholder`) and compiled
# into bin/onlygen as data by scripts/embed-bytes (generator/site/
# placeholder_data.h), in the order of enum img_variant.
PH_DIR     := generator/site/placeholder
PH_FILES   := $(addprefix $(PH_DIR)/placeholder-v1-,320.webp 640.webp 1280.webp 1280.jpg)
PH_GEN     := $(BUILD)/gen/placeholder_data.c

CORE_OBJ   := $(CORE_SRC:%.c=$(BUILD)/%.o)
SIGN_OBJ   := $(SIGN_SRC:%.c=$(BUILD)/%.o)
GEN_OBJ    := $(GEN_SRC:%.c=$(BUILD)/%.o) $(PH_GEN:.c=.o)
CLI_OBJ    := $(CLI_SRC:%.c=$(BUILD)/%.o)
VER_OBJ    := $(VER_SRC:%.c=$(BUILD)/%.o)
TOK_OBJ    := $(TOK_SRC:%.c=$(BUILD)/%.o)
CORE_LIB   := $(BUILD)/libcore.a
SIGN_LIB   := $(BUILD)/libsign.a
GEN_LIB    := $(BUILD)/libonlygen.a
VER_LIB    := $(BUILD)/libverifier.a
UNIT_BIN   := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)
FUZZ_BIN   := $(FUZZ_SRC:tests/fuzz/%.c=$(BUILD)/fuzz-replay/%)

PROGRAMS := $(BINDIR)/onlygen $(BINDIR)/onlygen-img.so $(BINDIR)/onlytoken $(BINDIR)/verifier.so

.PHONY: all deps run test check bench audit clean lint layers unit fuzz fuzz-build fuzz-corpus placeholder
all: $(PROGRAMS) $(UNIT_BIN) $(FUZZ_BIN)

$(BUILD)/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(ALL_CFLAGS) -c $< -o $@

$(BUILD)/verifier/module/lua_verifier.o: verifier/module/lua_verifier.c
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(ALL_CFLAGS) $(LUA_CFLAGS) -c $< -o $@

$(BUILD)/generator/site/img_vips.o: generator/site/img_vips.c
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(ALL_CFLAGS) $(VIPS_CFLAGS) -c $< -o $@

$(PH_GEN): $(PH_FILES) scripts/embed-bytes
	@mkdir -p $(@D)
	scripts/embed-bytes $@ placeholder_data.h site_placeholder_files $(PH_FILES)

$(PH_GEN:.c=.o): $(PH_GEN)
	$(CC) $(CPPFLAGS) $(ALL_CFLAGS) -c $< -o $@

# Draws the placeholder stills again into $(PH_DIR) (libvips; not part of
# `all`): run it only to change the drawing, and commit the files it writes.
# tests/integration/img_plugin.sh checks that it draws the committed bytes.
PH_TOOL := $(BUILD)/tools/make-placeholder
$(PH_TOOL): tools/make-placeholder.c $(BUILD)/generator/site/img_variants.o
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(ALL_CFLAGS) $(VIPS_CFLAGS) -o $@ $^ $(LDFLAGS) $(VIPS_LIBS)

placeholder: $(PH_TOOL)
	$(PH_TOOL) $(PH_DIR)

$(CORE_LIB): $(CORE_OBJ)
	@mkdir -p $(@D)
	rm -f $@ && $(AR) rcs $@ $^

$(SIGN_LIB): $(SIGN_OBJ)
	@mkdir -p $(@D)
	rm -f $@ && $(AR) rcs $@ $^

$(GEN_LIB): $(GEN_OBJ)
	@mkdir -p $(@D)
	rm -f $@ && $(AR) rcs $@ $^

$(VER_LIB): $(VER_OBJ)
	@mkdir -p $(@D)
	rm -f $@ && $(AR) rcs $@ $^

# The plugin is an order-only prerequisite: `make bin/onlygen` (CI, docs)
# builds it too, and a new plugin does not relink the binary.
$(BINDIR)/onlygen: $(CLI_OBJ) $(GEN_LIB) $(SIGN_LIB) $(CORE_LIB) | $(BINDIR)/onlygen-img.so
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS) -o $@ $(filter-out %.so,$^) $(LDLIBS)

# libvips' half of the image mirror, opened by bin/onlygen only when an image
# is to be encoded (generator/site/img_load.c): linking libvips' ~95 libraries
# into onlygen cost every run 15 ms.  Exports onlygen_img_plugin alone
# (img_plugin.map); -z defs: it needs nothing from the binary.  Mode 0755
# whatever the umask: the loader refuses a group- or other-writable plugin.
$(BINDIR)/onlygen-img.so: $(BUILD)/generator/site/img_vips.o $(BUILD)/generator/site/img_variants.o \
		generator/site/img_plugin.map
	@mkdir -p $(@D)
	$(CC) -shared $(LDFLAGS) -Wl,-z,defs -Wl,--version-script=generator/site/img_plugin.map -o $@ \
	    $(filter %.o,$^) $(VIPS_LIBS)
	chmod 0755 $@

$(BINDIR)/onlytoken: $(TOK_OBJ) $(VER_LIB) $(SIGN_LIB) $(CORE_LIB)
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

# The Lua module resolves lua_* against the liblua5.4 that mod_magnet has
# already loaded (RTLD_GLOBAL): it must not link a Lua of its own.
# It exports luaopen_verifier alone: every object is built -fvisibility=hidden,
# and verifier/module/verifier.map says it again to the linker.
$(BINDIR)/verifier.so: $(BUILD)/verifier/module/lua_verifier.o $(VER_OBJ) $(SIGN_OBJ) $(CORE_OBJ) \
		verifier/module/verifier.map
	@mkdir -p $(@D)
	$(CC) -shared $(LDFLAGS) -Wl,--version-script=verifier/module/verifier.map -o $@ \
	    $(filter %.o,$^) $(shell $(PKG_CONFIG) --libs sqlite3 libcrypto)

$(BUILD)/tests/%: tests/unit/%.c $(GEN_LIB) $(VER_LIB) $(SIGN_LIB) $(CORE_LIB)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) -Itests $(ALL_CFLAGS) -o $@ $< $(GEN_LIB) $(VER_LIB) $(SIGN_LIB) $(CORE_LIB) \
	    $(LDFLAGS) $(LDLIBS)

# Each fuzz target again with the compiler at hand and its own main()
# (tests/fuzz/standalone.h): the suite replays the seeds and deterministic
# mutants of them through it (tests/integration/fuzz_replay.sh), under the
# sanitizers in `make check`; `make fuzz` is the coverage-guided run.
$(BUILD)/fuzz-replay/%: tests/fuzz/%.c tests/fuzz/standalone.h $(GEN_LIB) $(VER_LIB) $(SIGN_LIB) $(CORE_LIB)
	@mkdir -p $(@D)
	$(CC) -DFUZZ_STANDALONE $(CPPFLAGS) -Itests $(ALL_CFLAGS) -o $@ $< $(GEN_LIB) $(VER_LIB) \
	    $(SIGN_LIB) $(CORE_LIB) $(LDFLAGS) $(LDLIBS)

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
# intercept_tls_get_addr=0: LeakSanitizer's record of dynamic TLS blocks
# (those of the libraries bin/onlygen-img.so brings in with dlopen: GLib,
# libvips) sometimes holds a bogus range ("DTLS 8 at 0x39d-0x80000149f"
# with LSAN_OPTIONS=verbosity=1), and its tracer then dies at exit with
# "Tracer caught signal 11" after a build that encoded images: 3 of 12
# builds of site_seo.py's demo.  Off, those blocks are still found through
# the threads' DTV, and leaks are still reported (24 of 24 such builds clean;
# a plain leak still fails the run).
CHECK_SAN := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
check: deps
	@$(MAKE) --no-print-directory all BUILD=build/asan BINDIR=build/asan/bin \
	    OPT=-O1 SAN="$(CHECK_SAN)"
	@BUILD=build/asan BINDIR=build/asan/bin SANITIZED=1 \
	    ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:intercept_tls_get_addr=0 \
	    UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 tests/run

run: deps
	@$(MAKE) --no-print-directory all
	@BINDIR=$(BINDIR) PORT=$(PORT) CDN_PORT=$(CDN_PORT) scripts/run-demo

bench: deps
	@$(MAKE) --no-print-directory all
	@scripts/install-deps --bench
	@BINDIR=$(BINDIR) N="$(N)" bench/run

# Lighthouse, mobile and desktop, on home and a watch page of make run's
# stack; fails below 98 in any category (docs/audits.md, LH_RUNS=N for medians).
audit: deps
	@$(MAKE) --no-print-directory all
	@BINDIR=$(BINDIR) node tests/audit/lighthouse.mjs

# Coverage-guided fuzzing of the parsers (clang's libFuzzer, installed by
# `scripts/install-deps --fuzz`), FUZZ_SECONDS each, starting from the seeds
# and the committed corpus (tests/fuzz/corpus/NAME.tar.gz); what it finds
# accumulates in build/fuzz/corpus-NAME.  `make fuzz-corpus` merges that
# into the committed corpus (only the inputs that reach new code; commit the
# packs it rewrites).  The suite runs the same targets built by gcc
# (FUZZ_BIN above) over the seeds and the corpus, without the coverage guide.
FUZZ_SECONDS ?= 60
FUZZ_CC      ?= clang
FUZZ_TAR     := tar --sort=name --owner=0 --group=0 --numeric-owner --mtime=@0
fuzz-build: deps $(PH_GEN)
	@scripts/install-deps --fuzz
	@mkdir -p build/fuzz
	@for f in $(FUZZ_SRC); do \
	    n=$$(basename $$f .c); \
	    $(FUZZ_CC) -g -O1 -fsanitize=fuzzer,address,undefined $(CPPFLAGS) -Itests \
	        $(PKG_CFLAGS) -o build/fuzz/$$n $$f $(CORE_SRC) $(SIGN_SRC) $(GEN_SRC) $(PH_GEN) $(VER_SRC) \
	        $(PKG_LIBS) -lm || exit 1; \
	    rm -rf build/fuzz/pack-$$n && mkdir -p build/fuzz/pack-$$n build/fuzz/corpus-$$n; \
	    [ ! -f tests/fuzz/corpus/$$n.tar.gz ] || tar -xzf tests/fuzz/corpus/$$n.tar.gz -C build/fuzz/pack-$$n; \
	done

fuzz: fuzz-build
	@for f in $(FUZZ_SRC); do \
	    n=$$(basename $$f .c); \
	    build/fuzz/$$n -max_total_time=$(FUZZ_SECONDS) -max_len=4096 build/fuzz/corpus-$$n \
	        build/fuzz/pack-$$n -artifact_prefix=build/fuzz/ tests/fuzz/seeds >build/fuzz/$$n.log 2>&1 || \
	        { tail -n 40 build/fuzz/$$n.log; exit 1; }; \
	    echo "$$n: $$(grep '^Done' build/fuzz/$$n.log)"; \
	done

fuzz-corpus: fuzz-build
	@mkdir -p tests/fuzz/corpus
	@for f in $(FUZZ_SRC); do \
	    n=$$(basename $$f .c); \
	    rm -rf build/fuzz/merged-$$n && mkdir -p build/fuzz/merged-$$n; \
	    build/fuzz/$$n -merge=1 -max_len=4096 build/fuzz/merged-$$n build/fuzz/pack-$$n \
	        build/fuzz/corpus-$$n tests/fuzz/seeds >build/fuzz/$$n.merge.log 2>&1 || \
	        { tail -n 40 build/fuzz/$$n.merge.log; exit 1; }; \
	    $(FUZZ_TAR) -C build/fuzz/merged-$$n -cf - . | gzip -9n >tests/fuzz/corpus/$$n.tar.gz; \
	    echo "$$n: $$(ls build/fuzz/merged-$$n | wc -l) inputs"; \
	done

# Each layer includes only the layers below it (docs/architecture.md).
layers:
	@scripts/check-layers

# Grep-based gate on functions with no bound (curl's checksrc idea), and the
# layer lines.
lint: layers
	@! grep -nE '\b(sprintf|vsprintf|strcpy|strcat|gets|atoi|atol)\s*\(' \
	    $(wildcard $(addsuffix /*.c,$(SRC_DIRS)) tests/unit/*.c) || \
	    { echo "lint: unbounded string function above"; exit 1; }
	@! grep -nE '(videos|vtext|vcard|vimg)\[' generator/site/site_data_*.c \
	    generator/site/site_jsonld.c | grep -v __builtin_prefetch || \
	    { echo "lint: a page builder reads a video without page_video() or page_text() above" \
	    "(generator/site/page_reads.h: a rebuild would not see the read)"; exit 1; }

clean:
	rm -rf build bin tests/artifacts

-include $(patsubst %.o,%.d,$(CORE_OBJ) $(SIGN_OBJ) $(GEN_OBJ) $(CLI_OBJ) $(VER_OBJ) $(TOK_OBJ)) \
	$(BUILD)/verifier/module/lua_verifier.d $(BUILD)/generator/site/img_vips.d \
	$(PH_GEN:.c=.d) $(PH_TOOL).d $(UNIT_BIN:=.d) $(FUZZ_BIN:=.d)
