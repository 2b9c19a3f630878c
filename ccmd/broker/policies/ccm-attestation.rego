# SPDX-License-Identifier: LGPL-2.1-or-later
#
# ccm's attestation policy for Trustee's attestation service, installed as default_cpu
# (the one policy Trustee judges every CPU guest with) when [Registration]
# Policies=install (ccmd.conf(5)) or by `ccmctl register --resource-policy`.
#
# It has two parts. Below the line that names a trustee-default-cpu-0.N.rego file is
# Trustee's own default judgement of that release, restated in our words with its claim
# rules called stock_*; ccm installs the restatement of the broker's release. This part
# decides for the guests ccm registered values for, and otherwise hands every claim to
# the stock part unchanged: a guest ccm did not register is judged exactly as the stock
# default_cpu would judge it.
#
# A guest's identity is what the host set at launch and the hardware reports, moved by
# Trustee to input.init_data: SEV-SNP HOST_DATA, TDX MRCONFIGID, the Arm CCA realm
# personalization value. ccm registers a guest's expected values under names of its own,
# ccm/<key>/<name>, where <key> is that claim made safe for a name (base64 -> base64url
# without padding; hex stays hex), each a list of values in the claim's encoding:
#   SEV-SNP  snp_launch_measurement
#   TDX      mr_td, and with direct boot rtmr_1 and rtmr_2
#   CCA      cca.realm.cca-realm-initial-measurement, cca.realm.cca-realm-hash-algo-id
# A guest is ccm's when ccm holds a non-empty list under its key. For ccm's guests:
#   - executables is 3 when every value ccm registered equals the reported one, else 33;
#   - instance-identity is 2 when they all match (the resource policy releases ccm's
#     repositories only with that mark), else the stock value;
#   - every reference value the stock rules read under the names above is ccm's
#     per-guest list instead of the broker-wide one (e.g. TDX's mr_td in the hardware
#     claim); the platform checks (TCB, debug, collateral) stay the stock ones;
#   - an Arm CCA realm, which the stock policy does not judge at all, gets hardware 2
#     (the CCA verifier appraised its platform token) and configuration 2 when it matches.
package policy

import rego.v1

# ---- the guest's key and its claims under ccm's names -----------------------------------

ccm_key := replace(replace(trim_right(input.init_data, "="), "+", "-"), "/", "_")

ccm_reported := {"snp_launch_measurement": input.snp.measurement} if input.snp

ccm_reported := {
	"mr_td": input.tdx.quote.body.mr_td,
	"rtmr_1": input.tdx.quote.body.rtmr_1,
	"rtmr_2": input.tdx.quote.body.rtmr_2,
} if input.tdx

ccm_reported := {
	"cca.realm.cca-realm-initial-measurement": input.cca.realm["cca-realm-initial-measurement"],
	"cca.realm.cca-realm-hash-algo-id": input.cca.realm["cca-realm-hash-algo-id"],
} if input.cca

ccm_value(name) := query_reference_value(concat("/", ["ccm", ccm_key, name]))

ccm_registered(value) if {
	is_array(value)
	count(value) > 0
}

# A guest ccm holds values for.
ccm_guest if {
	some name, _ in ccm_reported
	ccm_registered(ccm_value(name))
}

# Every value ccm holds for the guest is the reported one (names without values do not
# count; at least one has, by ccm_guest).
ccm_matches if {
	ccm_guest
	every name, reported in ccm_reported {
		ccm_accepts(ccm_value(name), reported)
	}
}

ccm_accepts(expected, reported) if {
	ccm_registered(expected)
	reported in expected
}

ccm_accepts(expected, _) if not ccm_registered(expected)

# ---- what the stock rules read ------------------------------------------------------------

rv(name) := ccm_value(name) if {
	ccm_guest
	ccm_reported[name]
} else := query_reference_value(name)

# ---- the claims ---------------------------------------------------------------------------

executables := 3 if {
	ccm_matches
} else := 33 if {
	ccm_guest
} else := stock_executables

instance_identity := 2 if {
	ccm_matches
} else := stock_instance_identity

hardware := 2 if {
	input.cca
	ccm_matches
} else := stock_hardware

configuration := 2 if {
	input.cca
	ccm_matches
} else := stock_configuration

file_system := stock_file_system

runtime_opaque := stock_runtime_opaque

storage_opaque := stock_storage_opaque

sourced_data := stock_sourced_data

# Trustee 0.16 reads "result", 0.17 and later "trust_claims"; each ignores the other.
trust_claims := {
	"executables": executables,
	"hardware": hardware,
	"configuration": configuration,
	"file-system": file_system,
	"instance-identity": instance_identity,
	"runtime-opaque": runtime_opaque,
	"storage-opaque": storage_opaque,
	"sourced-data": sourced_data,
}

result := trust_claims

extensions := stock_extensions
