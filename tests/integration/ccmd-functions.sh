# SPDX-License-Identifier: LGPL-2.1-or-later
# ccmd-functions.sh - shared by the test-ccmd-* scenarios; sourced, not run.
#
# Each scenario gets a private work folder with its own ccmd (state, runtime folder,
# socket, configuration) and a cleanup trap that stops that ccmd and kills every QEMU
# (real or double) it started, found by the runtime folder in their command lines.
# Environment from meson: CCMD, CCMCTL, QEMU_DOUBLE, REHEARSAL_INITRD, KERNEL_CACHE,
# TEST_DATA.

set -eu

work=$(mktemp -d "${TMPDIR:-/tmp}/ccmd-test.XXXXXX")
state=$work/state
runtime=$work/run
export CCMD_SOCKET=$runtime/io.ccm.Manager
# qemu-double answers ccmd's capability probe with QEMU 11.1's recorded replies.
export CCM_TEST_PROBE_RECORDING="$TEST_DATA/qmp/11.1_x86_64.replies"
ccmd_pid=
cleanups=

# cleanup_add COMMAND: run COMMAND (eval) at exit, most recent first.
cleanup_add() { cleanups="$1; $cleanups"; }

cleanup() {
    status=$?
    set +e
    eval "$cleanups"
    [ -n "$ccmd_pid" ] && kill -9 "$ccmd_pid" 2>/dev/null
    pkill -9 -f -- "$runtime/guests/" 2>/dev/null
    if [ "$status" -ne 0 ] && [ "$status" -ne 77 ]; then
        echo "--- ccmd log (last 40 lines) ---"
        tail -n 40 "$work/ccmd.log" 2>/dev/null
    fi
    rm -rf "$work"
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# printf, not echo: dash's echo would expand the backslashes in quoted messages.
fail() { printf 'FAIL: %s\n' "$*"; exit 1; }
pass() { printf 'ok - %s\n' "$*"; }
skip() { printf 'SKIP: %s\n' "$*"; exit 77; }

# The configuration every scenario starts from; scenarios append to $work/ccmd.conf.
cat >"$work/ccmd.conf" <<CONF
[Manager]
StateDirectory=$state
RuntimeDirectory=$runtime
Socket=$CCMD_SOCKET
StopTimeoutSec=20
QMPTimeoutSec=10
CONF

# start_ccmd: starts ccmd in the background and waits until it serves.
start_ccmd() {
    "$CCMD" --config "$work/ccmd.conf" >>"$work/ccmd.log" 2>&1 &
    ccmd_pid=$!
    for _ in $(seq 1 100); do
        if "$CCMCTL" list --json >/dev/null 2>&1; then
            return 0
        fi
        kill -0 "$ccmd_pid" 2>/dev/null || fail "ccmd exited at start: $(tail -n 5 "$work/ccmd.log")"
        sleep 0.1
    done
    fail "ccmd did not serve $CCMD_SOCKET within 10 s"
}

# stop_ccmd [SIGNAL]: TERM (default) and wait for a clean exit (status 0: under the
# sanitizers, also no leaks), or KILL at once.
stop_ccmd() {
    sig=${1:-TERM}
    kill "-$sig" "$ccmd_pid"
    rc=0
    wait "$ccmd_pid" 2>/dev/null || rc=$?
    ccmd_pid=
    if [ "$sig" = TERM ] && [ "$rc" -ne 0 ]; then
        fail "ccmd exited with status $rc on SIGTERM: $(tail -n 20 "$work/ccmd.log")"
    fi
}

ccmd_alive() { [ -n "$ccmd_pid" ] && kill -0 "$ccmd_pid" 2>/dev/null; }

# field NAME KEY: one field of "ccmctl status NAME --json" ("" when absent).
field() {
    "$CCMCTL" status "$1" --json | jq -r ".guest.$2 // empty"
}

# wait_state NAME STATE [SECONDS]: waits until the guest is in STATE.
wait_state() {
    limit=$(( ${3:-30} * 10 ))
    i=0
    while [ "$i" -lt "$limit" ]; do
        [ "$(field "$1" state 2>/dev/null)" = "$2" ] && return 0
        sleep 0.1
        i=$((i + 1))
    done
    fail "guest $1 did not reach '$2' within ${3:-30} s; it is '$(field "$1" state)': $(field "$1" reason)"
}

# spec_none NAME [QEMU]: a Platform=none guest that runs nothing (-machine none); with
# QEMU, that binary (e.g. the double) instead of the system's.
spec_none() {
    {
        echo "[Guest]"
        echo "Name=$1"
        echo "Platform=none"
        echo "Machine=none"
        echo "Accelerator=tcg"
        echo "Memory=64M"
        [ -n "${2:-}" ] && echo "QEMU=$2"
    } >"$work/$1.guest"
    echo "$work/$1.guest"
}

# qemu_pid NAME: the pid ccmd reports for the guest.
qemu_pid() { field "$1" pid; }

have_qemu() {
    command -v qemu-system-x86_64 >/dev/null || skip "qemu-system-x86_64 is not installed"
}

# running PID: the process exists and is not a zombie (a daemonized QEMU that exited
# stays a zombie until whatever adopted it reaps it).
running() {
    [ -r "/proc/$1/stat" ] || return 1
    st=$(sed 's/.*) //' "/proc/$1/stat" | cut -d' ' -f1)
    [ "$st" != Z ] && [ "$st" != X ]
}
