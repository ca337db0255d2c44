#!/bin/sh
# conf/trusted-proxies.sh — run by conf/lighttpd.conf (include_shell) when
# lighttpd loads it: prints the mod_extforward settings for the proxies or
# CDN edges listed in ONLY_TRUSTED_PROXIES (addresses or CIDR ranges,
# separated by commas or blanks), or nothing when the list is empty, so that
# forwarded headers are then ignored entirely.
#
# Only an X-Forwarded-For that arrives *from* a listed address is believed,
# and mod_extforward takes the right-most address in it that is not itself
# listed: what the trusted proxy saw, never what the client wrote.  Every
# entry is checked here (digits, hex, ':', '.', one '/N'); anything else
# stops lighttpd from starting rather than trusting a typo.
set -eu
list=$(printf '%s' "${ONLY_TRUSTED_PROXIES:-}" | tr ',\t\r\n' '    ')
[ -n "$(printf '%s' "$list" | tr -d ' ')" ] || exit 0
out=""
for e in $list; do
	case "$e" in
	*[!0-9A-Fa-f:./]* | */*/* | /* | */ | *. | .*)
		echo "trusted-proxies: not an address or CIDR range: '$e'" >&2
		exit 1 ;;
	esac
	case "$e" in
	*/*)	bits=${e#*/}
		case "$bits" in ''|*[!0-9]*|????*)
			echo "trusted-proxies: bad prefix length in '$e'" >&2; exit 1 ;;
		esac ;;
	esac
	case "$e" in
	*:*) max=128 ;;
	*.*.*.*) max=32 ;;
	*) echo "trusted-proxies: not an address or CIDR range: '$e'" >&2; exit 1 ;;
	esac
	case "$e" in
	*/*) [ "${e#*/}" -ge 1 ] && [ "${e#*/}" -le $max ] || {
		echo "trusted-proxies: prefix length of '$e' not 1..$max" >&2; exit 1; } ;;
	esac
	out="$out\"$e\" => \"trust\", "
done
printf 'extforward.forwarder = ( %s)\n' "$out"
printf 'extforward.headers = ( "X-Forwarded-For" )\n'
