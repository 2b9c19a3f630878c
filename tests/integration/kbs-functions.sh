# SPDX-License-Identifier: LGPL-2.1-or-later
# kbs-functions.sh - the KBS double for the broker scenarios; sourced after
# ccmd-functions.sh, not run.
#
# Makes an Ed25519 admin key pair (and a second, wrong one), a TLS certificate for
# localhost and one for another host, and offers: start_kbs/stop_kbs (the double in
# tests/kbs, over verified TLS, evaluating policies with a real Rego engine),
# configure_ccmd (ccmd's [Registration] for it),
# admin_call (an admin request with a token minted here with openssl, not with ccm's
# code), register_rv (reference values as an operator would register them) and
# fake_tee (a guest that attests and asks for a resource).
python3 -c 'import cryptography' 2>/dev/null || skip "python3-cryptography is not installed"
command -v node >/dev/null || skip "node is not installed (tools/install-deps)"
kbs="$KBS_DIR/kbs-double"
tee_bin="$KBS_DIR/kbs-fake-tee"

openssl genpkey -algorithm ed25519 -out "$work/admin.pem" 2>/dev/null
chmod 0600 "$work/admin.pem"
openssl pkey -in "$work/admin.pem" -pubout -out "$work/admin.pub" 2>/dev/null
openssl genpkey -algorithm ed25519 -out "$work/other.pem" 2>/dev/null
chmod 0600 "$work/other.pem"
make_cert() { # NAME CN SAN
    openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=$2" \
        -addext "subjectAltName=$3" -keyout "$work/$1.key" -out "$work/$1.crt" 2>/dev/null
}
make_cert tls localhost "DNS:localhost,IP:127.0.0.1"
make_cert stranger stranger.example "DNS:stranger.example"

kbs_pid=
port=
start_kbs() { # extra options... (a restarted broker keeps its port, so ccmd finds it)
    rm -f "$work/kbs.port"
    "$kbs" ${port:+--port "$port"} --port-file "$work/kbs.port" --tls-cert "$work/tls.crt" \
        --tls-key "$work/tls.key" --admin-mode jwt --admin-key "$work/admin.pub" \
        --log "$work/kbs.log" "$@" 2>>"$work/kbs.err" &
    kbs_pid=$!
    for _ in $(seq 1 150); do
        [ -s "$work/kbs.port" ] && break
        sleep 0.1
    done
    [ -s "$work/kbs.port" ] || fail "the KBS double did not start: $(cat "$work/kbs.err")"
    port=$(cat "$work/kbs.port")
}
stop_kbs() {
    [ -n "$kbs_pid" ] && kill "$kbs_pid" 2>/dev/null && wait "$kbs_pid" 2>/dev/null
    kbs_pid=
}
cleanup_add 'stop_kbs'

# admin_call METHOD PATH [BODY-FILE]: prints the body; the status goes to $work/status.
admin_call() {
    now=$(date +%s)
    h=$(printf '{"alg":"EdDSA","typ":"JWT"}' | basenc --base64url | tr -d '=\n')
    c=$(printf '{"iat":%s,"exp":%s,"role":"admin"}' "$now" $((now + 60)) | basenc --base64url | tr -d '=\n')
    printf '%s.%s' "$h" "$c" >"$work/jws-input"
    s=$(openssl pkeyutl -sign -rawin -inkey "$work/admin.pem" -in "$work/jws-input" |
        basenc --base64url | tr -d '=\n')
    curl -s -o "$work/body" -w '%{http_code}' --cacert "$work/tls.crt" -X "$1" \
        -H "Authorization: Bearer $h.$c.$s" ${3:+--data-binary "@$3"} \
        "https://localhost:$port/kbs/v0/$2" >"$work/status"
    cat "$work/body"
}

# configure_ccmd ADMIN-KEY CA-FILE: ccmd registers with the double (Trustee 0.21, host id
# test-host, quick retries); reset_config takes it out again.
configure_ccmd() {
    cat >>"$work/ccmd.conf" <<CONF

[Registration]
Backend=kbs
URL=https://localhost:$port
AdminKey=$1
CAFile=$2
HostId=test-host
TrusteeVersion=0.21
PolicyDirectory=$CCM_POLICIES
Retries=2
RetryDelayMSec=100
TimeoutSec=5
CONF
}
reset_config() {
    sed -i '/^\[Registration\]/,$d' "$work/ccmd.conf"
}

# register_rv JSON-OBJECT: registers name -> value pairs in one RVPS sample message.
register_rv() {
    payload=$(printf '%s' "$1" | base64 -w0)
    printf '{"version":"0.1.0","type":"sample","payload":"%s"}' "$payload" >"$work/rv.json"
    admin_call POST reference-value "$work/rv.json" >/dev/null
    [ "$(cat "$work/status")" = 200 ] || fail "registering $1: $(cat "$work/body")"
}

# put_secret PATH TEXT: stores a resource.
put_secret() {
    printf '%s' "$2" >"$work/secret"
    admin_call POST "resource/$1" "$work/secret" >/dev/null
    [ "$(cat "$work/status")" = 200 ] || fail "cannot store $1: $(cat "$work/body")"
}

# fake_tee OPTIONS...: the double's fake guest (see tests/kbs/kbs-fake-tee --help).
fake_tee() {
    "$tee_bin" --url "https://localhost:$port" --ca-file "$work/tls.crt" "$@"
}

# expect_secret WHAT SECRET OPTIONS...: the fake guest gets SECRET.
expect_secret() {
    what=$1
    want=$2
    shift 2
    got=$(fake_tee "$@" 2>"$work/tee.err") || fail "$what: $(cat "$work/tee.err")"
    [ "$got" = "$want" ] || fail "$what: got '$got'"
    pass "$what"
}

# expect_refused WHAT OPTIONS...: the fake guest is refused with a 401.
expect_refused() {
    what=$1
    shift
    if fake_tee "$@" >/dev/null 2>"$work/tee.err"; then
        fail "$what: the secret was released"
    fi
    grep -q " 401 " "$work/tee.err" || fail "$what: $(cat "$work/tee.err")"
    pass "$what: $(cat "$work/tee.err")"
}
