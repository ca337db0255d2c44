#!/usr/bin/env bash
# img_plugin.sh — libvips lives in $BINDIR/onlygen-img.so, which onlygen
# opens only when an image is to be encoded (generator/site/img_load.c):
# onlygen itself links no libvips; a build that encodes nothing runs without
# the plugin; one that must encode and cannot load it fails with
# "images: cannot load PATH: why", never a crash; the plugin is taken only
# from beside the binary (not LD_LIBRARY_PATH), only as a regular file of
# root or the binary's owner that group and others cannot write, and only
# with this binary's ABI.
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
# fresh_state: a state dir holding catalog.db only (no image cache: the
# build must draw the placeholder, so load libvips) -> $STATE
fresh_state() {
	n=$((n + 1)); STATE="$TMP/state$n"
	mkdir -p "$STATE"; cp "$TMP/catalog.db" "$STATE/"
}
# build_with BIN [STATE]: a build into a new directory; $out, $rc
build_with() {
	n=$((n + 1))
	out=$("$1" build --offline --quiet --state "$2" --content "$CONTENT" --out "$TMP/site$n" 2>&1)
	rc=$?
}
mkcatalog "$TMP/cat" "$FIXTURE/catalog/videos-page-1.json" || { notok "catalog.db from the fixture"; exit 1; }
cp "$TMP/cat/catalog.db" "$TMP/catalog.db"

fresh_state; build_with "$COPY" "$STATE"
check "missing plugin: the build fails (rc 1, got $rc)" [ "$rc" = 1 ]
echo "# $out"
check "missing plugin: the error names it" grep -qF "images: cannot load $TMP/bin/onlygen-img.so: No such file or directory" <<<"$out"

fresh_state
LD_LIBRARY_PATH="$BINDIR" build_with "$COPY" "$STATE"
check "LD_LIBRARY_PATH holding a plugin is not searched" grep -qF "images: cannot load $TMP/bin/onlygen-img.so: No such file or directory" <<<"$out"

# the real binary draws the placeholder into the cache; then a build that
# encodes nothing (every image cached or --offline) needs no plugin
fresh_state; CACHED="$STATE"
build_with "$GEN" "$CACHED"
check "with its plugin, a first build succeeds ($out)" [ "$rc" = 0 ]
build_with "$COPY" "$CACHED"
check "a build that encodes nothing runs without the plugin ($out)" [ "$rc" = 0 ]
check "... and writes the site" [ -f "$TMP/site$n/index.html" ]

# refused plugins: each is the real one, made unsafe one way
refused() {	# DESCRIPTION EXPECTED
	fresh_state; build_with "$COPY" "$STATE"
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
fresh_state; build_with "$COPY" "$STATE"
check "a plugin beside the binary, mode 755: the first build succeeds ($out)" [ "$rc" = 0 ]
check "... and draws the placeholder" [ -s "$STATE/img-cache/placeholder-v1-1280.jpg" ]

[ "$FAILS" = 0 ]
