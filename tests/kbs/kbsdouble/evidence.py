# SPDX-License-Identifier: LGPL-2.1-or-later
# evidence.py - the double's verifiers: fake SEV-SNP evidence and trustee's "sample" TEE.
"""Turn evidence into claims, as trustee's verifiers do, for evidence nobody can forge.

Real SNP evidence is an attestation report signed by the AMD secure processor; no test
can make one. The double instead accepts "fake-snp" evidence from its own fake TEE:

    {"fake-snp": {"measurement": "<96 lowercase hex>",   launch digest, 48 bytes
                  "host_data": "<64 lowercase hex>",     HOST_DATA, 32 bytes
                  "report_data": "<128 lowercase hex>",  SHA-384 of the runtime data,
                                                         zero-padded to 64 bytes
                  "debug": false,                        guest policy DEBUG bit
                  "reported_tcb_bootloader": 0, ... }}   optional, see FAKE_SNP_OPTIONAL

and reports the claims trustee's SNP verifier would (input.snp): measurement (hex from
v0.18, base64 before), init_data (HOST_DATA hex), report_data, policy_* and
platform_* flags and the reported TCB as integers. The binding to the RCAR session is
checked exactly like the real verifier checks it: REPORT_DATA must hold the SHA-384 of
the session's canonical runtime data.

The "sample" TEE follows trustee's sample verifier: evidence {"svn", "report_data"
(standard base64 of the digest)} and fixed claims.
"""

import re

from .codec import b64std_decode, b64std_encode, runtime_data_digest

_HEX = {n: re.compile("[0-9a-f]{%d}" % n) for n in (64, 96, 128)}

# Optional fake-snp fields: name -> (claim name, default).
FAKE_SNP_OPTIONAL = {
    "reported_tcb_bootloader": ("reported_tcb_bootloader", 0),
    "reported_tcb_microcode": ("reported_tcb_microcode", 0),
    "reported_tcb_snp": ("reported_tcb_snp", 0),
    "reported_tcb_tee": ("reported_tcb_tee", 0),
    "migrate_ma": ("policy_migrate_ma", False),
    "smt_allowed": ("policy_smt_allowed", True),
    "single_socket": ("policy_single_socket", False),
    "abi_major": ("policy_abi_major", 0),
    "abi_minor": ("policy_abi_minor", 0),
    "smt_enabled": ("platform_smt_enabled", True),
    "tsme_enabled": ("platform_tsme_enabled", False),
}


class EvidenceError(ValueError):
    """Evidence the verifier refuses."""


def _hex_field(evidence, name, length):
    value = evidence.get(name)
    if not isinstance(value, str) or not _HEX[length].fullmatch(value):
        raise EvidenceError("fake-snp %s must be %d lowercase hex digits" % (name, length))
    return value


def verify_fake_snp(primary, expected_digest, measurement_encoding):
    """Claims for fake-snp primary evidence bound to expected_digest (48 bytes)."""
    if not isinstance(primary, dict) or not isinstance(primary.get("fake-snp"), dict):
        raise EvidenceError("primary_evidence is not fake-snp evidence (the double cannot "
                            "verify real SEV-SNP reports)")
    evidence = primary["fake-snp"]
    unknown = set(evidence) - {"measurement", "host_data", "report_data", "debug"} \
        - set(FAKE_SNP_OPTIONAL)
    if unknown:
        raise EvidenceError("unknown fake-snp fields: %s" % ", ".join(sorted(unknown)))
    measurement = _hex_field(evidence, "measurement", 96)
    host_data = _hex_field(evidence, "host_data", 64)
    report_data = _hex_field(evidence, "report_data", 128)
    debug = evidence.get("debug", False)
    if not isinstance(debug, bool):
        raise EvidenceError("fake-snp debug must be a boolean")
    if bytes.fromhex(report_data) != expected_digest + bytes(64 - len(expected_digest)):
        raise EvidenceError("REPORT_DATA does not match the runtime data of this session")
    if measurement_encoding == "base64":
        measurement_claim = b64std_encode(bytes.fromhex(measurement))
    else:
        measurement_claim = measurement
    claims = {"measurement": measurement_claim,
              "init_data": host_data,
              "report_data": report_data,
              "policy_debug_allowed": debug}
    for field, (claim, default) in FAKE_SNP_OPTIONAL.items():
        value = evidence.get(field, default)
        if type(value) is not type(default):
            raise EvidenceError("fake-snp %s must be a %s" % (field, type(default).__name__))
        claims[claim] = value
    return claims


def verify_sample(primary, expected_digest):
    """Claims for trustee's sample evidence {"svn", "report_data": std base64 digest}."""
    if not isinstance(primary, dict) or not isinstance(primary.get("svn"), str):
        raise EvidenceError("sample evidence needs a string svn")
    try:
        report_data = b64std_decode(primary.get("report_data"))
    except ValueError as e:
        raise EvidenceError("sample report_data: %s" % e) from None
    if report_data != expected_digest:
        raise EvidenceError("report_data does not match the runtime data of this session")
    return {"svn": primary["svn"], "launch_digest": "abcde",
            "platform_version": {"major": 1, "minor": 4}, "debug": False,
            "report_data": primary["report_data"]}


def verify(tee, tee_evidence, nonce, tee_pubkey, measurement_encoding):
    """Verify the tee-evidence of an attest request; return (claim key, claims)."""
    if not isinstance(tee_evidence, dict):
        raise EvidenceError("tee-evidence is not a JSON object")
    additional = tee_evidence.get("additional_evidence", "")
    if not isinstance(additional, str):
        raise EvidenceError("additional_evidence is not a string")
    digest = runtime_data_digest(nonce, tee_pubkey, additional)
    primary = tee_evidence.get("primary_evidence")
    if tee == "snp":
        return "snp", verify_fake_snp(primary, digest, measurement_encoding)
    if tee == "sample":
        return "sample", verify_sample(primary, digest)
    raise EvidenceError("the double has no verifier for tee %s" % tee)
