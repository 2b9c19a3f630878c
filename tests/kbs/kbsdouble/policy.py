# SPDX-License-Identifier: LGPL-2.1-or-later
# policy.py - attestation and resource policies, evaluated natively (no Rego engine).
"""Policies of the KBS double.

The double cannot run Rego. It recognises the policy texts it is given and applies
the meaning of each natively:

Attestation policy (id default_cpu, what the KBS evaluates for the CPU):
  * before any upload, trustee's default CPU policy: trust claims start at
    executables 33, hardware 97, configuration 36 and are raised when the claims
    match the reference values (membership for lists, equality for scalars);
  * a text with the line "# ccm-policy: attestation 1": the semantics of ccm's own
    policy - the guest's measurement must be in the list stored under
    ccm/<init_data hex>/snp_launch_measurement, and configuration is good only with
    debug and migration-agent off;
  * anything else: the default semantics, with a warning on stderr at upload.
  The EAR status is the worst tier of the trust vector.

Resource policy (evaluated on the EAR claims and the requested path repo/type/tag):
  * before any upload, trustee's default: allow unless the evidence is "sample";
  * "# ccm-policy: resource 1": allow iff cpu0 is affirming and the repository is
    ccm-<init_data hex> of the attested guest;
  * kbs-client's canned texts: allow-all ("allow = true" and nothing else),
    deny-all ("default allow = false" and no allow rule), affirming (mentions
    ear.status and affirming: every submod must be affirming), and trustee's default
    (mentions sample);
  * anything else is refused (fail closed) with a warning on stderr at upload.
"""

import re
import sys

ATTESTATION_MARKER = "# ccm-policy: attestation 1"
RESOURCE_MARKER = "# ccm-policy: resource 1"

_PACKAGE_LINE = re.compile(r"^\s*package\s+\S+", re.MULTILINE)


def has_package_line(text):
    """True when the text declares a Rego package (the double's 'does it parse' test)."""
    return bool(_PACKAGE_LINE.search(text))


def _has_marker(text, marker):
    return any(line.strip() == marker for line in text.splitlines())


def _warn(message):
    print("kbs-double: warning: " + message, file=sys.stderr, flush=True)


# ---------------------------------------------------------------- value comparison
# Rego, unlike Python, never considers true equal to 1.

def _same(a, b):
    if isinstance(a, bool) or isinstance(b, bool):
        return isinstance(a, bool) and isinstance(b, bool) and a == b
    return a == b


def _member(value, collection):
    """Rego's "value in collection" for a reference value (None when missing)."""
    if isinstance(collection, dict):
        collection = list(collection.values())
    if not isinstance(collection, list):
        return False
    return any(_same(value, item) for item in collection)


# ---------------------------------------------------------------- attestation

def classify_attestation_policy(text):
    """'ccm' or 'default' for an uploaded attestation policy text."""
    if _has_marker(text, ATTESTATION_MARKER):
        return "ccm"
    _warn("the double cannot evaluate arbitrary Rego: the uploaded attestation policy "
          "has no '%s' line, so the built-in default semantics apply" % ATTESTATION_MARKER)
    return "default"


def _default_snp(claims, rv):
    executables = 3 if _member(claims["measurement"], rv("snp_launch_measurement")) else 33
    tcb = (("snp_bootloader", "reported_tcb_bootloader"),
           ("snp_microcode", "reported_tcb_microcode"),
           ("snp_snp_svn", "reported_tcb_snp"),
           ("snp_tee_svn", "reported_tcb_tee"))
    hardware = 2 if all(_member(claims[c], rv(n)) for n, c in tcb) else 97
    scalars = (("snp_smt_enabled", "platform_smt_enabled"),
               ("snp_tsme_enabled", "platform_tsme_enabled"),
               ("snp_guest_abi_major", "policy_abi_major"),
               ("snp_guest_abi_minor", "policy_abi_minor"),
               ("snp_single_socket", "policy_single_socket"),
               ("snp_smt_allowed", "policy_smt_allowed"))
    safe = not claims["policy_debug_allowed"] and not claims["policy_migrate_ma"]
    if safe and all(rv(n) is not None and _same(claims[c], rv(n)) for n, c in scalars):
        configuration = 2
    elif safe:
        configuration = 3
    else:
        configuration = 36
    return {"executables": executables, "hardware": hardware, "configuration": configuration}


def _default_sample(claims, rv):
    executables = 3 if _member(claims["launch_digest"], rv("launch_digest")) else 33
    version = claims["platform_version"]
    minimum = rv("minimum_minor_version")
    hardware = 2 if (_member(claims["svn"], rv("svn"))
                     and _same(version["major"], rv("major_version"))
                     and isinstance(minimum, int) and not isinstance(minimum, bool)
                     and minimum <= version["minor"]) else 97
    configuration = 2 if claims["debug"] is False else 36
    return {"executables": executables, "hardware": hardware, "configuration": configuration}


def _ccm(kind, claims, rv):
    vector = {"executables": 33, "hardware": 97, "configuration": 36}
    if kind != "snp":
        return vector
    expected = rv("ccm/%s/snp_launch_measurement" % claims["init_data"])
    if _member(claims["measurement"], expected):
        vector["executables"] = 3
        vector["hardware"] = 2
    if claims["policy_debug_allowed"] is False and claims["policy_migrate_ma"] is False:
        vector["configuration"] = 2
    return vector


def trust_vector(policy_kind, evidence_kind, claims, rv):
    """The trust vector for claims; rv(name) returns a reference value or None."""
    if policy_kind == "ccm":
        return _ccm(evidence_kind, claims, rv)
    if evidence_kind == "snp":
        return _default_snp(claims, rv)
    return _default_sample(claims, rv)


def ear_status(vector):
    """The worst tier of a trust vector: affirming, warning, contraindicated or none."""
    order = ["none", "affirming", "warning", "contraindicated"]
    worst = "none"
    for value in vector.values():
        if 2 <= value <= 31:
            tier = "affirming"
        elif 32 <= value <= 95:
            tier = "warning"
        elif 96 <= value <= 127:
            tier = "contraindicated"
        else:
            tier = "none"
        if order.index(tier) > order.index(worst):
            worst = tier
    return worst


# ---------------------------------------------------------------- resource

_ALLOW_TRUE = re.compile(r"^(default\s+)?allow\s*:?=\s*true$")
_DEFAULT_FALSE = re.compile(r"^default\s+allow\s*:?=\s*false$")
_ALLOW_RULE = re.compile(r"^allow\b")


def classify_resource_policy(text):
    """One of ccm, allow-all, deny-all, affirming, default, unrecognised."""
    if _has_marker(text, RESOURCE_MARKER):
        return "ccm"
    lines = [line.split("#", 1)[0].strip() for line in text.splitlines()]
    lines = [line for line in lines if line]
    allow_true = any(_ALLOW_TRUE.match(line) for line in lines)
    default_false = any(_DEFAULT_FALSE.match(line) for line in lines)
    other_rules = any(_ALLOW_RULE.match(line) and not _ALLOW_TRUE.match(line)
                      for line in lines)
    if allow_true and not default_false and not other_rules:
        return "allow-all"
    if default_false and not allow_true and not other_rules:
        return "deny-all"
    if "ear.status" in text and "affirming" in text:
        return "affirming"
    if "sample" in text:
        return "default"
    _warn("the double cannot evaluate arbitrary Rego: the uploaded resource policy is not "
          "one it recognises, so every resource request will be denied")
    return "unrecognised"


def resource_allowed(policy_kind, ear_claims, resource_path):
    """Whether the resource policy releases resource_path (repo/type/tag) to ear_claims."""
    submods = ear_claims.get("submods") or {}
    if policy_kind == "allow-all":
        return True
    if policy_kind == "default":
        return not any("sample" in (s.get("ear.veraison.annotated-evidence") or {})
                       for s in submods.values())
    if policy_kind == "affirming":
        return bool(submods) and all(s.get("ear.status") == "affirming"
                                     for s in submods.values())
    if policy_kind == "ccm":
        cpu = submods.get("cpu0") or {}
        snp = (cpu.get("ear.veraison.annotated-evidence") or {}).get("snp") or {}
        identity = snp.get("init_data")
        return (cpu.get("ear.status") == "affirming" and isinstance(identity, str)
                and resource_path.split("/")[0] == "ccm-" + identity)
    return False
