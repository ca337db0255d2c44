# shellcheck shell=bash disable=SC2034  # FAKE_API_PID, FAKE_API: for the caller
# fake_api.sh — the fake Bunny Stream API (tests/fakes/bunny_api.py) for
# shell tests.  Source it, then:
#   fake_api_start DIR ARGS...
# runs the fake with ARGS on a free 127.0.0.1 port, its output in
# DIR/api.out and DIR/api.log, and sets FAKE_API_PID and FAKE_API (its base
# URL, http://127.0.0.1:PORT).  Returns 1 when it exited or has not said
# its port within 10 s (the caller reports it; DIR/api.log says why).
# The caller kills FAKE_API_PID when done.
fake_api_start() {
	local dir=$1 root port=""
	shift
	root=${ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
	python3 "$root/tests/fakes/bunny_api.py" "$@" >"$dir/api.out" 2>"$dir/api.log" &
	FAKE_API_PID=$!
	FAKE_API=""
	for _ in $(seq 1 100); do
		port=$(sed -n 's/^PORT \([0-9]*\)$/\1/p' "$dir/api.out")
		[ -n "$port" ] && break
		kill -0 "$FAKE_API_PID" 2>/dev/null || break	# it exited: no port will come
		sleep 0.1
	done
	[ -n "$port" ] || return 1
	FAKE_API="http://127.0.0.1:$port"
}
