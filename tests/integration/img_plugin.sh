#!/usr/bin/env bash
# img_plugin.sh — libvips lives in $BINDIR/onlygen-img.so, which onlygen
# opens only when an image is to be encoded (generator/site/img_load.c):
# onlygen itself links no libvips; a build that encodes nothing runs without
# the plugin; one that must encode and cannot load it fails with
# "images: cannot load PATH: why", never a crash; the plugin is taken only
# from beside the binary (not LD_LIBRARY_PATH), only as a regular file of
# root or the binary's owner that group and others cannot write, and only
# with this binary's ABI.  The placeholder stills are compiled into onlygen:
# a first build --offline never opens the plugin (strace shows it), and
# tools/make-placeholder.c, linked with libvips, still draws the committed
# files (generator/site/placeholder/).
. "$(dirname "$0")/../site/site_lib.sh"

GEN="$BINDIR/onlygen"
PLUGIN="$BINDIR/onlygen-img.so"
CONTENT="$TMP/content"
cp -r "$FIXTURE/content" "$CONTENT"

# --- the binary -------------------------------------------------------------
libs=$(ldd "$GEN")
check "onlygen links no libvips, gobject or glib" bash -c "! grep -E 'libvips|libgobject|libglib' <<<'$libs'"
check "the plugin links libvips" bash -c "ldd '$PLUGIN' | grep -q libvips"
exports=$(nm -D --defined-only "$PLUGIN" | awk '$2 ~ /^[TDB]$/ {print $3}' | grep -v '^_' | sort | tr '\n' ' ')
check "the plugin exports onlygen_img_plugin alone (got: $exports)" [ "$exports" = "onlygen_img_plugin " ]
mode=$(stat -c %a "$PLUGIN")
check "the plugin is built mode 755 whatever the umask (got $mode)" [ "$mode" = 755 ]

# --- a copy of the binary, with or without a plugin beside it --------------
mkdir -p "$TMP/bin"
cp "$GEN" "$TMP/bin/onlygen"
COPY="$TMP/bin/onlygen"
n=0
# fresh_state: a state dir holding catalog.db only (no image cache) -> $STATE
fresh_state() {
	n=$((n + 1)); STATE="$TMP/state$n"
	mkdir -p "$STATE"; cp "$TMP/catalog.db" "$STATE/"
}
# build_with BIN STATE: an --offline build into a new directory (encodes
# nothing: no image to fetch); $out, $rc
build_with() {
	n=$((n + 1))
	out=$("$1" build --offline --quiet --state "$2" --content "$CONTENT" --out "$TMP/site$n" 2>&1)
	rc=$?
}
# encode_with BIN STATE: a build that fetches the images the cache lacks, so
# starts libvips (img_start) before its first fetch; the CDN is a port
# nothing listens on, so every fetch fails (a warning: the placeholder shows)
NOCDN="127.0.0.1:$(free_port)"
encode_with() {
	n=$((n + 1))
	out=$(BUNNY_CDN_HOSTNAME="$NOCDN" "$1" build --no-pull --state "$2" --content "$CONTENT" \
	    --out "$TMP/site$n" 2>&1)
	rc=$?
}
mkcatalog "$TMP/cat" "$FIXTURE/catalog/videos-page-1.json" || { notok "catalog.db from the fixture"; exit 1; }
cp "$TMP/cat/catalog.db" "$TMP/catalog.db"

# --- a first build --offline: the placeholder is compiled in, no plugin -----
fresh_state; build_with "$COPY" "$STATE"
check "a first build --offline runs without the plugin ($out)" [ "$rc" = 0 ]
check "... and publishes the committed placeholder stills" \
    cmp -s "$TMP/site$n/img/placeholder-v1-1280.jpg" generator/site/placeholder/placeholder-v1-1280.jpg
check "... writing none into the image cache" \
    bash -c "! ls '$STATE/img-cache' 2>/dev/null | grep -q placeholder"
# strace is installed by scripts/install-deps: without it (or without
# ptrace) this check fails rather than pass unseen
check "strace can trace (scripts/install-deps installs it)" strace -o /dev/null true
if strace -o /dev/null true 2>/dev/null; then
	fresh_state; n=$((n + 1))
	# LeakSanitizer refuses to run under ptrace (SANITIZED=1 builds)
	ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" \
	    strace -f -e trace=openat -o "$TMP/strace.log" "$GEN" build --offline --quiet --state "$STATE" \
	    --content "$CONTENT" --out "$TMP/site$n" >"$TMP/strace.out" 2>&1
	rc=$?
	check "strace: a first build --offline succeeds (rc $rc)" [ "$rc" = 0 ]
	[ "$rc" = 0 ] || sed 's/^/# /' "$TMP/strace.out"
	check "strace: ... and never opens onlygen-img.so or libvips" \
	    bash -c "! grep -qE 'onlygen-img\.so|libvips' '$TMP/strace.log'"
	check "strace: ... (its openat calls were traced)" grep -q 'catalog\.db' "$TMP/strace.log"
fi

# --- a build that must encode -----------------------------------------------
fresh_state; encode_with "$COPY" "$STATE"
check "missing plugin: the build fails (rc 1, got $rc)" [ "$rc" = 1 ]
echo "# $out"
check "missing plugin: the error names it" grep -qF "images: cannot load $TMP/bin/onlygen-img.so: No such file or directory" <<<"$out"

fresh_state
LD_LIBRARY_PATH="$BINDIR" encode_with "$COPY" "$STATE"
check "LD_LIBRARY_PATH holding a plugin is not searched" grep -qF "images: cannot load $TMP/bin/onlygen-img.so: No such file or directory" <<<"$out"

# the real binary, its plugin beside it: libvips starts, the fetches fail
# (warnings), the build succeeds; then a build that encodes nothing
# (--offline) needs no plugin
fresh_state; CACHED="$STATE"
encode_with "$GEN" "$CACHED"
check "with its plugin, a first build that fetches succeeds (rc $rc)" [ "$rc" = 0 ]
[ "$rc" = 0 ] || echo "# $out"
check "... past libvips' start: the fetches were tried" grep -q "the page shows the placeholder" <<<"$out"
build_with "$COPY" "$CACHED"
check "a build that encodes nothing runs without the plugin ($out)" [ "$rc" = 0 ]
check "... and writes the site" [ -f "$TMP/site$n/index.html" ]

# refused plugins: each is the real one, made unsafe one way
refused() {	# DESCRIPTION EXPECTED
	fresh_state; encode_with "$COPY" "$STATE"
	check "$1: the build fails (rc 1, got $rc)" [ "$rc" = 1 ]
	check "$1: refused, saying why" grep -qF "images: cannot load $TMP/bin/onlygen-img.so: $2" <<<"$out"
	grep -qF "$2" <<<"$out" || echo "# $out"
	rm -rf "$TMP/bin/onlygen-img.so"
}
cp "$PLUGIN" "$TMP/bin/onlygen-img.so"; chmod 0775 "$TMP/bin/onlygen-img.so"
refused "group-writable plugin" "group or others may write it (mode 775)"
cp "$PLUGIN" "$TMP/bin/onlygen-img.so"; chmod 0757 "$TMP/bin/onlygen-img.so"
refused "other-writable plugin" "group or others may write it (mode 757)"
ln -s "$PLUGIN" "$TMP/bin/onlygen-img.so"
refused "plugin behind a symbolic link" "a symbolic link, not a regular file"
mkdir "$TMP/bin/onlygen-img.so"
refused "a directory for a plugin" "not a regular file"
if [ "$(id -u)" = 0 ]; then
	cp "$PLUGIN" "$TMP/bin/onlygen-img.so"; chown nobody "$TMP/bin/onlygen-img.so"
	refused "plugin owned by another user" "owned by uid $(id -u nobody), neither root nor the binary's owner"
else
	ok "# skip plugin owned by another user (needs root to chown)"
fi
# a plugin from another build: same symbol, another ABI
cat >"$TMP/old.c" <<'C'
struct t { unsigned abi; unsigned long set_size; };
static const struct t t = { 999, 0 };
__attribute__((visibility("default"))) const struct t *onlygen_img_plugin(void);
const struct t *onlygen_img_plugin(void) { return &t; }
C
cc -shared -fPIC -o "$TMP/bin/onlygen-img.so" "$TMP/old.c"; chmod 0755 "$TMP/bin/onlygen-img.so"
refused "a plugin of another ABI" "built for another onlygen (plugin ABI 999"
printf 'int x;\n' >"$TMP/nosym.c"
cc -shared -fPIC -o "$TMP/bin/onlygen-img.so" "$TMP/nosym.c"; chmod 0755 "$TMP/bin/onlygen-img.so"
refused "a library without the entry point" "undefined symbol: onlygen_img_plugin"

# and a safe copy beside the copied binary is the one loaded
cp "$PLUGIN" "$TMP/bin/onlygen-img.so"; chmod 0755 "$TMP/bin/onlygen-img.so"
fresh_state; encode_with "$COPY" "$STATE"
check "a plugin beside the binary, mode 755: the first build succeeds (rc $rc)" [ "$rc" = 0 ]
[ "$rc" = 0 ] || echo "# $out"
check "... past libvips' start: the fetches were tried" grep -q "the page shows the placeholder" <<<"$out"

# --- the placeholder's one definition -----------------------------------------
# tools/make-placeholder.c draws the stills with libvips; the committed files
# are its output (libvips' is deterministic): `make placeholder` rewrites them
# shellcheck disable=SC2046
if cc -std=c17 -D_GNU_SOURCE -Igenerator/site $(pkg-config --cflags vips) -o "$TMP/make-placeholder" \
    tools/make-placeholder.c generator/site/img_variants.c $(pkg-config --libs vips) 2>"$TMP/cc.log"; then
	mkdir -p "$TMP/drawn"
	check "tools/make-placeholder draws the four stills" "$TMP/make-placeholder" "$TMP/drawn"
	for f in generator/site/placeholder/*; do
		check "it draws the committed ${f##*/}, byte for byte" cmp -s "$f" "$TMP/drawn/${f##*/}"
	done
	check "and nothing else" [ "$(ls "$TMP/drawn" | wc -l)" = "$(ls generator/site/placeholder | wc -l)" ]
else
	notok "tools/make-placeholder.c compiles against libvips"; cat "$TMP/cc.log"
fi

[ "$FAILS" = 0 ]
