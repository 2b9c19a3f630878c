# SPDX-License-Identifier: LGPL-2.1-or-later
# codec.py - strict base64 flavours, JCS-style canonical JSON and the RCAR report data.
"""Encodings shared by the double and the fake TEE.

The KBS uses three base64 flavours and is strict about each: the reference value
payload is standard base64 with padding, policy bodies are URL-safe base64 without
padding, and JOSE objects use URL-safe base64 without padding too. The decoders here
refuse anything outside their own alphabet so that a client using the wrong flavour
fails the way it would against trustee.
"""

import base64
import binascii
import hashlib
import json
import re

_URLSAFE_NOPAD = re.compile(r"[A-Za-z0-9_-]*")


def b64url_encode(data):
    """URL-safe base64 without padding, as text."""
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64url_decode(text):
    """Decode URL-safe base64 without padding; ValueError on '=', '+', '/' or junk."""
    if not isinstance(text, str):
        raise ValueError("not a string")
    if not _URLSAFE_NOPAD.fullmatch(text):
        raise ValueError("not URL-safe base64 without padding")
    if len(text) % 4 == 1:
        raise ValueError("impossible base64 length")
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def b64std_encode(data):
    """Standard base64 with padding, as text."""
    return base64.b64encode(data).decode("ascii")


def b64std_decode(text):
    """Decode standard base64 with padding; ValueError for any other flavour."""
    if not isinstance(text, str):
        raise ValueError("not a string")
    try:
        return base64.b64decode(text.encode("ascii"), validate=True)
    except (binascii.Error, UnicodeEncodeError) as e:
        raise ValueError("not standard base64 with padding: %s" % e) from None


def canonical_json(value):
    """Canonical JSON text (bytes) of value: sorted keys, no insignificant whitespace.

    This matches the JSON Canonicalization Scheme for the values RCAR hashes (strings,
    objects, integers); floats are not expected and not specially formatted.
    """
    return json.dumps(value, sort_keys=True, separators=(",", ":"),
                      ensure_ascii=False).encode("utf-8")


def runtime_data_digest(nonce, tee_pubkey, additional_evidence=""):
    """SHA-384 of the canonical runtime data an RCAR client must bind into its evidence."""
    runtime = {"additional-evidence": additional_evidence,
               "nonce": nonce,
               "tee-pubkey": tee_pubkey}
    return hashlib.sha384(canonical_json(runtime)).digest()


def snp_report_data_hex(nonce, tee_pubkey, additional_evidence=""):
    """The 64-byte SNP REPORT_DATA (digest, zero-padded) as 128 lowercase hex digits."""
    digest = runtime_data_digest(nonce, tee_pubkey, additional_evidence)
    return (digest + bytes(64 - len(digest))).hex()
