# SPDX-License-Identifier: LGPL-2.1-or-later
# server.py - the HTTP(S) front of the KBS double: routing, admin gating, resources.
"""HTTP server of the KBS double.

Theory of operation: one ThreadingHTTPServer; every request is handled on its own
thread and all shared state sits behind locks. A request is read in full (body bytes
only, not parsed), then routed the way trustee's api_server routes it: the first
segment after /kbs/v0/ and the method pick a built-in handler (auth, attest,
attestation-policy, resource-policy, reference-value); anything else is looked up as
a plugin, and the only plugin is "resource"; an unknown one is 404 PluginNotFound.
Admin routes first consume an injected fault if any are left, then pass the admin
gate, and only then parse the body. A resource GET is judged by the resource policy
(policy.py, the Rego engine) on the EAR claims and the request's data document before
the path is even validated, as trustee does. Every answer goes through _send(), which
writes the optional request log line "METHOD PATH STATUS" (never headers or bodies).
"""

import http.cookies
import http.server
import json
import re
import socket
import socketserver
import ssl
import sys
import threading
import traceback
import urllib.parse
from email.utils import formatdate

from . import jose, policy, rego
from .codec import b64url_decode, b64url_encode
from .errors import KbsError

API_PREFIX = "/kbs/v0/"
MAX_BODY = 16 * 1024 * 1024
SESSION_COOKIE = "kbs-session-id"
# What may precede the first request on a connection from a guest's serial port.
MAX_PREAMBLE = 64 * 1024
_REQUEST_LINE = re.compile(rb"[A-Z]+ [^ \r\n]+ HTTP/\d\.\d\r?\n")
_SEGMENT = re.compile(r"[A-Za-z0-9_-][A-Za-z0-9_.-]*")


class KbsState:
    """Everything the double knows: admin gate, RV store, attestation, resources."""

    def __init__(self, gate, store, attestation, profile, backend="normal",
                 fail_first=0, fail_status=500, log_path=None, verbose=False):
        self.gate = gate
        self.store = store
        self.attestation = attestation
        self.profile = profile
        self.backend = backend
        self.verbose = verbose
        self.log_path = log_path
        self._lock = threading.Lock()
        self._resources = {}
        self._resource_policy = policy.stock_resource_policy(profile)
        self._faults_left = fail_first
        self._fault_status = fail_status
        self._engine_started = False

    def warm_engine(self):
        """Start the Rego engine in the background, once. It takes seconds (and a CPU),
        so it starts with the first request that will need it, not with the double."""
        with self._lock:
            if self._engine_started:
                return
            self._engine_started = True

        def start():
            try:
                rego.start()
            except rego.RegoError as e:
                sys.stderr.write("kbs-double: %s\n" % e)

        threading.Thread(target=start, daemon=True).start()

    def take_fault(self):
        """The status of an injected fault for this admin request, or None."""
        with self._lock:
            if self._faults_left <= 0:
                return None
            self._faults_left -= 1
            return self._fault_status

    def log_request(self, method, path, status):
        """Append "METHOD PATH STATUS" to the request log, if there is one."""
        if not self.log_path:
            return
        with self._lock, open(self.log_path, "a", encoding="utf-8") as f:
            f.write("%s %s %d\n" % (method, path, status))

    def set_resource_policy(self, text):
        with self._lock:
            self._resource_policy = text

    def resource_policy(self):
        with self._lock:
            return self._resource_policy

    def put_resource(self, path, data):
        with self._lock:
            self._resources[path] = data

    def delete_resource(self, path):
        with self._lock:
            return self._resources.pop(path, None) is not None

    def get_resource(self, path):
        with self._lock:
            return self._resources.get(path)


def _plugin_error(cause):
    return KbsError("PluginInternalError", "Plugin internal error: " + cause)


def _resource_path(extra):
    """Validate repo/type/tag (exactly three segments of the allowed characters)."""
    segments = extra.split("/")
    if len(segments) != 3 or not all(_SEGMENT.fullmatch(s) for s in segments):
        raise _plugin_error("resource path '%s' is not <repository>/<type>/<tag>" % extra)
    return extra


class Handler(http.server.BaseHTTPRequestHandler):
    """One HTTP/1.1 connection; requests are dispatched to the _route_* methods."""

    protocol_version = "HTTP/1.1"
    server_version = "kbs-double"
    # Idle time allowed on a kept-alive connection. A guest reaches the double through a
    # serial port that QEMU connects when it starts (-serial tcp:...), long before the
    # guest has booted far enough to send its first request: minutes under TCG.
    timeout = 900

    # -------------------------------------------------------------- plumbing

    @property
    def state(self):
        return self.server.state

    def log_message(self, format, *args):  # noqa: A002 - the base class's signature
        if self.state.verbose:
            sys.stderr.write("kbs-double: %s\n" % (format % args))

    def parse_request(self):
        """Skip what precedes a request line on a serial link, then parse the request.

        A guest reaches the double through a serial port (QEMU's -serial tcp:), and
        that port carries more than HTTP: the firmware and the kernel's EFI stub write
        their console output to every serial port before the guest's client starts. So
        before the first request of a connection, lines that are not request lines are
        skipped (up to 64 KiB); empty lines are skipped before any request (RFC 9112
        §2.2; http.server would hang up on them), since the connection cannot be opened
        again from the guest's side."""
        skipped = 0
        first = not getattr(self, "_requests_seen", False)
        self._requests_seen = True
        while self.raw_requestline and skipped < MAX_PREAMBLE and (
                self.raw_requestline in (b"\r\n", b"\n")
                or (first and not _REQUEST_LINE.fullmatch(self.raw_requestline))):
            skipped += len(self.raw_requestline)
            self.raw_requestline = self.rfile.readline(65537)
        if skipped > 2:
            self.log_message("skipped %d bytes before the request line", skipped)
        return super().parse_request()

    def do_GET(self):
        self._dispatch()

    do_POST = do_PUT = do_DELETE = do_PATCH = do_GET

    def _read_body(self):
        """The request body bytes (Content-Length or chunked), capped at MAX_BODY."""
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            chunks, total = [], 0
            while True:
                size = int(self.rfile.readline(1024).split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline(1024).strip():
                        pass
                    return b"".join(chunks)
                total += size
                if total > MAX_BODY:
                    raise ValueError("body too large")
                chunks.append(self.rfile.read(size))
                self.rfile.readline(1024)
        length = int(self.headers.get("Content-Length") or 0)
        if length < 0 or length > MAX_BODY:
            raise ValueError("bad Content-Length")
        return self.rfile.read(length) if length else b""

    def _send(self, status, body=b"", content_type=None, headers=()):
        # Log first: a client that has the answer must find the line already there.
        self.state.log_request(self.command, self._path, status)
        self.send_response(status)
        if content_type:
            self.send_header("Content-Type", content_type)
        for name, value in headers:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if body and self.command != "HEAD":
            self.wfile.write(body)

    def _send_json(self, value, headers=()):
        self._send(200, json.dumps(value).encode(), "application/json", headers)

    def _send_error(self, error):
        self._send(error.status, error.body(), error.content_type)

    def _dispatch(self):
        target = urllib.parse.urlsplit(self.path)
        self._path = target.path
        self._uri = target.path + ("?" + target.query if target.query else "")
        try:
            self._body = self._read_body()
        except ValueError as e:
            self.close_connection = True
            self._send(413 if "large" in str(e) else 400)
            return
        try:
            self._route()
        except KbsError as e:
            self._send_error(e)
        except Exception:  # a bug in the double: say so loudly, answer 500
            traceback.print_exc()
            self._send_error(KbsError("InternalError", "kbs-double internal error", 500))

    # -------------------------------------------------------------- routing

    def _route(self):
        path, method = self._path, self.command
        if path == "/healthz" and method == "GET":
            self._send(200)
            return
        if not path.startswith(API_PREFIX):
            raise KbsError("InvalidRequestPath", "Invalid request path %s" % path)
        first, _, extra = path[len(API_PREFIX):].partition("/")
        if (first, method) in (("auth", "POST"), ("attestation-policy", "POST"),
                               ("resource-policy", "POST"), ("resource", "GET")):
            self.state.warm_engine()
        builtin = {
            ("auth", "POST"): (self._route_auth, None),
            ("attest", "POST"): (self._route_attest, None),
            ("attestation-policy", "POST"): (self._route_set_attestation_policy, "admin"),
            ("resource-policy", "POST"): (self._route_set_resource_policy, "admin"),
            ("resource-policy", "GET"): (self._route_get_resource_policy, "admin"),
            ("reference-value", "POST"): (self._route_register_reference_value, "admin"),
            ("reference-value", "GET"): (self._route_get_reference_value, "admin"),
        }.get((first, method))
        if builtin:
            handler, gate = builtin
            if gate:
                self._admin("AdminAuthAccess")
            handler(urllib.parse.unquote(extra))
        elif first == "resource":
            self._route_resource(urllib.parse.unquote(extra))
        else:
            raise KbsError("PluginNotFound", "Plugin %s not found" % first)

    def _admin(self, variant):
        """Injected faults first, then the admin gate; raises KbsError to refuse."""
        status = self.state.take_fault()
        if status is not None:
            raise KbsError("InjectedFault", "kbs-double: injected failure", status)
        self.state.gate.check(self.headers.get("Authorization"), self._uri, self._path,
                              variant)

    def _json_body(self, make_error):
        try:
            value = json.loads(self._body)
        except (ValueError, UnicodeDecodeError) as e:
            raise make_error("the request body is not JSON: %s" % e) from None
        if not isinstance(value, dict):
            raise make_error("the request body is not a JSON object")
        return value

    def _session_cookie(self):
        cookie = http.cookies.SimpleCookie()
        try:
            cookie.load(self.headers.get("Cookie", ""))
        except http.cookies.CookieError:
            return None
        morsel = cookie.get(SESSION_COOKIE)
        return morsel.value if morsel else None

    @staticmethod
    def _set_cookie(session):
        return ("Set-Cookie", "%s=%s; Expires=%s" % (
            SESSION_COOKIE, session.id, formatdate(session.expires, usegmt=True)))

    # -------------------------------------------------------------- RCAR

    def _route_auth(self, _extra):
        reply, session = self.state.attestation.auth(self._body)
        self._send_json(reply, [self._set_cookie(session)])

    def _route_attest(self, _extra):
        session = self.state.attestation.attest(self._session_cookie(), self._body)
        self._send_json({"token": session.token}, [self._set_cookie(session)])

    # -------------------------------------------------------------- policies

    def _route_set_attestation_policy(self, _extra):
        self.state.attestation.set_policy(self._body)
        self._send(200)

    def _policy_error(self, cause, evaluating=False):
        """The KBS's error for a resource policy that cannot be set or evaluated."""
        if self.state.profile.legacy_policy_errors:
            return KbsError("PolicyEngine", "Policy engine error: " + cause)
        if evaluating:
            return KbsError("PolicyEngineError", "Policy engine error: " + cause)
        return KbsError("ParsePolicyError", "Failed to parse policy: " + cause)

    def _route_set_resource_policy(self, _extra):
        request = self._json_body(self._policy_error)
        text = request.get("policy")
        if not isinstance(text, str):
            raise self._policy_error("No `policy` field, or not a string, inside SetPolicy "
                                     "Request Json")
        try:
            decoded = b64url_decode(text).decode("utf-8")
        except (ValueError, UnicodeDecodeError) as e:
            raise self._policy_error("Failed to decode policy (URL-safe base64 without "
                                     "padding of UTF-8 text): %s" % e) from None
        if self.state.profile.validates_policies:
            try:
                policy.validate(self.state.profile, decoded, attestation=False)
            except policy.PolicyError as e:
                raise self._policy_error("Failed to set policy, illegal policy: %s" % e) \
                    from None
        self.state.set_resource_policy(decoded)
        self._send(200)

    def _route_get_resource_policy(self, _extra):
        if self.state.profile.resource_policy_readable:
            text = b64url_encode(self.state.resource_policy().encode("utf-8"))
            self._send(200, text.encode("ascii"), "text/xml")
        else:
            self._send_json(["resource-policy"])

    # -------------------------------------------------------------- reference values

    def _intel_ta_refusal(self):
        if self.state.backend == "intel_ta":
            raise KbsError("RvpsError", "RVPS configuration failed: the Intel Trust Authority "
                           "attestation service does not support reference value configuration")

    def _route_register_reference_value(self, _extra):
        self._intel_ta_refusal()
        self.state.store.register(self._body)
        self._send(200, b"", "application/json")

    def _route_get_reference_value(self, name):
        self._intel_ta_refusal()
        try:
            value = self.state.store.query(name)
        except KeyError:
            raise KbsError("RvpsError", "RVPS configuration failed: Failed to get "
                           "reference_values: No reference value found for the given id: "
                           "%s" % name) from None
        self._send_json(value)

    # -------------------------------------------------------------- resource plugin

    def _route_resource(self, extra):
        method = self.command
        if method in ("POST", "DELETE"):
            self._admin("AdminAuthInitialization")
            path = _resource_path(extra)
            if method == "POST":
                self.state.put_resource(path, self._body)
                self._send(200, b"", "text/xml")
            elif self.state.delete_resource(path):
                self._send(200)
            else:
                raise _plugin_error("resource %s does not exist" % path)
            return
        ear_claims, tee_pubkey = self.state.attestation.attested(
            self._session_cookie(), self.headers.get("Authorization"))
        query = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(self.path).query,
                                            keep_blank_values=True))
        data = policy.resource_data(self.state.profile, extra, query)
        try:
            allowed = policy.resource_allowed(self.state.profile, self.state.resource_policy(),
                                              ear_claims, data)
        except policy.PolicyError as e:
            raise self._policy_error(str(e), evaluating=True) from None
        if not allowed:
            raise KbsError("PolicyDeny", "Access denied by policy")
        if method != "GET":
            raise _plugin_error("method %s is not supported by the resource plugin" % method)
        data = self.state.get_resource(_resource_path(extra))
        if data is None:
            raise _plugin_error("resource %s does not exist" % extra)
        try:
            jwe = jose.jwe_encrypt(tee_pubkey, data)
        except jose.JoseError as e:
            raise _plugin_error("cannot encrypt to the tee key: %s" % e) from None
        self._send_json(jwe)


class KbsServer(http.server.ThreadingHTTPServer):
    """ThreadingHTTPServer with the TLS handshake done on the connection's own thread."""

    daemon_threads = True

    def __init__(self, address, state, ssl_context=None):
        family = socket.AF_INET6 if ":" in address[0] else socket.AF_INET
        self.address_family = family
        super().__init__(address, Handler)
        self.state = state
        self.ssl_context = ssl_context

    def server_bind(self):
        """Bind without HTTPServer's reverse DNS lookup, which can stall offline hosts."""
        socketserver.TCPServer.server_bind(self)
        self.server_name, self.server_port = self.server_address[:2]

    def finish_request(self, request, client_address):
        if self.ssl_context is None:
            super().finish_request(request, client_address)
            return
        request.settimeout(30)
        try:
            tls = self.ssl_context.wrap_socket(request, server_side=True)
        except (ssl.SSLError, OSError) as e:
            if self.state.verbose:
                sys.stderr.write("kbs-double: TLS handshake failed: %s\n" % e)
            return
        # wrap_socket took over the descriptor: the TLS socket is the one to close.
        try:
            super().finish_request(tls, client_address)
        finally:
            try:
                tls.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            tls.close()


def make_ssl_context(cert, key):
    """A server TLS context for a PEM certificate (chain) and key."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    return context

