#!/usr/bin/env bash
# The shipped examples stay consistent with the code: the systemd path unit
# watches the record the verifier writes and starts the watcher's --once
# mode; the CI workflow has the triggers and steps docs/deploy.md promises;
# every file docs/deploy.md names exists.
set -u
. "$(dirname "$0")/../lib/tap.sh"
cd "$ROOT" || exit 1
path=examples/systemd/onlymatt-rebuild.path
svc=examples/systemd/onlymatt-rebuild.service
ci=examples/ci/github-actions-publish.yml

grep -q '^PathChanged=.*/var/rebuild-request$' "$path"; is "$?" 0 "path unit watches var/rebuild-request"
grep -q '"rebuild-request"' verifier/module/api.c; is "$?" 0 "which is the verifier's default record name"
grep -q '^Unit=onlymatt-rebuild.service$' "$path"; is "$?" 0 "path unit starts the service"
grep -q '^ExecStart=.*/scripts/rebuild-watcher --once$' "$svc"; is "$?" 0 "service runs rebuild-watcher --once"
grep -q '^Type=oneshot$' "$svc"; is "$?" 0 "service is oneshot (one build per start)"
grep -q '^Restart=on-failure$' "$svc"; is "$?" 0 "a failed build is retried"
grep -q -- '--once' examples/cron/onlymatt-rebuild.crontab && grep -q -- '--watch' examples/cron/onlymatt-rebuild.crontab
is "$?" 0 "the no-systemd alternatives use --once (cron) and --watch (supervisor)"
# The periodic full pull, the incremental pulls' safety net (issue 15).
grep -q '^ExecStart=.*/scripts/rebuild-watcher --full$' examples/systemd/onlymatt-full-pull.service
is "$?" 0 "the full-pull service runs rebuild-watcher --full"
grep -q '^Unit=onlymatt-full-pull.service$' examples/systemd/onlymatt-full-pull.timer &&
	grep -q '^OnCalendar=' examples/systemd/onlymatt-full-pull.timer
is "$?" 0 "its timer starts it on a calendar"
grep -q '^[0-9].* scripts/rebuild-watcher --full' examples/cron/onlymatt-rebuild.crontab ||
	grep -q '^# [0-9].* scripts/rebuild-watcher --full' examples/cron/onlymatt-rebuild.crontab
is "$?" 0 "the cron example has the hourly --full line"

grep -q '^  schedule:' "$ci"; is "$?" 0 "CI: scheduled"
grep -q '^  repository_dispatch:' "$ci"; is "$?" 0 "CI: repository dispatch"
grep -q '"content/\*\*"' "$ci"; is "$?" 0 "CI: pushes touching content/"
grep -q 'bin/onlygen pull --check' "$ci"; is "$?" 0 "CI: pull --check decides"
grep -q 'var/catalog.db' "$ci"; is "$?" 0 "CI: caches var/catalog.db"
grep -q 'bin/onlygen deploy$' "$ci"; is "$?" 0 "CI: deploys"
grep -q 'run: scripts/install-deps --build$' "$ci"; is "$?" 0 "CI: installs the build dependencies only (no browser, no lighttpd)"
out=$(scripts/install-deps --build 2>&1); is "$?:$out" "0:" "install-deps --build: nothing to do on a machine that has everything"
bad=$(grep -nE '(KEY|ZONE|ID|URL|REGION|HOSTNAME): [^$ ]' "$ci" | grep -v 'secrets\.' || true)
is "$bad" "" "CI: every Bunny value comes from the secret store"
grep -q "\"3\") \|3) echo \"changed=true\"" "$ci"; is "$?" 0 "CI: exit 3 of pull --check means changed"
# The build records its digest in var/catalog.db.built, which the cache
# keeps with the catalog (else every run would build and deploy again)
for step in Restore Save; do
	list=$(awk -v s="name: $step var/" 'index($0, s){f=1} f && /key:/{exit} f' "$ci")
	case "$list" in *"var/catalog.db.built"*) r=0 ;; *) r=1 ;; esac
	is "$r" 0 "CI: the $step step keeps the build's mark (var/catalog.db.built) with the catalog"
done
# A cache saved after a
# failed build or deploy makes the next `pull --check` say "unchanged", and
# the site is never published.
save_if=$(awk '/name: Save var\//{f=1} f && /^ *uses:/{exit} f && /^ *if:/{g=1} g' "$ci" | tr -s ' \n' ' ')
grep -q '^ *id: build$' "$ci" && grep -q '^ *id: deploy$' "$ci" &&
	case "$save_if" in *"steps.build.outcome != 'failure'"*"steps.deploy.outcome != 'failure'"*) true ;; *) false ;; esac
is "$?" 0 "CI: var/ is not cached after a failed build or deploy ($save_if)"
# Thumbnail and preview URLs are signed at build with the pull zone's
# token key, and the signatures expire (30 to 60 days): the build needs the
# key, and a quiet library still needs a rebuild before they run out.
grep -q 'BUNNY_TOKEN_KEY: ${{ secrets.BUNNY_TOKEN_KEY }}' "$ci"; is "$?" 0 "CI: the build has BUNNY_TOKEN_KEY (signed thumbnail URLs)"
weekly=$(grep -oE 'cron: "[^"]+" *# *weekly' "$ci" | sed 's/cron: "\([^"]*\)".*/\1/')
[ -n "$weekly" ] && grep -qF "github.event.schedule }}\" = \"$weekly\"" "$ci"
is "$?" 0 "CI: a weekly scheduled run rebuilds even without a change ('$weekly'), renewing the signatures"

missing=""
for f in $(grep -oE '`(examples|scripts|verifier|generator|tests)/[A-Za-z0-9_./-]+`' docs/deploy.md | tr -d '`' | sort -u); do
	[ -e "$f" ] || missing="$missing $f"
done
is "$missing" "" "every file docs/deploy.md names exists"
"$BINDIR/onlygen" --help | grep -q '^  deploy '; is "$?" 0 "onlygen --help lists deploy"
"$BINDIR/onlygen" deploy --help | grep -q 'BUNNY_STORAGE_KEY'; is "$?" 0 "deploy --help documents its environment"
