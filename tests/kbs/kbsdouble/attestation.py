# SPDX-License-Identifier: LGPL-2.1-or-later
# attestation.py - RCAR sessions (/auth, /attest), EAR tokens and the attestation policy.
"""The attestation half of the KBS double.

Theory of operation (KBS protocol 0.4.0): /auth opens a session for a tee and hands
out a nonce (standard base64 of 32 random bytes) and a cookie kbs-session-id=<32 hex>
valid for the session timeout (5 minutes by default). /attest, on that cookie, gets
the runtime data (nonce and the tee's public JWK) plus evidence; the verifier
(evidence.py; simtee.py for the simulated TEE's signed evidence, trusted only under
the --sim-tee-chain directory) checks the evidence is bound to SHA-384 of the canonical
runtime data and yields trustee's claims. They are turned into the policy input as trustee's
transform_claims does, and the attestation policy stored as default_cpu (at first the
model of the release's stock policy) is evaluated on it by the Rego engine, with the
reference values of the moment behind query_reference_value (policy.py). The result is
an EAR: a JWT the double signs EdDSA with a key made at startup, carrying submods.cpu0
with ear.status, ear.trustworthiness-vector, ear.appraisal-policy-id "default",
ear.veraison.annotated-evidence (the policy input), the policy's extensions, and the tee
key (as base64url DER SubjectPublicKeyInfo under ear.veraison.key-attestation.akpub) so
that a resource request carrying the EAR as a Bearer token can be answered without the
session. A second attest on an attested session returns the same token.
"""

import base64
import json
import os
import threading
import time
import uuid

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519

from . import evidence, jose, policy
from .codec import b64url_decode, b64url_encode
from .errors import KbsError, KbsPanic

PROTOCOL_VERSION = "0.4.0"
KNOWN_TEES = ("snp", "tdx", "cca", "sample", "az-snp-vtpm", "az-tdx-vtpm", "sgx", "csv",
              "se", "tpm", "nvidia", "hygondcu", "sampledevice")
EAR_LIFETIME = 300
EAR_PROFILE = "tag:github.com,2024:confidential-containers/Trustee"
EAR_ISSUER = "CoCo-Attestation-Service"
# The KBS always asks the attestation service for policy "default"; the service runs
# "<id>_<class>", and every TEE the double verifies is of class cpu.
REQUESTED_POLICY_ID = "default"
ATTESTATION_POLICY_ID = "default_cpu"


def _auth_error(cause):
    return KbsError("AttestationError",
                    "Attestation error: RCAR handshake Auth failed: " + cause)


def _attest_error(cause):
    return KbsError("AttestationError",
                    "Attestation error: RCAR handshake Attest failed: " + cause)


def _valid_policy_id(policy_id):
    """Trustee v0.16-v0.18: alphanumerics (Unicode), '_' and '-' only."""
    return all(c.isalnum() or c in "_-" for c in policy_id)


class Session:
    """One RCAR session."""

    def __init__(self, tee, nonce, expires):
        self.id = uuid.uuid4().hex
        self.tee = tee
        self.nonce = nonce
        self.expires = expires
        self.token = None
        self.ear_claims = None
        self.tee_pubkey = None


class AttestationService:
    """Sessions, the verifier call, the attestation policies and EAR signing."""

    def __init__(self, store, profile, session_timeout=300, backend="normal",
                 snp_encoding=None, stock_dir=None, clock=time.time, sim_chain=None):
        self.store = store
        # The simulated TEE's trust anchors (simtee.Chain), or None: sim-snp and sim-tdx
        # evidence is then refused.
        self.sim_chain = sim_chain
        self.profile = profile
        self.snp_encoding = snp_encoding or profile.snp_encoding
        self.session_timeout = session_timeout
        self.backend = backend
        self.clock = clock
        self._lock = threading.Lock()
        self._sessions = {}
        # The stock default_cpu, as trustee installs it at startup (PolicyError if ccm's
        # restatement of it cannot be read).
        self._policies = {ATTESTATION_POLICY_ID: policy.stock_cpu_policy(profile, stock_dir)}
        self._ear_key = ed25519.Ed25519PrivateKey.generate()

    # ------------------------------------------------------------ policies

    def set_policy(self, body):
        """POST /attestation-policy: {policy_id, policy (base64url, no padding)}."""
        def fail(cause):
            return KbsError("AttestationError",
                            "Attestation error: Set Attestation Policy failed: " + cause)

        if self.backend == "intel_ta":
            raise fail("the Intel Trust Authority backend does not support setting policies")
        try:
            request = json.loads(body)
        except (ValueError, UnicodeDecodeError) as e:
            raise fail("parse set policy request: %s" % e) from None
        if not isinstance(request, dict):
            raise fail("parse set policy request: not a JSON object")
        policy_id, text = request.get("policy_id"), request.get("policy")
        if not isinstance(policy_id, str) or not policy_id:
            raise fail("parse set policy request: missing or non-string policy_id")
        if not isinstance(text, str):
            raise fail("parse set policy request: missing or non-string policy")
        # Other fields (kbs-client sends "type": "rego") are ignored, as by trustee.
        try:
            decoded = b64url_decode(text).decode("utf-8")
        except (ValueError, UnicodeDecodeError) as e:
            raise fail("policy is not URL-safe base64 (no padding) of UTF-8 text: %s" % e) \
                from None
        if self.profile.checks_policy_id and not _valid_policy_id(policy_id):
            raise fail("Illegal policy id %r" % policy_id)
        if self.profile.validates_policies:
            try:
                policy.validate(self.profile, decoded, attestation=True)
            except policy.PolicyError as e:
                raise fail("Invalid policy: %s" % e) from None
        # Only default_cpu is ever evaluated; other ids are stored and otherwise unused.
        with self._lock:
            self._policies[policy_id] = decoded

    def _policy_text(self):
        with self._lock:
            return self._policies[ATTESTATION_POLICY_ID]

    # ------------------------------------------------------------ sessions

    def _session(self, session_id):
        """The live session for a cookie value, or None (expired ones are dropped)."""
        now = self.clock()
        with self._lock:
            for sid in [s for s, v in self._sessions.items() if v.expires <= now]:
                del self._sessions[sid]
            return self._sessions.get(session_id) if session_id else None

    def auth(self, body):
        """POST /auth; returns (reply dict, session)."""
        try:
            request = json.loads(body)
        except (ValueError, UnicodeDecodeError) as e:
            raise _auth_error("the request is not JSON: %s" % e) from None
        if not isinstance(request, dict):
            raise _auth_error("the request is not a JSON object")
        version = request.get("version")
        if version != PROTOCOL_VERSION:
            raise _auth_error("KBS protocol version %r does not match the server's %s"
                              % (version, PROTOCOL_VERSION))
        tee = request.get("tee")
        if tee not in KNOWN_TEES:
            raise _auth_error("unknown tee %r" % (tee,))
        nonce = base64.b64encode(os.urandom(32)).decode("ascii")
        session = Session(tee, nonce, self.clock() + self.session_timeout)
        with self._lock:
            self._sessions[session.id] = session
        return {"nonce": nonce, "extra-params": ""}, session

    def attest(self, session_id, body):
        """POST /attest on the session named by the cookie; returns the session."""
        if not session_id:
            raise _attest_error("no kbs-session-id cookie")
        session = self._session(session_id)
        if session is None:
            raise _attest_error("session %s is unknown or has expired" % session_id)
        if session.token is not None:
            return session
        if self.backend == "intel_ta":
            raise _attest_error("the double cannot emulate Intel Trust Authority attestation")
        try:
            request = json.loads(body)
        except (ValueError, UnicodeDecodeError) as e:
            raise _attest_error("the request is not JSON: %s" % e) from None
        if not isinstance(request, dict) or not isinstance(request.get("runtime-data"), dict):
            raise _attest_error("the request has no runtime-data object")
        runtime = request["runtime-data"]
        if runtime.get("nonce") != session.nonce:
            raise _attest_error("the runtime data nonce does not match the session's")
        tee_pubkey = runtime.get("tee-pubkey")
        try:
            jose.jwk_public_key(tee_pubkey)
            runtime_claims, claims = evidence.verify(session.tee, request.get("tee-evidence"),
                                                     session.nonce, tee_pubkey,
                                                     self.snp_encoding, self.sim_chain)
        except ValueError as e:
            raise _attest_error("verifier: %s" % e) from None
        ear_claims = self._appraise(evidence.policy_input(session.tee, claims, runtime_claims),
                                    tee_pubkey)
        with self._lock:
            session.ear_claims = ear_claims
            session.tee_pubkey = tee_pubkey
            session.token = jose.sign_eddsa(self._ear_key, ear_claims)
        return session

    def _appraise(self, input_doc, tee_pubkey):
        """The EAR claims set for one device's policy input under default_cpu."""
        try:
            vector, extensions = policy.appraise(self.profile, self._policy_text(), input_doc,
                                                 self.store.snapshot(), ATTESTATION_POLICY_ID)
        except policy.PolicyError as e:
            raise _attest_error("policy %s: %s" % (ATTESTATION_POLICY_ID, e)) from None
        except policy.ClaimsPanic as e:
            raise KbsPanic(str(e)) from None
        now = int(self.clock())
        akpub = b64url_encode(jose.spki_der(jose.jwk_public_key(tee_pubkey)))
        submod = {
            "ear.status": policy.ear_status(vector),
            "ear.trustworthiness-vector": vector,
            "ear.appraisal-policy-id": REQUESTED_POLICY_ID,
            "ear.veraison.annotated-evidence": input_doc,
        }
        for name, _key, value in extensions:
            submod[name] = value
        submod["ear.veraison.key-attestation"] = {"akpub": akpub}
        claims = {
            "eat_profile": EAR_PROFILE,
            "iat": now,
            "ear.verifier-id": {"developer": "https://confidentialcontainers.org",
                                "build": "kbs-double"},
            "submods": {"cpu0": submod},
            "exp": now + EAR_LIFETIME,
        }
        if self.profile.ear_issuer:
            claims["iss"] = EAR_ISSUER
        return claims

    # ------------------------------------------------------------ resource requests

    def attested(self, session_id, authorization):
        """(EAR claims, tee JWK) for a resource request, from the cookie or Bearer EAR."""
        session = self._session(session_id)
        if session is not None and session.token is not None:
            return session.ear_claims, session.tee_pubkey
        scheme, _, token = (authorization or "").strip().partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise KbsError("TokenNotFound",
                           "Attestation Token not found: no attested session cookie and "
                           "no Bearer token")
        return self._verify_ear(token.strip())

    def _verify_ear(self, token):
        def fail(cause):
            return KbsError("TokenVerifierError", "Token verification failed: " + cause)

        try:
            header, claims, signing_input, signature = jose.split_jws(token)
        except jose.JoseError as e:
            raise fail(str(e)) from None
        if header.get("alg") != "EdDSA" or not jose.verify_signature(
                self._ear_key.public_key(), "EdDSA", signing_input, signature):
            raise fail("the token was not issued by this attestation service")
        exp = claims.get("exp")
        if not isinstance(exp, int) or exp < self.clock():
            raise fail("the token has expired")
        try:
            akpub = b64url_decode(claims["submods"]["cpu0"]["ear.veraison.key-attestation"]
                                  ["akpub"])
            tee_pubkey = jose.public_jwk(serialization.load_der_public_key(akpub))
        except (KeyError, TypeError, ValueError) as e:
            raise fail("the token carries no usable tee key: %s" % e) from None
        return claims, tee_pubkey
