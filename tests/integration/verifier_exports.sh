#!/usr/bin/env bash
# bin/verifier.so exports its Lua entry point and nothing else (objects built
# -fvisibility=hidden, verifier/module/verifier.map): no symbol of ours can
# clash with lighttpd's, another module's or a library's.
set -u
. "$(dirname "$0")/../lib/tap.sh"
so="$BINDIR/verifier.so"
[ -f "$so" ] || { fail "$so exists"; exit 1; }
ours=$(nm -D --defined-only "$so" | awk '$2 ~ /^[TDBRVWtdbr]$/ {print $3}' | sort)
is "$ours" "luaopen_verifier" "verifier.so defines and exports luaopen_verifier alone"
undef=$(nm -D --undefined-only "$so" | awk '{print $2}' | grep -E '^(lua|luaL)_' | head -n 1)
like "$undef" "lua" "it resolves lua_* from the host (mod_magnet's liblua), links no Lua of its own"
! ldd "$so" 2>/dev/null | grep -q 'liblua'
is "$?" 0 "ldd shows no liblua dependency"
