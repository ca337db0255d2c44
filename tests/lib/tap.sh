# tap.sh — ok/not ok helpers for shell tests (see tests/run).
# Source it: . "$(dirname "$0")/../lib/tap.sh"
: "${BINDIR:=bin}"
case "$BINDIR" in /*) ;; *) BINDIR="$PWD/$BINDIR" ;; esac
export BINDIR

ok()   { echo "ok - $*"; }
fail() { echo "not ok - $*"; }
# is ACTUAL EXPECTED DESCRIPTION
is() {
	if [ "$1" = "$2" ]; then ok "$3"; else
		fail "$3"; printf '    expected: %s\n    actual:   %s\n' "$2" "$1"; fi
}
# check DESCRIPTION COMMAND...: ok when COMMAND succeeds
check() { local d=$1; shift; if "$@"; then ok "$d"; else fail "$d"; fi; }
# like ACTUAL SUBSTRING DESCRIPTION
like() {
	case "$1" in *"$2"*) ok "$3" ;; *)
		fail "$3"; printf '    expected to contain: %s\n    actual: %s\n' "$2" "$1" ;; esac
}
