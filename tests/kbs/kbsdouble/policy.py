# SPDX-License-Identifier: LGPL-2.1-or-later
# policy.py - attestation and resource policies, evaluated by a real Rego engine.
"""Policies of the KBS double, evaluated as Trustee evaluates them, per release.

Theory of operation. Every policy text - the attestation policy default_cpu and the one
resource policy - goes to the Rego engine (rego.py: OPA v0.47 as WebAssembly, one worker
per double) exactly as it was uploaded. What the engine cannot know about Trustee is
added around it:

  * Trustee's regorus is stricter than OPA about syntax and has fewer builtins;
    regosyntax.py refuses what regorus would refuse (per release) before the engine runs.
  * Reference values reach an attestation policy only through Trustee's extension
    function query_reference_value(name). PRELUDE defines it in Rego over a data document
    (RV_KEY) that holds the RVPS contents of the moment: the stored JSON value, or null
    for a missing name, like Trustee's.
  * What the attestation service does with the results is done here, per release:
    which rules it reads (result, or trust_claims and extensions), what a missing or
    undefined rule means, the checks on the claim names and values (an unknown name makes
    Trustee panic), the i8 wrap-around and the EAR status tiers. Likewise for the KBS's
    reading of the resource policy's allow.

The initial policies model Trustee's stock ones: default_cpu is ccm's restatement of the
release's stock logic (ccmd/broker/policies/trustee-default-cpu-0.N.rego) completed by
policies/trustee-stock-wrapper.rego; the resource policy is
policies/trustee-default-resource-0.16.rego or -0.17.rego.
"""

import os
import re

from . import rego, regosyntax

HERE = os.path.dirname(os.path.dirname(os.path.realpath(__file__)))
POLICY_DIR = os.path.join(HERE, "policies")
STOCK_CPU_DIR = os.path.join(os.path.dirname(os.path.dirname(HERE)), "ccmd", "broker",
                             "policies")
WRAPPER = os.path.join(POLICY_DIR, "trustee-stock-wrapper.rego")

# The data document key under which the RVPS contents reach PRELUDE. A policy sees no
# other data (Trustee gives attestation policies none).
RV_KEY = "kbsdouble_reference_values"
PRELUDE = """
query_reference_value(name) := value if {
	is_string(name)
	value := data.%s[name]
} else := null if {
	is_string(name)
}
""" % RV_KEY
EXTENSION_FUNCTIONS = ("query_reference_value",)

# EAR trust-vector claims: the name the policy uses -> the EAR JSON key (they are equal).
CLAIM_NAMES = ("instance-identity", "configuration", "executables", "file-system",
               "hardware", "runtime-opaque", "storage-opaque", "sourced-data")
TIERS = ("none", "affirming", "warning", "contraindicated")

_HEADER_LINE = re.compile(r"^\s*(package|import)\b.*$", re.MULTILINE)


class PolicyError(Exception):
    """The policy cannot be set or evaluated; str() is the cause (an engine message)."""


class ClaimsPanic(Exception):
    """Trustee panics on this result (mut_by_name(k).unwrap() on an unknown claim)."""


# ---------------------------------------------------------------- texts

def _read(path):
    try:
        with open(path, encoding="utf-8") as f:
            return f.read()
    except OSError as e:
        raise PolicyError("cannot read %s: %s" % (path, e)) from None


def stock_cpu_policy(profile, stock_dir=None):
    """The double's initial default_cpu for a profile: ccm's restatement plus the wrapper."""
    path = os.path.join(stock_dir or STOCK_CPU_DIR,
                        "trustee-default-cpu-0.%d.rego" % profile.stock_cpu_release)
    restated = _read(path)
    wrapper = _HEADER_LINE.sub("", _read(WRAPPER))
    return "%s\n# ---- %s\n%s" % (restated, os.path.basename(WRAPPER), wrapper)


def stock_resource_policy(profile):
    """The double's initial resource policy for a profile."""
    return _read(os.path.join(POLICY_DIR, "trustee-default-resource-0.%d.rego"
                              % profile.stock_resource_release))


# ---------------------------------------------------------------- checks

def check_text(profile, text, attestation):
    """Raise PolicyError for a text Trustee's regorus would not run (syntax, builtins)."""
    try:
        regosyntax.check_syntax(text, profile.rego_v1_default)
        regosyntax.check_functions(text, EXTENSION_FUNCTIONS if attestation else ())
    except regosyntax.PolicyTextError as e:
        raise PolicyError(str(e)) from None


def validate(profile, text, attestation):
    """The set-time check of v0.16-v0.18 (regorus add_policy): the text must parse.

    The engine compiles it (with PRELUDE for an attestation policy, so that
    query_reference_value is known); syntax regorus refuses is refused first.
    Unavailable builtins are not looked for: regorus fails on them only when called.
    """
    try:
        regosyntax.check_syntax(text, profile.rego_v1_default)
    except regosyntax.PolicyTextError as e:
        raise PolicyError(str(e)) from None
    try:
        rego.check(text, PRELUDE if attestation else "")
    except rego.RegoError as e:
        raise PolicyError(str(e)) from None


def _evaluate(profile, text, rules, input_doc, data, attestation):
    """(results, defined rule names) of the asked rules.

    Trustee reads data.policy.<rule>: the rules of a policy in another package count as
    missing (the engine itself evaluates them in a package of its own).
    """
    check_text(profile, text, attestation)
    try:
        results = rego.evaluate(text, rules, input_doc, data,
                                PRELUDE if attestation else "")
    except rego.RegoError as e:
        raise PolicyError(str(e)) from None
    if regosyntax.package_name(text) != "policy":
        return {rule: [] for rule in rules}, set()
    return results, regosyntax.defined_rules(text)


# ---------------------------------------------------------------- attestation

def _is_int(value):
    return isinstance(value, int) and not isinstance(value, bool)


def _as_i8(value):
    """Rust's `value as i8`: keep the low 8 bits, two's complement."""
    return (value + 128) % 256 - 128


def appraise(profile, text, input_doc, reference_values, policy_id="default_cpu"):
    """(trust vector, extensions) of an attestation policy for one device.

    trust vector: {claim name: i8} holding only the claims that were set; extensions: a
    list of (name, key, value). Raises PolicyError when the attestation service would
    fail, ClaimsPanic where it panics.
    """
    rules = [profile.claims_rule] + (["extensions"] if profile.reads_extensions else [])
    results, defined = _evaluate(profile, text, rules, input_doc,
                                 {RV_KEY: reference_values}, True)
    rule = profile.claims_rule
    if rule not in defined:
        if not profile.missing_claims_tolerated:
            raise PolicyError("Failed to evaluate policy %s: data.policy.%s: not a valid "
                              "rule path" % (policy_id, rule))
        vector = {name: 0 for name in CLAIM_NAMES}
    else:
        vector = _trust_vector(profile, results[rule])
    extensions = []
    if profile.reads_extensions and "extensions" in defined:
        extensions = _extensions(results["extensions"])
    return vector, extensions


def _trust_vector(profile, values):
    if not values or not isinstance(values[0], dict):
        raise PolicyError("%s is not an object%s" % (
            "Policy result" if not profile.missing_claims_tolerated else "Trust claims",
            " (the rule is undefined)" if not values else ""))
    vector = {}
    for name, value in sorted(values[0].items()):
        if name not in CLAIM_NAMES:
            raise ClaimsPanic("trust claim %r is not an EAR trustworthiness claim "
                              "(mut_by_name(k).unwrap() on None)" % name)
        if not _is_int(value) or not -2**63 <= value < 2**63:
            raise PolicyError("%s value not number: %s = %s" % (
                "Trust claim" if profile.missing_claims_tolerated else "Policy claim",
                name, value))
        vector[name] = _as_i8(value)
    if not vector:
        raise PolicyError("At least one policy claim must be set.")
    return vector


def _extensions(values):
    if not values or not isinstance(values[0], list):
        raise PolicyError("extensions is not an array of {name, key, value}%s"
                          % (" (the rule is undefined)" if not values else ""))
    out, names, keys = [], set(), set()
    for item in values[0]:
        if not isinstance(item, dict) or not isinstance(item.get("name"), str) \
                or not _is_int(item.get("key")) or not -2**31 <= item["key"] < 2**31 \
                or "value" not in item:
            raise PolicyError("extension %s is not {name: string, key: i32, value}"
                              % (item,))
        if item["name"] in names or item["key"] in keys:
            raise PolicyError("extension %s (key %d) is registered twice"
                              % (item["name"], item["key"]))
        names.add(item["name"])
        keys.add(item["key"])
        out.append((item["name"], item["key"], item["value"]))
    return out


def tier(value):
    """The EAR tier of one trust claim value (rust-ear)."""
    if -1 <= value <= 1:
        return "none"
    if -32 <= value <= 31:
        return "affirming"
    if -96 <= value <= 95:
        return "warning"
    return "contraindicated"


def ear_status(vector):
    """The worst tier over all eight claims; an unset claim counts as 0."""
    worst = "none"
    for name in CLAIM_NAMES:
        t = tier(vector.get(name, 0))
        if TIERS.index(t) > TIERS.index(worst):
            worst = t
    return worst


# ---------------------------------------------------------------- resources

def resource_data(profile, extra, query):
    """The data document of a resource request: path extra = repo/type/tag, query a dict."""
    if profile.resource_path_string:
        return {"resource-path": "resource/" + extra}
    return {"plugin": "resource", "resource-path": extra.split("/"), "query": query}


def resource_allowed(profile, text, ear_claims, data):
    """Whether the resource policy allows; PolicyError where the KBS fails instead."""
    results, _ = _evaluate(profile, text, ["allow"], ear_claims, data, False)
    allow = results["allow"]
    if allow and isinstance(allow[0], bool):
        return allow[0]
    if profile.strict_allow:
        raise PolicyError("query did not produce any values" if not allow else
                          "data.policy.allow is not a boolean: %s" % (allow[0],))
    return False
