# SPDX-License-Identifier: LGPL-2.1-or-later
# tools/demo.d/progress.sh - how tools/demo says what it does (sourced; POSIX sh): one
# line per step with the time since the start, and for a long step a line every 5 s
# (tests/docs/check-demo-progress holds it to that).

started_at=$(date +%s)
note() {
    printf '[%4ds] %s\n' $(($(date +%s) - started_at)) "$*"
}
step=0
say() {
    step=$((step + 1))
    printf '\n'
    note "== $step. $*"
}
run() {
    printf '$ %s\n' "$*"
    "$@"
}
# watch WHAT STATUS LOG CMD...: run CMD with its output in LOG and, until it ends, say
# every 5 s that WHAT still runs, for how long, and what the function STATUS prints
# about it (given LOG). Returns CMD's exit status.
busy_pid=
watch() {
    _what=$1 _status=$2 _log=$3
    shift 3
    "$@" >"$_log" 2>&1 </dev/null &
    busy_pid=$!
    _begun=$(date +%s)
    _said=$_begun
    while kill -0 "$busy_pid" 2>/dev/null; do
        sleep 1
        _now=$(date +%s)
        if [ $((_now - _said)) -ge 5 ]; then
            _said=$_now
            note "   $_what: $((_now - _begun)) s$($_status "$_log")"
        fi
    done
    _rc=0
    wait "$busy_pid" || _rc=$?
    busy_pid=
    return $_rc
}
# must WHAT STATUS LOG CMD...: watch, and on failure show the end of LOG and stop.
must() {
    watch "$@" || {
        _rc=$?
        echo "tools/demo: $1 failed (exit $_rc); the end of its log, $3:" >&2
        tail -n 25 "$3" | sed 's/^/  /' >&2
        exit 1
    }
}
# Status lines: the newest line of the log (apt's, ninja's [N/M] progress), the
# megabytes a download folder holds, the newest printable line of a serial console.
newest_line() {
    _line=$(tail -n 1 "$1" 2>/dev/null | tr -cd '[:print:]' | cut -c 1-72)
    [ -z "$_line" ] || printf ', %s' "$_line"
}
