# SPDX-License-Identifier: LGPL-2.1-or-later
# simtee.py - the simulated TEE's evidence: SEV-SNP ATTESTATION_REPORTs and TDX quotes
# signed by ccm's TEST chain (tests/kbs/sim-tee/, docs/simulated-tee.md).
"""Parse, verify and build the simulated TEE's evidence.

ccm-qemu-plugin (tee=snp) answers a guest's report request with an SEV-SNP
ATTESTATION_REPORT in AMD's layout, signed with a TEST VCEK; a simulated TDX quote has
Intel's v4 header and TD report body, signed with a TEST quoting-enclave key. Nothing is
AMD's or Intel's: the chain (ark.pem, ask.pem, vcek.pem, tdx-qe.pem) is ccm's, made by
tests/kbs/sim-tee/make-chain, and only a double started with --sim-tee-chain trusts it.

This module is the layout and the cryptography, nothing else: evidence.py turns a verified
report into trustee's claims and binds it to the RCAR session. Everything here is
checked against real reports and a real TD quote (shared/vectors/attest) by
test-kbs-double, so the layout is AMD's and Intel's, not merely self-consistent.

Written against python3-cryptography 38 (Debian 12): nothing newer is used.
"""

import hashlib
import os
import re

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.asymmetric.utils import (decode_dss_signature,
                                                             encode_dss_signature)
from cryptography.x509.oid import SignatureAlgorithmOID


class SimTeeError(ValueError):
    """Evidence (or a chain) the simulated-TEE verifier refuses; str() says why."""


# ------------------------------------------------------------------ SEV-SNP report

SNP_REPORT_SIZE = 1184            # 0x4a0
SNP_SIGNED_SIZE = 0x2a0           # the signature covers bytes 0x000-0x29f
SNP_SIG_R, SNP_SIG_S, SNP_SIG_COMPONENT = 0x2a0, 0x2e8, 72
SNP_VERSIONS = (3, 5)  # as Trustee: version 2 has no CPUID bytes to tell the generation
SNP_SIGNATURE_ALGO_ECDSA_P384_SHA384 = 1

# (name, offset, size, kind): kind "u8"/"u32"/"u64" little-endian integers, "bytes",
# "tcb" (TCB_VERSION, 8 bytes), "version" (build, minor, major bytes -> "major.minor.build").
SNP_FIELDS = (
    ("version", 0x000, 4, "u32"),
    ("guest_svn", 0x004, 4, "u32"),
    ("policy", 0x008, 8, "u64"),
    ("family_id", 0x010, 16, "bytes"),
    ("image_id", 0x020, 16, "bytes"),
    ("vmpl", 0x030, 4, "u32"),
    ("signature_algo", 0x034, 4, "u32"),
    ("current_tcb", 0x038, 8, "tcb"),
    ("platform_info", 0x040, 8, "u64"),
    ("flags", 0x048, 4, "u32"),
    ("report_data", 0x050, 64, "bytes"),
    ("measurement", 0x090, 48, "bytes"),
    ("host_data", 0x0c0, 32, "bytes"),
    ("id_key_digest", 0x0e0, 48, "bytes"),
    ("author_key_digest", 0x110, 48, "bytes"),
    ("report_id", 0x140, 32, "bytes"),
    ("report_id_ma", 0x160, 32, "bytes"),
    ("reported_tcb", 0x180, 8, "tcb"),
    ("cpuid_fam_id", 0x188, 1, "u8"),       # version 3 and later only
    ("cpuid_mod_id", 0x189, 1, "u8"),
    ("cpuid_step", 0x18a, 1, "u8"),
    ("chip_id", 0x1a0, 64, "bytes"),
    ("committed_tcb", 0x1e0, 8, "tcb"),
    ("current_version", 0x1e8, 3, "version"),
    ("committed_version", 0x1ec, 3, "version"),
    ("launch_tcb", 0x1f0, 8, "tcb"),
)
SNP_FIELD = {f[0]: f[1:] for f in SNP_FIELDS}

# Guest policy bits (SEV-SNP ABI, GUEST_POLICY).
POLICY_ABI_MINOR_MASK, POLICY_ABI_MAJOR_SHIFT = 0xff, 8
POLICY_SMT, POLICY_RESERVED_1, POLICY_MIGRATE_MA = 1 << 16, 1 << 17, 1 << 18
POLICY_DEBUG, POLICY_SINGLE_SOCKET = 1 << 19, 1 << 20
# PLATFORM_INFO bits.
PLATFORM_SMT_EN, PLATFORM_TSME_EN = 1 << 0, 1 << 1
# flags: bits 4:2 SIGNING_KEY (0 VCEK, 1 VLEK, 7 none).
SIGNING_KEYS = {0: "VCEK", 1: "VLEK", 7: "none"}

# The simulated TEE's CHIP_ID (docs/simulated-tee.md), also the test VCEK's hwID.
SIM_CHIP_ID = hashlib.sha512(b"ccm simulated TEE").digest()


def tcb_version(raw):
    """A TCB_VERSION's parts (Milan/Genoa layout): [0] boot loader, [1] TEE, [6] SNP,
    [7] microcode; bytes 2-5 reserved."""
    return {"raw": bytes(raw), "bootloader": raw[0], "tee": raw[1], "snp": raw[6],
            "microcode": raw[7]}


def parse_snp_report(raw):
    """The fields of a 1184-byte ATTESTATION_REPORT (SNP_FIELDS), plus signature_r and
    signature_s (integers) and signing_key (from flags). SimTeeError on a wrong size.

    Byte fields are bytes; cpuid_* are None below version 3 (the bytes are reserved).
    """
    if len(raw) != SNP_REPORT_SIZE:
        raise SimTeeError("the report is %d bytes, an ATTESTATION_REPORT is %d"
                          % (len(raw), SNP_REPORT_SIZE))
    out = {}
    for name, offset, size, kind in SNP_FIELDS:
        chunk = raw[offset:offset + size]
        if kind in ("u8", "u32", "u64"):
            out[name] = int.from_bytes(chunk, "little")
        elif kind == "tcb":
            out[name] = tcb_version(chunk)
        elif kind == "version":
            out[name] = "%d.%d.%d" % (chunk[2], chunk[1], chunk[0])
        else:
            out[name] = bytes(chunk)
    if out["version"] < 3:
        for name in ("cpuid_fam_id", "cpuid_mod_id", "cpuid_step"):
            out[name] = None
    out["signing_key"] = (out["flags"] >> 2) & 7
    out["signature_r"] = int.from_bytes(raw[SNP_SIG_R:SNP_SIG_R + SNP_SIG_COMPONENT], "little")
    out["signature_s"] = int.from_bytes(raw[SNP_SIG_S:SNP_SIG_S + SNP_SIG_COMPONENT], "little")
    return out


def snp_policy_flags(policy):
    """The guest policy as trustee's claims name its parts."""
    return {"abi_major": (policy >> POLICY_ABI_MAJOR_SHIFT) & 0xff,
            "abi_minor": policy & POLICY_ABI_MINOR_MASK,
            "smt_allowed": bool(policy & POLICY_SMT),
            "reserved_1": bool(policy & POLICY_RESERVED_1),
            "migrate_ma": bool(policy & POLICY_MIGRATE_MA),
            "debug": bool(policy & POLICY_DEBUG),
            "single_socket": bool(policy & POLICY_SINGLE_SOCKET)}


def snp_platform_flags(platform_info):
    return {"smt_enabled": bool(platform_info & PLATFORM_SMT_EN),
            "tsme_enabled": bool(platform_info & PLATFORM_TSME_EN)}


def verify_snp_signature(raw, public_key):
    """True when the report's signature (R and S little-endian at 0x2a0 and 0x2e8) is an
    ECDSA P-384 SHA-384 signature of bytes 0x000-0x29f by public_key."""
    fields = parse_snp_report(raw)
    signature = encode_dss_signature(fields["signature_r"], fields["signature_s"])
    try:
        public_key.verify(signature, bytes(raw[:SNP_SIGNED_SIZE]), ec.ECDSA(hashes.SHA384()))
        return True
    except InvalidSignature:
        return False


def build_snp_report(version=3, guest_svn=0, policy=0x30000, family_id=b"", image_id=b"",
                     vmpl=0, signature_algo=1, tcb=b"", platform_info=1, flags=0,
                     report_data=b"", measurement=b"", host_data=b"", id_key_digest=b"",
                     author_key_digest=b"", report_id=None, report_id_ma=b"",
                     chip_id=SIM_CHIP_ID, firmware=(0, 0, 0)):
    """An unsigned 1184-byte report filled as the simulated TEE fills one: byte fields
    zero-padded to their size, tcb the 8 TCB_VERSION bytes (current, reported, committed
    and launch TCB alike), firmware (major, minor, build), report_id random unless given.
    set_snp_field changes single fields afterwards."""
    raw = bytearray(SNP_REPORT_SIZE)
    if report_id is None:
        report_id = os.urandom(32)
    values = {"version": version, "guest_svn": guest_svn, "policy": policy,
              "family_id": family_id, "image_id": image_id, "vmpl": vmpl,
              "signature_algo": signature_algo, "current_tcb": tcb,
              "platform_info": platform_info, "flags": flags, "report_data": report_data,
              "measurement": measurement, "host_data": host_data,
              "id_key_digest": id_key_digest, "author_key_digest": author_key_digest,
              "report_id": report_id, "report_id_ma": report_id_ma, "reported_tcb": tcb,
              "chip_id": chip_id, "committed_tcb": tcb, "launch_tcb": tcb,
              "current_version": firmware, "committed_version": firmware}
    for name, value in values.items():
        set_snp_field(raw, name, value)
    return bytes(raw)


def set_snp_field(raw, name, value):
    """Write one field of SNP_FIELDS into the bytearray raw: an int for integers, bytes
    (at most the field's size, zero-padded) for byte fields and TCBs, (major, minor,
    build) for a firmware version."""
    offset, size, kind = SNP_FIELD[name]
    if kind in ("u8", "u32", "u64"):
        data = int(value).to_bytes(size, "little")
    elif kind == "version":
        major, minor, build = value
        data = bytes((build, minor, major))
    else:
        data = bytes(value)
        if len(data) > size:
            raise SimTeeError("%s is %d bytes, the field holds %d" % (name, len(data), size))
        data = data + bytes(size - len(data))
    raw[offset:offset + size] = data


def sign_snp_report(raw, private_key):
    """The report with its signature (bytes 0x2a0-0x4a0) replaced by private_key's ECDSA
    P-384 SHA-384 signature of bytes 0x000-0x29f (R and S little-endian, zero-extended
    to 72 bytes; the rest of the area zero)."""
    if len(raw) != SNP_REPORT_SIZE:
        raise SimTeeError("the report is %d bytes" % len(raw))
    r, s = decode_dss_signature(private_key.sign(bytes(raw[:SNP_SIGNED_SIZE]),
                                                 ec.ECDSA(hashes.SHA384())))
    signature = r.to_bytes(SNP_SIG_COMPONENT, "little") + \
        s.to_bytes(SNP_SIG_COMPONENT, "little")
    return bytes(raw[:SNP_SIGNED_SIZE]) + signature + \
        bytes(SNP_REPORT_SIZE - SNP_SIGNED_SIZE - len(signature))


# ------------------------------------------------------------------ TDX quote

TDX_HEADER_SIZE, TDX_BODY_SIZE, TDX_SIG_SIZE = 48, 584, 64
TDX_SIGNED_SIZE = TDX_HEADER_SIZE + TDX_BODY_SIZE        # 632
TDX_QUOTE_SIZE = TDX_SIGNED_SIZE + 4 + TDX_SIG_SIZE       # 700
TDX_QUOTE_VERSION, TDX_ATT_KEY_TYPE_ECDSA_P256, TDX_TEE_TYPE = 4, 2, 0x81
INTEL_QE_VENDOR_ID = bytes.fromhex("939a7233f79c4ca9940a0db3957f0607")

# (name, size): the v4 header, then the TD report body (TD 1.0 order). Names are
# trustee's claim names.
TDX_HEADER_FIELDS = (("version", 2), ("att_key_type", 2), ("tee_type", 4), ("reserved", 4),
                     ("vendor_id", 16), ("user_data", 20))
TDX_BODY_FIELDS = (("tcb_svn", 16), ("mr_seam", 48), ("mrsigner_seam", 48),
                   ("seam_attributes", 8), ("td_attributes", 8), ("xfam", 8), ("mr_td", 48),
                   ("mr_config_id", 48), ("mr_owner", 48), ("mr_owner_config", 48),
                   ("rtmr_0", 48), ("rtmr_1", 48), ("rtmr_2", 48), ("rtmr_3", 48),
                   ("report_data", 64))


def _split(raw, fields):
    out, offset = {}, 0
    for name, size in fields:
        out[name] = bytes(raw[offset:offset + size])
        offset += size
    return out


def parse_tdx_header_body(raw):
    """(header, body): the fields (bytes) of the first 632 bytes of a v4 TDX quote."""
    if len(raw) < TDX_SIGNED_SIZE:
        raise SimTeeError("the quote is %d bytes, shorter than a v4 header and TD report "
                          "body (%d)" % (len(raw), TDX_SIGNED_SIZE))
    return (_split(raw[:TDX_HEADER_SIZE], TDX_HEADER_FIELDS),
            _split(raw[TDX_HEADER_SIZE:TDX_SIGNED_SIZE], TDX_BODY_FIELDS))


def parse_tdx_quote(raw):
    """A simulated quote: (header, body, signature) where signature is the 64 bytes r||s.

    SimTeeError for a size other than 700 or a signature length other than 64."""
    if len(raw) != TDX_QUOTE_SIZE:
        raise SimTeeError("the quote is %d bytes, a simulated TDX quote is %d"
                          % (len(raw), TDX_QUOTE_SIZE))
    header, body = parse_tdx_header_body(raw)
    length = int.from_bytes(raw[TDX_SIGNED_SIZE:TDX_SIGNED_SIZE + 4], "little")
    if length != TDX_SIG_SIZE:
        raise SimTeeError("the quote's signature length is %d, not %d"
                          % (length, TDX_SIG_SIZE))
    return header, body, bytes(raw[TDX_SIGNED_SIZE + 4:])


def verify_tdx_signature(raw, public_key, signature=None):
    """True when signature (default: the simulated quote's) is an ECDSA P-256 SHA-256
    signature, r||s big-endian, of the header and body by public_key."""
    if signature is None:
        signature = parse_tdx_quote(raw)[2]
    der = encode_dss_signature(int.from_bytes(signature[:32], "big"),
                               int.from_bytes(signature[32:64], "big"))
    try:
        public_key.verify(der, bytes(raw[:TDX_SIGNED_SIZE]), ec.ECDSA(hashes.SHA256()))
        return True
    except InvalidSignature:
        return False


TDX_DEFAULTS = {
    "tcb_svn": bytes.fromhex("04010200000000000000000000000000"),
    "mr_seam": b"\x5e" * 48,
    "td_attributes": bytes.fromhex("0000001000000000"),    # SEPT_VE_DISABLE
    "xfam": bytes.fromhex("e702060000000000"),
}


def build_tdx_quote(**fields):
    """The unsigned header and body (632 bytes) of a simulated quote: Intel's v4 header
    (version 4, ECDSA P-256 attestation key, tee type 0x81, Intel's QE vendor id) and a
    TD report body of the named fields (bytes, zero-padded; TDX_DEFAULTS otherwise)."""
    header = (TDX_QUOTE_VERSION.to_bytes(2, "little")
              + TDX_ATT_KEY_TYPE_ECDSA_P256.to_bytes(2, "little")
              + TDX_TEE_TYPE.to_bytes(4, "little") + bytes(4) + INTEL_QE_VENDOR_ID
              + bytes(20))
    unknown = set(fields) - {name for name, _ in TDX_BODY_FIELDS}
    if unknown:
        raise SimTeeError("unknown TD report fields: %s" % ", ".join(sorted(unknown)))
    body = b""
    for name, size in TDX_BODY_FIELDS:
        value = bytes(fields.get(name, TDX_DEFAULTS.get(name, b"")))
        if len(value) > size:
            raise SimTeeError("%s is %d bytes, the field holds %d" % (name, len(value), size))
        body += value + bytes(size - len(value))
    return header + body


def set_tdx_field(raw, name, value):
    """Write one body field (bytes, zero-padded) into the bytearray raw."""
    offset = TDX_HEADER_SIZE
    for field, size in TDX_BODY_FIELDS:
        if field == name:
            value = bytes(value)
            if len(value) > size:
                raise SimTeeError("%s is %d bytes, the field holds %d"
                                  % (name, len(value), size))
            raw[offset:offset + size] = value + bytes(size - len(value))
            return
        offset += size
    raise SimTeeError("unknown TD report field %s" % name)


def sign_tdx_quote(raw, private_key):
    """header||body (the first 632 bytes of raw) followed by u32 64 and private_key's
    ECDSA P-256 SHA-256 signature of them, r||s big-endian."""
    signed = bytes(raw[:TDX_SIGNED_SIZE])
    if len(signed) != TDX_SIGNED_SIZE:
        raise SimTeeError("the quote is %d bytes" % len(raw))
    r, s = decode_dss_signature(private_key.sign(signed, ec.ECDSA(hashes.SHA256())))
    return signed + TDX_SIG_SIZE.to_bytes(4, "little") + r.to_bytes(32, "big") + \
        s.to_bytes(32, "big")


# ------------------------------------------------------------------ the test chain

CHAIN_FILES = ("ark.pem", "ask.pem", "vcek.pem", "tdx-qe.pem")
# AMD signs its certificates RSASSA-PSS with SHA-384, MGF1-SHA-384 and a 48-byte salt.
AMD_PSS = padding.PSS(mgf=padding.MGF1(hashes.SHA384()), salt_length=48)


def load_certificate(path):
    """One PEM (or DER) certificate; SimTeeError if unreadable."""
    try:
        with open(path, "rb") as f:
            data = f.read()
    except OSError as e:
        raise SimTeeError("cannot read %s: %s" % (path, e.strerror or e)) from None
    try:
        if b"-----BEGIN" in data:
            return x509.load_pem_x509_certificate(data)
        return x509.load_der_x509_certificate(data)
    except ValueError as e:
        raise SimTeeError("%s is not a certificate: %s" % (path, e)) from None


def check_signed_by(cert, issuer, what, issuer_what):
    """SimTeeError unless cert is signed by issuer's RSA key with RSASSA-PSS SHA-384
    (salt 48) and names issuer's subject as its issuer."""
    if cert.issuer != issuer.subject:
        raise SimTeeError("the %s's issuer (%s) is not the %s (%s)"
                          % (what, cert.issuer.rfc4514_string(), issuer_what,
                             issuer.subject.rfc4514_string()))
    if cert.signature_algorithm_oid != SignatureAlgorithmOID.RSASSA_PSS:
        raise SimTeeError("the %s is not signed RSASSA-PSS (%s)"
                          % (what, cert.signature_algorithm_oid.dotted_string))
    key = issuer.public_key()
    if not isinstance(key, rsa.RSAPublicKey):
        raise SimTeeError("the %s's key is not RSA" % issuer_what)
    try:
        key.verify(cert.signature, cert.tbs_certificate_bytes, AMD_PSS, hashes.SHA384())
    except InvalidSignature:
        raise SimTeeError("the %s is not signed by the %s (RSASSA-PSS SHA-384, salt 48)"
                          % (what, issuer_what)) from None


class Chain:
    """The simulated TEE's trust anchors, from a --sim-tee-chain directory.

    Loading only reads and parses ark.pem, ask.pem, vcek.pem and tdx-qe.pem and checks
    their key types; the signatures between them are checked on every use, as trustee
    checks a VCEK chain for every report, so a bad chain shows in each refusal.
    """

    def __init__(self, directory):
        self.directory = directory
        for name in CHAIN_FILES:
            setattr(self, name[:-4].replace("-", "_"),
                    load_certificate(os.path.join(directory, name)))
        for name, cert, curve in (("vcek.pem", self.vcek, ec.SECP384R1),
                                  ("tdx-qe.pem", self.tdx_qe, ec.SECP256R1)):
            key = cert.public_key()
            if not isinstance(key, ec.EllipticCurvePublicKey) or \
                    not isinstance(key.curve, curve):
                raise SimTeeError("%s: the key is not EC %s" % (
                    os.path.join(directory, name), "P-384" if curve is ec.SECP384R1
                    else "P-256"))

    def _check_ark(self):
        check_signed_by(self.ark, self.ark, "ARK (ark.pem)", "ARK itself")

    def vcek_key(self):
        """The VCEK's public key once VCEK <- ASK <- ARK (self-signed) verify."""
        self._check_ark()
        check_signed_by(self.ask, self.ark, "ASK (ask.pem)", "ARK (ark.pem)")
        check_signed_by(self.vcek, self.ask, "VCEK (vcek.pem)", "ASK (ask.pem)")
        return self.vcek.public_key()

    def tdx_qe_key(self):
        """The quoting key once TDX QE <- ARK (self-signed) verify."""
        self._check_ark()
        check_signed_by(self.tdx_qe, self.ark, "TDX QE certificate (tdx-qe.pem)",
                        "ARK (ark.pem)")
        return self.tdx_qe.public_key()


def load_private_key(path):
    """A PEM private key (PKCS#8 or traditional), unencrypted."""
    with open(path, "rb") as f:
        return serialization.load_pem_private_key(f.read(), password=None)


# ------------------------------------------------------------------ evidence checks

_LOWER_HEX = re.compile("[0-9a-f]*")


def decode_hex(kind, name, text):
    """bytes of a lowercase hex string, or SimTeeError naming kind and name."""
    if not isinstance(text, str):
        raise SimTeeError("%s %s must be a string of lowercase hex" % (kind, name))
    if not _LOWER_HEX.fullmatch(text):
        raise SimTeeError("%s %s is not lowercase hex" % (kind, name))
    if len(text) % 2:
        raise SimTeeError("%s %s has an odd number of hex digits (%d)"
                          % (kind, name, len(text)))
    return bytes.fromhex(text)


def check_snp_report(raw, chain):
    """The fields of a simulated SNP report whose signature and chain verify.

    Refused (SimTeeError): a size other than 1184; a version below 3 (as Trustee) or above 5; a
    signature algorithm other than 1; a signing key other than the VCEK; a guest policy
    without its must-be-one bit 17; a chain that does not verify (VCEK <- ASK <- ARK,
    ARK self-signed); a signature that does not verify with the VCEK's key. VMPL is not
    checked here (the caller reports it).
    """
    fields = parse_snp_report(raw)
    low, high = SNP_VERSIONS
    if fields["version"] < low:
        raise SimTeeError("Attestation Report version is too old (%d; Trustee and the simulated TEE "
                          "want 3 or later)" % fields["version"])
    if fields["version"] > high:
        raise SimTeeError("Unexpected attestation report version (%d). Check SNP Firmware "
                          "ABI specification" % fields["version"])
    if fields["signature_algo"] != SNP_SIGNATURE_ALGO_ECDSA_P384_SHA384:
        raise SimTeeError("unsupported signature algorithm %d (1 is ECDSA P-384 with "
                          "SHA-384)" % fields["signature_algo"])
    if fields["signing_key"] != 0:
        raise SimTeeError("the report is signed by the %s (flags.signing_key %d); the "
                          "simulated TEE signs with its VCEK only"
                          % (SIGNING_KEYS.get(fields["signing_key"], "reserved key"),
                             fields["signing_key"]))
    if not fields["policy"] & POLICY_RESERVED_1:
        raise SimTeeError("guest policy 0x%x has bit 17 clear (reserved, must be 1)"
                          % fields["policy"])
    try:
        key = chain.vcek_key()
    except SimTeeError as e:
        raise SimTeeError("Certificate chain failed verification: %s" % e) from None
    if not verify_snp_signature(raw, key):
        raise SimTeeError("Report signature verification against VEK signature failed "
                          "(not signed by the key of vcek.pem)")
    return fields


def check_tdx_quote(raw, chain):
    """(header, body) of a simulated TDX quote whose signature and chain verify.

    Refused (SimTeeError): a size other than 700 or a signature length other than 64; a
    header other than version 4, attestation key type 2 (ECDSA P-256), tee type 0x81 and
    Intel's QE vendor id; a chain that does not verify (TDX QE <- ARK, ARK self-signed);
    a signature that does not verify with the QE certificate's key.
    """
    header, body, _signature = parse_tdx_quote(raw)
    version = int.from_bytes(header["version"], "little")
    if version == 3:
        raise SimTeeError("expected TDX quote (v4/v5), got SGX quote (v3)")
    if version != TDX_QUOTE_VERSION:
        raise SimTeeError("quote version %d: the simulated TEE makes version 4 quotes"
                          % version)
    att_key_type = int.from_bytes(header["att_key_type"], "little")
    if att_key_type != TDX_ATT_KEY_TYPE_ECDSA_P256:
        raise SimTeeError("attestation key type %d is not ECDSA-256-with-P-256 (2)"
                          % att_key_type)
    tee_type = int.from_bytes(header["tee_type"], "little")
    if tee_type != TDX_TEE_TYPE:
        raise SimTeeError("tee type 0x%x is not TDX (0x81)" % tee_type)
    if header["vendor_id"] != INTEL_QE_VENDOR_ID:
        raise SimTeeError("QE vendor id %s is not Intel's (%s)"
                          % (header["vendor_id"].hex(), INTEL_QE_VENDOR_ID.hex()))
    try:
        key = chain.tdx_qe_key()
    except SimTeeError as e:
        raise SimTeeError("Certificate chain failed verification: %s" % e) from None
    if not verify_tdx_signature(raw, key):
        raise SimTeeError("quote signature verification failed (not signed by the key of "
                          "tdx-qe.pem)")
    return header, body
