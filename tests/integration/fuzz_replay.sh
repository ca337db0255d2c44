#!/usr/bin/env bash
# Every fuzz target (tests/fuzz/fuzz_*.c) in the suite, without clang: the
# build gives each one a main() of its own (tests/fuzz/standalone.h,
# $BUILD/fuzz-replay/), and this runs the seeds and FUZZ_RUNS deterministic
# mutants of each seed through every target; under `make check` with ASan
# and UBSan, so an over-read or a leak fails here, not only in `make fuzz`.
# A failure names the mutant, keeps its bytes in tests/artifacts/ and says
# the command that runs it again.  First the harness itself: a target that
# aborts on one byte must be caught, named and reproduced.
set -u
. "$(dirname "$0")/../lib/tap.sh"
cd "$ROOT" || exit 1

RUNS=${FUZZ_RUNS:-$([ "${SANITIZED:-0}" = 1 ] && echo 1000 || echo 2500)}
CORPUS_RUNS=${FUZZ_CORPUS_RUNS:-$([ "${SANITIZED:-0}" = 1 ] && echo 20 || echo 50)}
seeds=("$ROOT"/tests/fuzz/seeds/*)
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT

# run_target BIN WHAT RUNS FILE...: the files and RUNS mutants of each
# through BIN; on a failure, the input that failed (the last --trace line),
# its bytes kept in tests/artifacts/ and the command that runs it again.
run_target() {
	local bin=$1 what=$2 runs=$3 name k_i kept
	shift 3
	name=$(basename "$bin")
	if (cd "$tmp" && "$bin" --runs "$runs" "$@") >"$tmp/$name.out" 2>&1; then
		ok "$name: $what and $runs mutants of each, no crash, leak or failed check"
		return 0
	fi
	fail "$name: an input failed ($what, $runs mutants of each)"
	(cd "$tmp" && "$bin" --runs "$runs" --trace "$@") >"$tmp/$name.trace" 2>&1
	last=$(grep -E '^/' "$tmp/$name.trace" | tail -n 1)
	printf '    input: %s\n' "$last"
	k_i=$(printf '%s' "$last" | sed -n 's/.*(--mutant \([0-9]*:[0-9]*\))$/\1/p')
	if [ -n "$k_i" ]; then
		kept="$name-${k_i/:/-}.bin"
		"$bin" --mutant "$k_i" --out "$ARTIFACTS/$kept" "$@"
	else
		kept="$name-$(basename "$last")"
		cp "$last" "$ARTIFACTS/$kept"
	fi
	printf '    kept: tests/artifacts/%s\n    again: %s tests/artifacts/%s\n' "$kept" "$bin" "$kept"
	sed 's/^/    | /' "$tmp/$name.out" | head -n 40
}

# The harness: a target that aborts when its input holds the byte 0xfe.
cat >"$tmp/fuzz_canary.c" <<'EOF'
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (memchr(data, 0xfe, size) != NULL)
		abort();
	return 0;
}
#include "standalone.h"
EOF
if ${CC:-cc} -std=c17 -D_GNU_SOURCE -Wall -Wextra -Werror -DFUZZ_STANDALONE -Itests/fuzz \
	-o "$tmp/fuzz_canary" "$tmp/fuzz_canary.c" 2>"$tmp/cc.err"; then
	printf 'seed without the byte\n' >"$tmp/seed"
	"$tmp/fuzz_canary" "$tmp/seed"; is "$?" 0 "harness: a plain replay of a good seed passes"
	rc=$( (ulimit -c 0; "$tmp/fuzz_canary" --runs "$RUNS" --trace "$tmp/seed" 2>"$tmp/canary.trace"
		echo $?) 2>/dev/null)
	[ "$rc" -ne 0 ] && ok "harness: the mutants reach a failing input (status $rc)" ||
		fail "harness: $RUNS mutants never wrote the byte 0xfe"
	k_i=$(tail -n 1 "$tmp/canary.trace" | sed -n 's/.*(--mutant \([0-9]*:[0-9]*\))$/\1/p')
	"$tmp/fuzz_canary" --mutant "${k_i:-0:0}" --out "$tmp/m1" "$tmp/seed" &&
		"$tmp/fuzz_canary" --mutant "${k_i:-0:0}" --out "$tmp/m2" "$tmp/seed"
	cmp -s "$tmp/m1" "$tmp/m2" && ok "harness: a mutant is the same bytes every time" ||
		fail "harness: --mutant $k_i wrote two different inputs"
	rc=$( (ulimit -c 0; "$tmp/fuzz_canary" "$tmp/m1"; echo $?) 2>/dev/null)
	[ "$rc" -ne 0 ] && ok "harness: the mutant the trace names (${k_i:-none}) fails again when replayed" ||
		fail "harness: mutant ${k_i:-none} replays clean: the trace named the wrong input"
	distinct=$(for i in $(seq 0 49); do
		"$tmp/fuzz_canary" --mutant "0:$i" --out "$tmp/m" "$ROOT/tests/fuzz/seeds/basic.txt" "$tmp/seed"
		md5sum <"$tmp/m"; done | sort -u | wc -l)
	[ "$distinct" -ge 45 ] && ok "harness: 50 mutants of a seed are $distinct different inputs" ||
		fail "harness: 50 mutants of a seed are only $distinct different inputs"
else
	fail "harness: the canary target does not build"; sed 's/^/    /' "$tmp/cc.err"
fi

# Each target: the seeds, then its corpus (tests/fuzz/corpus/NAME.tar.gz:
# the inputs of earlier `make fuzz` runs that reached new code, merged by
# `make fuzz-corpus`), each with its mutants.
n=0 packs=0
for bin in "$BUILD"/fuzz-replay/fuzz_*; do
	case "$bin" in *.d) continue ;; esac
	case "$bin" in /*) ;; *) bin="$ROOT/$bin" ;; esac
	name=$(basename "$bin")
	run_target "$bin" "${#seeds[@]} seeds" "$RUNS" "${seeds[@]}"
	pack="tests/fuzz/corpus/$name.tar.gz"
	if [ -f "$pack" ]; then
		mkdir -p "$tmp/corpus-$name"
		tar -xzf "$pack" -C "$tmp/corpus-$name"
		inputs=("$tmp/corpus-$name"/*)
		run_target "$bin" "${#inputs[@]} corpus inputs" "$CORPUS_RUNS" "${inputs[@]}"
		packs=$((packs + 1))
	fi
	n=$((n + 1))
done
targets=$(ls tests/fuzz/fuzz_*.c | wc -l)
is "$n" "$targets" "every target in tests/fuzz/ was built and run ($targets)"
is "$packs" "$targets" "every target has a corpus in tests/fuzz/corpus/"
