# SPDX-License-Identifier: LGPL-2.1-or-later
# debian-suite.sh - a private apt for another Debian suite; sourced by the fetch scripts
# (tests/libvirt/fetch-schemas, tests/qemu/fetch-qemu), not run.
#
# suite_apt SUITE DIR: points APT_CONFIG at an apt of its own in DIR/apt (the system's
# apt state is never touched) whose only source is SUITE's main component on the
# archive this system's apt already uses for its own release (DEBIAN_MIRROR overrides
# it), and fetches the package lists once. Afterwards `apt-get download` and
# `apt-cache` work on SUITE. Calls skip (which the caller defines: exit 77 with a
# reason) when the archive cannot be reached.

_have_lists() {
    for _f in "$1"/lists/*_Packages*; do
        [ -e "$_f" ] && return 0
    done
    return 1
}

suite_apt() {
    _suite=$1
    _dir=$2
    _keyring=/usr/share/keyrings/debian-archive-keyring.gpg
    [ -r $_keyring ] || skip "$_keyring is missing"
    _release=$(. /etc/os-release 2>/dev/null && echo "${VERSION_CODENAME:-}")
    _mirror=${DEBIAN_MIRROR:-$(apt-get indextargets --format '$(REPO_URI) $(RELEASE) $(COMPONENT)' 2>/dev/null |
        awk -v rel="$_release" '$2 == rel && $3 == "main" { sub(/\/$/, "", $1); print $1; exit }')}
    [ -n "$_mirror" ] || skip "apt has no Debian archive for $_release configured; set DEBIAN_MIRROR"
    _apt=$_dir/apt
    mkdir -p "$_apt/lists/partial" "$_apt/cache/archives/partial"
    : >"$_apt/status"
    echo "deb [signed-by=$_keyring] $_mirror $_suite main" >"$_apt/sources.list"
    cat >"$_apt/apt.conf" <<CONF
Dir::Etc::main "/dev/null"; Dir::Etc::parts "/dev/null";
Dir::Etc::sourcelist "$_apt/sources.list"; Dir::Etc::sourceparts "/dev/null";
Dir::Etc::preferences "/dev/null"; Dir::Etc::preferencesparts "/dev/null";
Dir::State "$_apt"; Dir::State::lists "$_apt/lists"; Dir::State::status "$_apt/status";
Dir::Cache "$_apt/cache"; Dir::Cache::pkgcache ""; Dir::Cache::srcpkgcache "";
APT::Architecture "amd64"; APT::Architectures { "amd64"; };
APT::Sandbox::User "root"; Acquire::Languages "none"; Acquire::GzipIndexes "true";
CONF
    apt-config dump --format '%f "%v";%n' Acquire::http Acquire::https \
        Acquire::Check-Valid-Until Acquire::Check-Date >>"$_apt/apt.conf"
    export APT_CONFIG=$_apt/apt.conf
    if ! _have_lists "$_apt"; then
        # apt-get update exits 0 when a repository is unreachable; look for the lists.
        apt-get -q update >"$_dir/update.log" 2>&1 || true
        _have_lists "$_apt" ||
            skip "cannot fetch the Debian $_suite package lists from $_mirror: $(grep -m 1 -E '^(E|W|Err):' "$_dir/update.log" || tail -n 1 "$_dir/update.log")"
    fi
}
