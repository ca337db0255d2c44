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

RUNS=${FUZZ_RUNS:-$([ "${SANITIZED:-0}" = 1 ] && echo 3000 || echo 10000)}
seeds=(tests/fuzz/seeds/*)
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT

# run_target BIN: the seeds and their mutants through BIN; on a failure, the
# name of the input that failed (the last --trace line) and its bytes.
run_target() {
	local bin=$1 name k_i
	name=$(basename "$bin")
	if (cd "$tmp" && "$bin" --runs "$RUNS" "${seeds[@]/#/$ROOT/}") >"$tmp/$name.out" 2>&1; then
		ok "$name: ${#seeds[@]} seeds and $RUNS mutants of each, no crash, leak or failed check"
		return 0
	fi
	fail "$name: an input failed"
	(cd "$tmp" && "$bin" --runs "$RUNS" --trace "${seeds[@]/#/$ROOT/}") >"$tmp/$name.trace" 2>&1
	last=$(grep -E '^/.*(\(--mutant [0-9]+:[0-9]+\))?$' "$tmp/$name.trace" | tail -n 1)
	printf '    input: %s\n' "$last"
	k_i=$(printf '%s' "$last" | sed -n 's/.*(--mutant \([0-9]*:[0-9]*\))$/\1/p')
	if [ -n "$k_i" ]; then
		"$bin" --mutant "$k_i" --out "$ARTIFACTS/$name-${k_i/:/-}.bin" "${seeds[@]}"
		printf '    kept: tests/artifacts/%s\n    again: %s tests/artifacts/%s\n' \
			"$name-${k_i/:/-}.bin" "$bin" "$name-${k_i/:/-}.bin"
	fi
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
if ${CC:-cc} -std=c17 -Wall -Wextra -Werror -DFUZZ_STANDALONE -Itests/fuzz \
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

n=0
for bin in "$BUILD"/fuzz-replay/fuzz_*; do
	case "$bin" in *.d) continue ;; esac
	case "$bin" in /*) ;; *) bin="$ROOT/$bin" ;; esac
	run_target "$bin"
	n=$((n + 1))
done
targets=$(ls tests/fuzz/fuzz_*.c | wc -l)
is "$n" "$targets" "every target in tests/fuzz/ was built and run ($targets)"
