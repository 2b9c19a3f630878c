# SPDX-License-Identifier: LGPL-2.1-or-later
# admin.py - admin access control of the KBS double: modes, bearer JWTs, role ACLs.
"""Admin authentication and authorization, per trustee profile.

Theory of operation: every admin route calls AdminGate.check() with the request's
Authorization header and full URI (path plus query) before the body is looked at.
The checks run in a fixed order and the first failure wins:

1. the header must be "Bearer <compact JWS>" that decodes;
2. the header's alg must be one the configured keys accept (EdDSA for Ed25519 keys,
   ES256 for P-256 keys, the latter only in the v0.21 profile) - so "none" and HS256
   never reach signature checking;
3. the signature must verify under one of the configured keys;
4. the claims must satisfy the profile: v0.21 wants exp and a string role matched
   through the regex ACLs; v0.16-v0.20 want exp and have no roles (any configured key
   may call everything). iss and aud are compared whenever an issuer or audience was
   configured. exp has 60 s of leeway.
"""

import re
import time

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519

from . import jose
from .errors import KbsError

MODES = ("allow-all", "deny-all", "jwt")
EXP_LEEWAY = 60
DEFAULT_ACLS = (("admin", r"^/kbs/.+$"),)


class ConfigError(ValueError):
    """A startup option the real KBS would refuse too."""


def load_admin_key(path, profile):
    """Load a PEM SubjectPublicKeyInfo admin key; Ed25519 always, P-256 on v0.21.

    profile: a profiles.Profile."""
    try:
        with open(path, "rb") as f:
            key = serialization.load_pem_public_key(f.read())
    except (OSError, ValueError) as e:
        raise ConfigError("cannot load admin key '%s': %s" % (path, e)) from None
    if isinstance(key, ed25519.Ed25519PublicKey):
        return key
    if (isinstance(key, ec.EllipticCurvePublicKey) and isinstance(key.curve, ec.SECP256R1)
            and profile.admin_roles):
        return key
    raise ConfigError("admin key '%s' must be Ed25519%s" %
                      (path, " or EC P-256" if profile.admin_roles else ""))


def parse_acl(text):
    """ROLE=REGEX into (role, compiled regex); the regex must be anchored ^/kbs ... $."""
    role, sep, pattern = text.partition("=")
    if not sep or not role:
        raise ConfigError("ACL '%s' is not ROLE=REGEX" % text)
    if not pattern.startswith("^/kbs") or not pattern.endswith("$"):
        raise ConfigError("ACL regex '%s' must start with '^/kbs' and end with '$'" % pattern)
    try:
        return role, re.compile(pattern)
    except re.error as e:
        raise ConfigError("ACL regex '%s' does not compile: %s" % (pattern, e)) from None


class AdminGate:
    """Decides whether a request may use an admin route."""

    def __init__(self, mode, profile, keys=(), issuer=None, audience=None, acls=None,
                 clock=time.time):
        if mode not in MODES:
            raise ConfigError("unknown admin mode '%s'" % mode)
        if mode == "jwt" and not keys:
            raise ConfigError("--admin-mode jwt needs at least one --admin-key")
        self.mode = mode
        self.profile = profile
        self.keys = list(keys)
        self.issuer = issuer
        self.audience = audience
        self.acls = list(acls) if acls else [(r, re.compile(p)) for r, p in DEFAULT_ACLS]
        self.clock = clock

    def check(self, authorization, uri, path, variant="AdminAuthAccess"):
        """Raise KbsError(variant) unless the request may call the admin route.

        authorization: the Authorization header or None; uri: path plus query, what
        ACLs match against; path: the endpoint named in the error detail.
        """
        def deny(reason):
            return KbsError(variant, "admin access denied for endpoint %s: %s" % (path, reason))

        if self.mode == "allow-all":
            return
        if self.mode == "deny-all":
            raise deny("all admin requests are denied (DenyAll)")
        if authorization is None:
            raise deny("missing Authorization header")
        scheme, _, token = authorization.strip().partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise deny("Authorization header is not a Bearer token")
        try:
            header, claims, signing_input, signature = jose.split_jws(token.strip())
        except jose.JoseError as e:
            raise deny(str(e)) from None
        alg = header.get("alg")
        candidates = [k for k in self.keys if jose.key_fits_alg(k, alg)]
        if not candidates:
            raise deny("token algorithm %r is not accepted" % (alg,))
        if not any(jose.verify_signature(k, alg, signing_input, signature) for k in candidates):
            raise deny("token signature does not verify under any configured key")
        reason = self._claims_problem(claims, uri)
        if reason:
            raise deny(reason)

    def _claims_problem(self, claims, uri):
        """The reason the verified claims are refused, or None."""
        now = self.clock()
        exp = claims.get("exp")
        if exp is None:
            return "token has no exp claim"
        if not _is_number(exp):
            return "token exp is not a number"
        if exp + EXP_LEEWAY < now:
            return "token has expired"
        if self.issuer is not None and claims.get("iss") != self.issuer:
            return "token issuer does not match"
        if self.audience is not None:
            aud = claims.get("aud")
            auds = aud if isinstance(aud, list) else [aud]
            if self.audience not in auds:
                return "token audience does not match"
        if not self.profile.admin_roles:
            return None
        role = claims.get("role")
        if not isinstance(role, str):
            return "token has no string role claim"
        for acl_role, regex in self.acls:
            if acl_role == role and regex.search(uri):
                return None
        return "Role %s not allowed for path %s" % (role, uri)


def _is_number(value):
    return isinstance(value, (int, float)) and not isinstance(value, bool)
