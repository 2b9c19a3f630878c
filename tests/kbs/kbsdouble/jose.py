# SPDX-License-Identifier: LGPL-2.1-or-later
# jose.py - the JOSE pieces the double needs: compact JWS, JWKs and flattened JWE.
"""Compact JWS, JWK and flattened-JSON JWE helpers.

Written against python3-cryptography 38 (Debian 12): only APIs present in that release
are used (no backend arguments are needed there either).

JWS: EdDSA (Ed25519) signing and verification, ES256 verification for admin tokens.
JWE: the two key-management algorithms the KBS uses to release resources,
RSA-OAEP-256 for RSA tee keys and ECDH-ES+A256KW for EC P-256 tee keys, both with
A256GCM content encryption. The additional authenticated data of the content is the
ASCII of the protected header as sent (RFC 7516 §5.1).
"""

import json
import os
import struct

from cryptography.exceptions import InvalidSignature, InvalidTag
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, padding, rsa
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.concatkdf import ConcatKDFHash
from cryptography.hazmat.primitives.keywrap import (InvalidUnwrap, aes_key_unwrap,
                                                    aes_key_wrap)

from .codec import b64url_decode, b64url_encode


class JoseError(ValueError):
    """A malformed or unverifiable JOSE object."""


# ---------------------------------------------------------------- compact JWS

def split_jws(token):
    """Split a compact JWS into (header dict, claims dict, signing input, signature).

    Raises JoseError when the token is not three base64url parts of JSON objects.
    """
    parts = token.split(".")
    if len(parts) != 3:
        raise JoseError("token is not a compact JWS (want 3 parts, got %d)" % len(parts))
    try:
        header = json.loads(b64url_decode(parts[0]))
        claims = json.loads(b64url_decode(parts[1]))
        signature = b64url_decode(parts[2])
    except ValueError as e:
        raise JoseError("token cannot be decoded: %s" % e) from None
    if not isinstance(header, dict) or not isinstance(claims, dict):
        raise JoseError("token header or claims are not JSON objects")
    return header, claims, (parts[0] + "." + parts[1]).encode("ascii"), signature


def sign_eddsa(private_key, claims):
    """A compact JWS of claims, signed EdDSA with an Ed25519 private key."""
    header = b64url_encode(json.dumps({"alg": "EdDSA", "typ": "JWT"}).encode())
    payload = b64url_encode(json.dumps(claims, separators=(",", ":")).encode())
    signing_input = (header + "." + payload).encode("ascii")
    return header + "." + payload + "." + b64url_encode(private_key.sign(signing_input))


def key_fits_alg(public_key, alg):
    """True when alg is the JWS algorithm for this kind of public key."""
    if isinstance(public_key, ed25519.Ed25519PublicKey):
        return alg == "EdDSA"
    if isinstance(public_key, ec.EllipticCurvePublicKey):
        return alg == "ES256" and isinstance(public_key.curve, ec.SECP256R1)
    return False


def verify_signature(public_key, alg, signing_input, signature):
    """True when signature over signing_input verifies under public_key with alg."""
    try:
        if alg == "EdDSA":
            if len(signature) != 64:
                return False
            public_key.verify(signature, signing_input)
            return True
        if alg == "ES256":
            if len(signature) != 64:
                return False
            der = encode_dss_signature(int.from_bytes(signature[:32], "big"),
                                       int.from_bytes(signature[32:], "big"))
            public_key.verify(der, signing_input, ec.ECDSA(hashes.SHA256()))
            return True
    except InvalidSignature:
        return False
    return False


# ---------------------------------------------------------------- JWK

def _int_b64(value, length=None):
    if length is None:
        length = (value.bit_length() + 7) // 8
    return b64url_encode(value.to_bytes(length, "big"))


def _b64_int(text):
    return int.from_bytes(b64url_decode(text), "big")


def public_jwk(key):
    """The public JWK of a tee key (private or public), with the JWE alg it expects."""
    public = key.public_key() if hasattr(key, "public_key") else key
    if isinstance(public, rsa.RSAPublicKey):
        numbers = public.public_numbers()
        return {"kty": "RSA", "alg": "RSA-OAEP-256",
                "n": _int_b64(numbers.n), "e": _int_b64(numbers.e)}
    if isinstance(public, ec.EllipticCurvePublicKey) and isinstance(public.curve, ec.SECP256R1):
        numbers = public.public_numbers()
        return {"kty": "EC", "crv": "P-256", "alg": "ECDH-ES+A256KW",
                "x": _int_b64(numbers.x, 32), "y": _int_b64(numbers.y, 32)}
    raise JoseError("unsupported tee key type")


def jwk_public_key(jwk):
    """A cryptography public key from an RSA or EC P-256 JWK; JoseError otherwise."""
    if not isinstance(jwk, dict):
        raise JoseError("tee-pubkey is not a JSON object")
    try:
        if jwk.get("kty") == "RSA":
            return rsa.RSAPublicNumbers(_b64_int(jwk["e"]), _b64_int(jwk["n"])).public_key()
        if jwk.get("kty") == "EC":
            if jwk.get("crv") != "P-256":
                raise JoseError("the double supports EC tee keys on P-256 only")
            return ec.EllipticCurvePublicNumbers(_b64_int(jwk["x"]), _b64_int(jwk["y"]),
                                                 ec.SECP256R1()).public_key()
    except (KeyError, TypeError, ValueError) as e:
        raise JoseError("bad tee-pubkey: %s" % e) from None
    raise JoseError("unsupported tee-pubkey kty %r" % jwk.get("kty"))


def spki_der(public_key):
    """DER SubjectPublicKeyInfo bytes of a public key."""
    return public_key.public_bytes(serialization.Encoding.DER,
                                   serialization.PublicFormat.SubjectPublicKeyInfo)


# ---------------------------------------------------------------- flattened JWE

_OAEP_SHA256 = padding.OAEP(mgf=padding.MGF1(algorithm=hashes.SHA256()),
                            algorithm=hashes.SHA256(), label=None)


def _concat_kdf(shared, alg, key_bits):
    """The JWA Concat KDF (RFC 7518 §4.6.2) with empty PartyUInfo/PartyVInfo."""
    def field(data):
        return struct.pack(">I", len(data)) + data
    other = field(alg.encode("ascii")) + field(b"") + field(b"") + struct.pack(">I", key_bits)
    return ConcatKDFHash(algorithm=hashes.SHA256(), length=key_bits // 8,
                         otherinfo=other).derive(shared)


def _ec_epk(public_key):
    numbers = public_key.public_numbers()
    return {"kty": "EC", "crv": "P-256",
            "x": _int_b64(numbers.x, 32), "y": _int_b64(numbers.y, 32)}


def jwe_encrypt(recipient_jwk, plaintext):
    """Encrypt plaintext to a tee's JWK; return the flattened JWE as a dict.

    RSA keys get RSA-OAEP-256 (or RSA1_5 when the JWK asks for it), EC P-256 keys get
    ECDH-ES+A256KW; content encryption is always A256GCM.
    """
    public = jwk_public_key(recipient_jwk)
    cek = AESGCM.generate_key(bit_length=256)
    if isinstance(public, rsa.RSAPublicKey):
        alg = recipient_jwk.get("alg") or "RSA-OAEP-256"
        if alg == "RSA-OAEP-256":
            encrypted_key = public.encrypt(cek, _OAEP_SHA256)
        elif alg == "RSA1_5":
            encrypted_key = public.encrypt(cek, padding.PKCS1v15())
        else:
            raise JoseError("unsupported RSA key algorithm %r" % alg)
        header = {"alg": alg, "enc": "A256GCM"}
    else:
        alg = "ECDH-ES+A256KW"
        ephemeral = ec.generate_private_key(ec.SECP256R1())
        kek = _concat_kdf(ephemeral.exchange(ec.ECDH(), public), alg, 256)
        encrypted_key = aes_key_wrap(kek, cek)
        header = {"alg": alg, "enc": "A256GCM", "epk": _ec_epk(ephemeral.public_key())}
    protected = b64url_encode(json.dumps(header, separators=(",", ":")).encode())
    iv = os.urandom(12)
    sealed = AESGCM(cek).encrypt(iv, plaintext, protected.encode("ascii"))
    return {"protected": protected,
            "encrypted_key": b64url_encode(encrypted_key),
            "iv": b64url_encode(iv),
            "ciphertext": b64url_encode(sealed[:-16]),
            "tag": b64url_encode(sealed[-16:])}


def jwe_decrypt(private_key, jwe):
    """Decrypt a flattened JWE (dict) with the tee's private key; JoseError on failure."""
    try:
        header = json.loads(b64url_decode(jwe["protected"]))
        encrypted_key = b64url_decode(jwe["encrypted_key"])
        iv = b64url_decode(jwe["iv"])
        sealed = b64url_decode(jwe["ciphertext"]) + b64url_decode(jwe["tag"])
        aad = jwe["protected"].encode("ascii")
        if "aad" in jwe:
            aad += b"." + jwe["aad"].encode("ascii")
    except (KeyError, TypeError, ValueError, AttributeError) as e:
        raise JoseError("malformed JWE: %s" % e) from None
    if header.get("enc") != "A256GCM":
        raise JoseError("unsupported JWE enc %r" % header.get("enc"))
    alg = header.get("alg")
    try:
        if alg == "RSA-OAEP-256" and isinstance(private_key, rsa.RSAPrivateKey):
            cek = private_key.decrypt(encrypted_key, _OAEP_SHA256)
        elif alg == "RSA1_5" and isinstance(private_key, rsa.RSAPrivateKey):
            cek = private_key.decrypt(encrypted_key, padding.PKCS1v15())
        elif alg == "ECDH-ES+A256KW" and isinstance(private_key, ec.EllipticCurvePrivateKey):
            epk = jwk_public_key(dict(header["epk"], kty="EC"))
            kek = _concat_kdf(private_key.exchange(ec.ECDH(), epk), alg, 256)
            cek = aes_key_unwrap(kek, encrypted_key)
        else:
            raise JoseError("JWE alg %r does not fit the tee key" % alg)
        return AESGCM(cek).decrypt(iv, sealed, aad)
    except (ValueError, InvalidTag, InvalidUnwrap, KeyError, TypeError) as e:
        raise JoseError("JWE decryption failed: %s" % (e or type(e).__name__)) from None
