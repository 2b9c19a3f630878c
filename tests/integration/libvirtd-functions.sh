# SPDX-License-Identifier: LGPL-2.1-or-later
# libvirtd-functions.sh - a real, private libvirtd for the libvirt scenarios; sourced
# after ccmd-functions.sh, not run.
#
# Debian 12's libvirtd (9.0) reads its hooks from /etc/libvirt/hooks, compiled in, and
# wants the user libvirt-qemu before it reads qemu.conf. So it runs in a private mount
# and PID namespace, with overlays on /etc and /var (its configuration, hooks and state
# land in $lv, the host's are untouched) and $lv/run bound on /run: its sockets, and the
# socket ccmd serves the hook on (/run/ccmd/io.ccm.Manager, the hook's default), are in
# $lv/run. QEMU runs as root under TCG, without cgroups, namespaces, security labels or
# virtlogd. Killing the namespace's first process ends libvirtd, its QEMUs and mounts.
#
# Offers: start_libvirtd (installs the hooks given as NAME=PATH), stop_libvirtd, lvirsh
# (virsh on the private daemon) and $lv_uri.
[ "$(id -u)" -eq 0 ] || skip "a private libvirtd needs root (mount namespaces, overlays)"
command -v libvirtd >/dev/null || skip "libvirtd is not installed (tools/install-deps)"
command -v unshare >/dev/null || skip "unshare is not installed"

lv=$work/lv
lv_uri="qemu:///system?socket=$lv/run/libvirt/libvirt-sock"
lv_pid=

lvirsh() { virsh -q -c "$lv_uri" "$@"; }

start_libvirtd() { # HOOK-NAME=PATH...
    mkdir -p "$lv/etc.up/libvirt/hooks/qemu.d" "$lv/etc.work" "$lv/var.up" "$lv/var.work" \
        "$lv/run"
    cp /etc/passwd /etc/group "$lv/etc.up/"
    grep -q '^libvirt-qemu:' /etc/passwd ||
        echo 'libvirt-qemu:x:64055:64055:Libvirt Qemu:/var/lib/libvirt:/usr/sbin/nologin' >>"$lv/etc.up/passwd"
    grep -q '^libvirt-qemu:' /etc/group || echo 'libvirt-qemu:x:64055:' >>"$lv/etc.up/group"
    cat >"$lv/etc.up/libvirt/libvirtd.conf" <<CONF
auth_unix_ro = "none"
auth_unix_rw = "none"
log_outputs = "3:file:$lv/libvirtd.log"
CONF
    cat >"$lv/etc.up/libvirt/qemu.conf" <<CONF
user = "root"
group = "root"
dynamic_ownership = 0
remember_owner = 0
security_driver = "none"
cgroup_controllers = [ ]
namespaces = [ ]
stdio_handler = "file"
CONF
    for hook in "$@"; do
        ln -s "${hook#*=}" "$lv/etc.up/libvirt/hooks/qemu.d/${hook%%=*}"
    done
    # The shell stays the namespace's first process and reaps what is orphaned there
    # (QEMU daemonizes): libvirtd as PID 1 would leave zombies it then waits for.
    LV="$lv" setsid unshare -m -p --fork --mount-proc --kill-child sh -c '
        mount -t overlay overlay -o lowerdir=/etc,upperdir=$LV/etc.up,workdir=$LV/etc.work /etc &&
        mount -t overlay overlay -o lowerdir=/var,upperdir=$LV/var.up,workdir=$LV/var.work /var &&
        mount --bind $LV/run /run &&
        libvirtd -f /etc/libvirt/libvirtd.conf -p $LV/libvirtd.pid & wait $!' \
        >"$lv/unshare.log" 2>&1 &
    lv_pid=$!
    for _ in $(seq 1 150); do
        lvirsh version >/dev/null 2>&1 && return 0
        kill -0 "$lv_pid" 2>/dev/null || fail "libvirtd did not start: $(cat "$lv/unshare.log")"
        sleep 0.1
    done
    fail "libvirtd did not answer within 15 s: $(tail -n 5 "$lv/libvirtd.log")"
}

stop_libvirtd() {
    [ -n "$lv_pid" ] || return 0
    kill -KILL "$lv_pid" 2>/dev/null
    wait "$lv_pid" 2>/dev/null
    lv_pid=
}
cleanup_add 'stop_libvirtd'
