# SPDX-License-Identifier: LGPL-2.1-or-later
# evidence.py - the double's verifiers: fake SEV-SNP, TDX and Arm CCA evidence, and
# trustee's "sample" TEE.
"""Turn evidence into the claims trustee's verifiers report, for evidence nobody can forge.

Real evidence is signed by the platform (an SNP report by the AMD secure processor, a TDX
quote by the quoting enclave, a CCA token by the RMM and the platform); no test can make
one. The double instead accepts fake evidence from its own fake TEE, one JSON object per
TEE type, and reports the claims trustee's verifier would report for a real one with the
same contents. Each fake object names its fields in full; unknown fields are refused.

  snp   {"fake-snp": {"measurement": <96 hex>, "host_data": <64 hex>,
                      "report_data": <128 hex>, "debug": bool, <FAKE_SNP_OPTIONAL>}}
        -> policy_* and platform_* flags, reported_tcb_* (numbers), measurement;
           init_data = HOST_DATA, report_data. measurement, init_data and report_data
           are standard base64 up to v0.17 and lowercase hex from v0.18 (profile).
  tdx   {"fake-tdx": {"mr_td", "rtmr_0".."rtmr_3", "mr_config_id", "mr_seam": <96 hex>,
                      "xfam", "td_attributes": <16 hex>, "tcb_svn": <32 hex>,
                      "debug": bool, "tcb_status", "collateral_expiration_status",
                      "report_data": <128 hex>}}
        -> quote.header (a v4 TDX quote's), quote.body (lowercase hex), td_attributes
           (the flags, decoded), tcb_status, collateral_expiration_status,
           advisory_ids; init_data = MRCONFIGID hex (48 bytes), report_data hex.
  cca   {"fake-cca": {"rim": <hex>, "rems": [4 x hex], "rpv": <128 hex>,
                      "hash_algo": "sha-256"|"sha-512", "challenge": <128 hex>}}
        -> realm (the five claims trustee keeps, standard base64 but the algorithm id),
           platform (instance and implementation ids, fixed fakes); init_data = RPV hex,
           report_data = challenge hex.
  sample {"svn": str, "report_data": <std base64 of the 48-byte digest>}
        -> trustee's fixed sample claims.

The simulated TEE (ccm-qemu-plugin, docs/simulated-tee.md) makes evidence that is signed,
by ccm's TEST chain; with a chain (kbs-double --sim-tee-chain) the double verifies it
(simtee.py) and reports the claims of the matching fake kind:

  snp   {"sim-snp": {"report": <2368 lowercase hex: a 1184-byte ATTESTATION_REPORT>}}
        -> exactly fake-snp's claims, decoded from the report.
  tdx   {"sim-tdx": {"quote": <1400 lowercase hex: a 700-byte simulated TDX quote>}}
        -> exactly fake-tdx's claims, decoded from the quote (tcb_status "UpToDate":
           there is no collateral to judge).

Every kind is bound to the RCAR session exactly as the real verifier binds it:
REPORT_DATA (SNP, TDX) and the realm challenge (CCA) must hold the SHA-384 of the
session's canonical runtime data, zero-padded to 64 bytes; the sample TEE's report_data
is the bare 48-byte digest.
"""

import re
import sys

from . import simtee
from .codec import b64std_decode, b64std_encode, runtime_data_digest

_HEX = {n: re.compile("[0-9a-f]{%d}" % n) for n in (16, 32, 64, 96, 128)}

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

# fake-tdx fields: name -> (hex digits, default); all land in quote.body.
FAKE_TDX_HEX = {
    "mr_td": (96, None),
    "rtmr_0": (96, "0" * 96),
    "rtmr_1": (96, "0" * 96),
    "rtmr_2": (96, "0" * 96),
    "rtmr_3": (96, "0" * 96),
    "mr_config_id": (96, "0" * 96),
    "mr_seam": (96, "5e" * 48),
    "xfam": (16, "e702060000000000"),
    "tcb_svn": (32, "04010200000000000000000000000000"),
    "td_attributes": (16, "0000001000000000"),   # SEPT_VE_DISABLE
    "report_data": (128, None),
}
TDX_HEADER = {"version": "0400", "att_key_type": "0200", "tee_type": "81000000",
              "reserved": "00000000", "vendor_id": "939a7233f79c4ca9940a0db3957f0607",
              "user_data": "00" * 20}
# TD_ATTRIBUTES flags trustee decodes (claim name -> bit).
TD_ATTRIBUTE_FLAGS = (("debug", 0), ("septve_disable", 28), ("protection_keys", 30),
                      ("key_locker", 31), ("perfmon", 63))
TDX_TCB_DATE = "2024-03-13T00:00:00Z"

CCA_HASH_SIZES = {"sha-256": 32, "sha-512": 64}
# Fixed fake platform claims (standard base64): a 33-byte instance id (0x01 then a
# 32-byte hash) and a 32-byte implementation id.
CCA_PLATFORM = {
    "cca-platform-instance-id": b64std_encode(b"\x01" + b"\xcc" * 32),
    "cca-platform-implementation-id": b64std_encode(b"kbs-double fake CCA platform id."),
}


class EvidenceError(ValueError):
    """Evidence the verifier refuses."""


def _hex_field(kind, evidence, name, length, default=None):
    value = evidence.get(name, default)
    if not isinstance(value, str) or not _HEX[length].fullmatch(value):
        raise EvidenceError("%s %s must be %d lowercase hex digits" % (kind, name, length))
    return value


def _fake(primary, kind, known, what):
    if not isinstance(primary, dict) or not isinstance(primary.get(kind), dict):
        raise EvidenceError("primary_evidence is not %s evidence (the double cannot verify "
                            "real %s evidence)" % (kind, what))
    evidence = primary[kind]
    unknown = set(evidence) - set(known)
    if unknown:
        raise EvidenceError("unknown %s fields: %s" % (kind, ", ".join(sorted(unknown))))
    return evidence


def _bound(data, expected_digest):
    """True when data is the 48-byte digest zero-padded to 64 bytes."""
    return data == expected_digest + bytes(64 - len(expected_digest))


def verify_fake_snp(primary, expected_digest, encoding):
    """Claims (trustee's SNP verifier's) for fake-snp evidence bound to expected_digest."""
    evidence = _fake(primary, "fake-snp", {"measurement", "host_data", "report_data", "debug"}
                     | set(FAKE_SNP_OPTIONAL), "SEV-SNP")
    measurement = _hex_field("fake-snp", evidence, "measurement", 96)
    host_data = _hex_field("fake-snp", evidence, "host_data", 64)
    report_data = _hex_field("fake-snp", evidence, "report_data", 128)
    debug = evidence.get("debug", False)
    if not isinstance(debug, bool):
        raise EvidenceError("fake-snp debug must be a boolean")
    if not _bound(bytes.fromhex(report_data), expected_digest):
        raise EvidenceError("REPORT_DATA does not match the runtime data of this session")

    def encode(hex_text):
        return b64std_encode(bytes.fromhex(hex_text)) if encoding == "base64" else hex_text

    claims = {"policy_debug_allowed": debug}
    for field, (claim, default) in FAKE_SNP_OPTIONAL.items():
        value = evidence.get(field, default)
        if type(value) is not type(default):
            raise EvidenceError("fake-snp %s must be a %s" % (field, type(default).__name__))
        claims[claim] = value
    claims.update({"measurement": encode(measurement), "report_data": encode(report_data),
                   "init_data": encode(host_data)})
    return claims


def verify_fake_tdx(primary, expected_digest):
    """Claims (trustee's TDX verifier's) for fake-tdx evidence bound to expected_digest."""
    evidence = _fake(primary, "fake-tdx", set(FAKE_TDX_HEX) | {
        "debug", "tcb_status", "collateral_expiration_status"}, "TDX")
    body = {name: _hex_field("fake-tdx", evidence, name, n, default)
            for name, (n, default) in FAKE_TDX_HEX.items()}
    if not _bound(bytes.fromhex(body["report_data"]), expected_digest):
        raise EvidenceError("REPORT_DATA does not match the runtime data of this session")
    attributes = int.from_bytes(bytes.fromhex(body["td_attributes"]), "little")
    debug = evidence.get("debug")
    if debug is not None:
        if not isinstance(debug, bool):
            raise EvidenceError("fake-tdx debug must be a boolean")
        attributes = attributes | 1 if debug else attributes & ~1
    body["td_attributes"] = attributes.to_bytes(8, "little").hex()
    statuses = {}
    for name, default in (("tcb_status", "UpToDate"), ("collateral_expiration_status", "0")):
        statuses[name] = evidence.get(name, default)
        if not isinstance(statuses[name], str):
            raise EvidenceError("fake-tdx %s must be a string" % name)
    quote_body = {k: body[k] for k in ("tcb_svn", "mr_seam")}
    quote_body.update({"mrsigner_seam": "00" * 48, "seam_attributes": "00" * 8})
    quote_body.update({k: body[k] for k in ("td_attributes", "xfam", "mr_td", "mr_config_id")})
    quote_body.update({"mr_owner": "00" * 48, "mr_owner_config": "00" * 48})
    quote_body.update({k: body[k] for k in ("rtmr_0", "rtmr_1", "rtmr_2", "rtmr_3",
                                            "report_data")})
    return _tdx_claims(dict(TDX_HEADER), quote_body, statuses["tcb_status"],
                       statuses["collateral_expiration_status"])


def _tdx_claims(quote_header, quote_body, tcb_status="UpToDate",
                collateral_expiration_status="0"):
    """Trustee's TDX claims from a v4 quote's header and body (lowercase hex values)."""
    attributes = int.from_bytes(bytes.fromhex(quote_body["td_attributes"]), "little")
    return {
        "quote": {"header": quote_header, "body": quote_body},
        "td_attributes": {name: bool(attributes >> bit & 1)
                          for name, bit in TD_ATTRIBUTE_FLAGS},
        "report_data": quote_body["report_data"],
        "init_data": quote_body["mr_config_id"],
        "tcb_date": TDX_TCB_DATE,
        "tcb_status": tcb_status,
        "collateral_expiration_status": collateral_expiration_status,
        "advisory_ids": [],
    }


NO_SIM_CHAIN = "the double trusts no simulated TEE (start it with --sim-tee-chain)"


def _sim(primary, kind, field, chain):
    """The raw bytes of sim-snp/sim-tdx evidence {kind: {field: <lowercase hex>}}."""
    if chain is None:
        raise EvidenceError("%s: %s" % (kind, NO_SIM_CHAIN))
    evidence = primary[kind]
    if not isinstance(evidence, dict):
        raise EvidenceError("%s evidence is not a JSON object" % kind)
    unknown = set(primary) - {kind}
    if unknown:
        raise EvidenceError("%s: unknown primary_evidence fields: %s"
                            % (kind, ", ".join(sorted(unknown))))
    unknown = set(evidence) - {field}
    if unknown:
        raise EvidenceError("unknown %s fields: %s" % (kind, ", ".join(sorted(unknown))))
    if field not in evidence:
        raise EvidenceError("%s has no %s" % (kind, field))
    try:
        return simtee.decode_hex(kind, field, evidence[field])
    except simtee.SimTeeError as e:
        raise EvidenceError(str(e)) from None


def verify_sim_snp(primary, expected_digest, encoding, chain):
    """Claims (trustee's SNP verifier's, as for fake-snp) for a simulated SNP report
    that verifies under chain and is bound to expected_digest."""
    raw = _sim(primary, "sim-snp", "report", chain)
    try:
        report = simtee.check_snp_report(raw, chain)
    except simtee.SimTeeError as e:
        raise EvidenceError("sim-snp: %s" % e) from None
    if not _bound(report["report_data"], expected_digest):
        raise EvidenceError("sim-snp: REPORT_DATA does not match the runtime data of this "
                            "session")
    if report["vmpl"] != 0:
        # Trustee v0.16-v0.21 refuse it ("VMPL Check Failed"); the double lets it through
        # so that the simulated TEE's VMPL handling can be tested, and says so.
        print("kbs-double: warning: sim-snp report at VMPL %d accepted (trustee refuses "
              "VMPL != 0)" % report["vmpl"], file=sys.stderr, flush=True)

    def encode(data):
        return b64std_encode(data) if encoding == "base64" else data.hex()

    policy = simtee.snp_policy_flags(report["policy"])
    platform = simtee.snp_platform_flags(report["platform_info"])
    tcb = report["reported_tcb"]
    # Trustee's parse_tee_evidence, v0.16 to v0.21: the same names, in its order.
    return {
        "policy_abi_major": policy["abi_major"],
        "policy_abi_minor": policy["abi_minor"],
        "policy_smt_allowed": policy["smt_allowed"],
        "policy_migrate_ma": policy["migrate_ma"],
        "policy_debug_allowed": policy["debug"],
        "policy_single_socket": policy["single_socket"],
        "reported_tcb_bootloader": tcb["bootloader"],
        "reported_tcb_tee": tcb["tee"],
        "reported_tcb_snp": tcb["snp"],
        "reported_tcb_microcode": tcb["microcode"],
        "platform_tsme_enabled": platform["tsme_enabled"],
        "platform_smt_enabled": platform["smt_enabled"],
        "measurement": encode(report["measurement"]),
        "report_data": encode(report["report_data"]),
        "init_data": encode(report["host_data"]),
    }


def verify_sim_tdx(primary, expected_digest, chain):
    """Claims (trustee's TDX verifier's, as for fake-tdx) for a simulated TDX quote that
    verifies under chain and is bound to expected_digest."""
    raw = _sim(primary, "sim-tdx", "quote", chain)
    try:
        header, body = simtee.check_tdx_quote(raw, chain)
    except simtee.SimTeeError as e:
        raise EvidenceError("sim-tdx: %s" % e) from None
    if not _bound(body["report_data"], expected_digest):
        raise EvidenceError("sim-tdx: REPORT_DATA does not match the runtime data of this "
                            "session")
    # Trustee always names a v4 quote's version "0400".
    quote_header = {name: value.hex() for name, value in header.items()}
    quote_header["version"] = "0400"
    return _tdx_claims(quote_header, {name: value.hex() for name, value in body.items()})


def verify_fake_cca(primary, expected_digest):
    """Claims (trustee's CCA verifier's) for fake-cca evidence bound to expected_digest."""
    evidence = _fake(primary, "fake-cca", {"rim", "rems", "rpv", "hash_algo", "challenge"},
                     "Arm CCA")
    algo = evidence.get("hash_algo", "sha-256")
    if algo not in CCA_HASH_SIZES:
        raise EvidenceError("fake-cca hash_algo must be one of %s"
                            % ", ".join(sorted(CCA_HASH_SIZES)))
    size = CCA_HASH_SIZES[algo]
    rim = _hex_field("fake-cca", evidence, "rim", 2 * size)
    rems = evidence.get("rems", ["00" * size] * 4)
    if not isinstance(rems, list) or len(rems) != 4:
        raise EvidenceError("fake-cca rems must be a list of 4 measurements")
    rems = [_hex_field("fake-cca", {"rem": r}, "rem", 2 * size) for r in rems]
    rpv = _hex_field("fake-cca", evidence, "rpv", 128, "00" * 64)
    challenge = _hex_field("fake-cca", evidence, "challenge", 128)
    if not _bound(bytes.fromhex(challenge), expected_digest):
        raise EvidenceError("realm token challenge claim does not match expected_report_data")

    def b64(hex_text):
        return b64std_encode(bytes.fromhex(hex_text))

    return {
        "realm": {"cca-realm-personalization-value": b64(rpv),
                  "cca-realm-initial-measurement": b64(rim),
                  "cca-realm-extensible-measurements": [b64(r) for r in rems],
                  "cca-realm-hash-algo-id": algo,
                  "cca-realm-challenge": b64(challenge)},
        "platform": dict(CCA_PLATFORM),
        "report_data": challenge,
        "init_data": rpv,
    }


def verify_sample(primary, expected_digest):
    """Claims for trustee's sample evidence {"svn", "report_data": std base64 digest}."""
    if not isinstance(primary, dict) or not isinstance(primary.get("svn"), str):
        raise EvidenceError("sample evidence needs a string svn")
    try:
        report_data = b64std_decode(primary.get("report_data"))
    except ValueError as e:
        raise EvidenceError("sample report_data: %s" % e) from None
    if report_data != expected_digest:
        raise EvidenceError("REPORT_DATA is different from that in Sample Quote")
    return {"svn": primary["svn"], "report_data": primary["report_data"],
            "launch_digest": "abcde", "platform_version": {"major": 1, "minor": 4},
            "debug": False}


def verify(tee, tee_evidence, nonce, tee_pubkey, snp_encoding, sim_chain=None):
    """Verify the tee-evidence of an attest request.

    Returns (runtime data, claims): the runtime data object the evidence is bound to
    ({"nonce", "tee-pubkey", "additional-evidence"}, trustee's runtime_data_claims) and
    the verifier's claims, init_data and report_data included. sim_chain is the
    simtee.Chain that simulated-TEE evidence must verify under (None: refused).
    """
    if not isinstance(tee_evidence, dict):
        raise EvidenceError("tee-evidence is not a JSON object")
    additional = tee_evidence.get("additional_evidence", "")
    if not isinstance(additional, str):
        raise EvidenceError("additional_evidence is not a string")
    runtime = {"tee-pubkey": tee_pubkey, "nonce": nonce, "additional-evidence": additional}
    digest = runtime_data_digest(nonce, tee_pubkey, additional)
    primary = tee_evidence.get("primary_evidence")
    if tee == "snp":
        if isinstance(primary, dict) and "sim-snp" in primary:
            return runtime, verify_sim_snp(primary, digest, snp_encoding, sim_chain)
        return runtime, verify_fake_snp(primary, digest, snp_encoding)
    if tee == "tdx":
        if isinstance(primary, dict) and "sim-tdx" in primary:
            return runtime, verify_sim_tdx(primary, digest, sim_chain)
        return runtime, verify_fake_tdx(primary, digest)
    if tee == "cca":
        return runtime, verify_fake_cca(primary, digest)
    if tee == "sample":
        return runtime, verify_sample(primary, digest)
    raise EvidenceError("the double has no verifier for tee %s" % tee)


def policy_input(tee, claims, runtime):
    """The attestation policy's input, built as trustee's transform_claims builds it.

    input.<tee> holds the verifier's claims without init_data and report_data; those move
    to the top level, each with its companion: init_data_claims (null: the double takes
    no InitData) and runtime_data_claims (the runtime data object).
    """
    claims = dict(claims)
    out = {}
    if "init_data" in claims:
        out["init_data"] = claims.pop("init_data")
        out["init_data_claims"] = None
    if "report_data" in claims:
        out["report_data"] = claims.pop("report_data")
        out["runtime_data_claims"] = runtime
    out[tee] = claims
    return out
