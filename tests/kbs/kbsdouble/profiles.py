# SPDX-License-Identifier: LGPL-2.1-or-later
# profiles.py - the Trustee releases the double imitates, and what differs between them.
"""One Profile per Trustee release (v0.16 ... v0.21); every version-dependent decision of
the double asks its Profile, so the differences are listed here and nowhere else.

Sources: Trustee's tags v0.16.0 ... v0.21.0 and the regorus and rust-ear releases they
pin (see README.md, "Behaviour per release").
"""

NAMES = ("v0.16", "v0.17", "v0.18", "v0.19", "v0.20", "v0.21")
DEFAULT = "v0.21"

# Releases whose stock default_cpu logic differs; ccm restates each in
# ccmd/broker/policies/trustee-default-cpu-0.<N>.rego.
STOCK_CPU_RELEASES = (16, 17, 19, 20)


class Profile:
    """The behaviour of one Trustee release."""

    def __init__(self, name):
        if name not in NAMES:
            raise ValueError("unknown profile %r (one of %s)" % (name, ", ".join(NAMES)))
        self.name = name
        self.minor = int(name.split(".")[1])
        m = self.minor
        # Admin API: v0.21 authenticates bearer JWTs and authorizes roles through regex
        # ACLs; v0.16-v0.20 accept any token signed by a configured key (exp required).
        self.admin_roles = m >= 21
        # regorus 0.2.8 (v0.16) parses Rego v0 unless the policy imports rego.v1;
        # regorus 0.5 and later (v0.17+) parse Rego v1 only.
        self.rego_v1_default = m >= 17
        # The attestation service reads data.policy.result (v0.16) or
        # data.policy.trust_claims plus data.policy.extensions (v0.17+).
        self.claims_rule = "result" if m == 16 else "trust_claims"
        self.reads_extensions = m >= 17
        # v0.19+: a policy without trust_claims gives all claims 0 (status none) and a token.
        self.missing_claims_tolerated = m >= 19
        # v0.16-v0.18 parse a policy when it is set (and refuse a broken one); v0.19-v0.21
        # store any text and fail at evaluation.
        self.validates_policies = m <= 18
        # ...and check attestation policy ids (alphanumerics, '_' and '-').
        self.checks_policy_id = m <= 18
        # Resource policy: v0.16-v0.18 read allow with eval_bool_query (undefined or not a
        # boolean is an error); v0.19+ treat that as false.
        self.strict_allow = m <= 18
        # Resource policy data: v0.16 {"resource-path": "resource/<repo>/<type>/<tag>"};
        # v0.17+ {"plugin", "resource-path": [segments], "query"}.
        self.resource_path_string = m == 16
        # GET resource-policy: the policy text (base64url) up to v0.18, a list of ids after.
        self.resource_policy_readable = m <= 18
        # SEV-SNP measurement, HOST_DATA and REPORT_DATA claims: standard base64 up to
        # v0.17, lowercase hex from v0.18.
        self.snp_encoding = "base64" if m <= 17 else "hex"
        # v0.21 adds "iss" to the EAR.
        self.ear_issuer = m >= 21
        # Error variants of the KBS: v0.16-v0.18 wrap every resource-policy failure as
        # PolicyEngine; v0.19+ say ParsePolicyError (set) and PolicyEngineError (evaluate).
        self.legacy_policy_errors = m <= 18
        self.stock_cpu_release = max(n for n in STOCK_CPU_RELEASES if n <= m)
        # The stock default resource policy: v0 syntax and any plugin in v0.16; the
        # "resource" plugin only from v0.17.
        self.stock_resource_release = 16 if m == 16 else 17

    def __str__(self):
        return self.name
