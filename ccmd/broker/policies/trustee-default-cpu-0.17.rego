# SPDX-License-Identifier: LGPL-2.1-or-later
#
# Trustee 0.17 and 0.18: the judgement of its stock default_cpu attestation policy, restated by
# ccm in its own words from the release's sources (their logic, not their text). ccm
# installs it under ccm-attestation.rego (see that file): every guest ccm did not register
# gets exactly the trust vector the stock policy gives it.
#
# Claim rules are called stock_<claim>; reference values are read through rv(NAME), which
# the including policy defines (Trustee's query_reference_value, or ccm's per-guest values).
# Semantics relied on (regorus, as Trustee runs it): a bare path passes when it is defined
# and not false; "x in list" is false for a missing (null) reference value; "==" never
# matches across JSON types; ">=" orders across types with null lowest.
#
# Differences between the releases ccm supports:
#   0.16         publishes "result"; no extensions
#   0.17, 0.18   publishes "trust_claims" and the ear.trustee.identifiers extension
#   0.19         TDX hardware no longer checks mr_seam and tcb_svn; Azure TDX checks tcb_status
#   0.20, 0.21   Azure blocks under their real (hyphenated) keys; TPM checks its AK; IBM SE
# The Azure blocks of 0.16 to 0.19 are guarded by keys no verifier produces
# (az_snp_vtpm, az_tdx_vtpm) and are kept as such: identical for every input.
package policy

import rego.v1

default stock_executables := 33

default stock_hardware := 97

default stock_configuration := 36

default stock_file_system := 0

default stock_instance_identity := 0

default stock_runtime_opaque := 0

default stock_storage_opaque := 0

default stock_sourced_data := 0

# ---- Trustee's sample TEE --------------------------------------------------------------

stock_executables := 3 if {
	input.sample
	input.sample.launch_digest in rv("launch_digest")
}

stock_hardware := 2 if {
	input.sample
	input.sample.svn in rv("svn")
	input.sample.platform_version.major == rv("major_version")
	input.sample.platform_version.minor >= rv("minimum_minor_version")
}

stock_configuration := 2 if {
	input.sample
	input.sample.debug == false
}

# ---- AMD SEV-SNP ------------------------------------------------------------------------

stock_executables := 3 if {
	input.snp
	input.snp.measurement in rv("snp_launch_measurement")
}

# Each reported TCB component must be one of its own registered values.
stock_hardware := 2 if {
	input.snp
	input.snp.reported_tcb_bootloader in rv("snp_bootloader")
	input.snp.reported_tcb_microcode in rv("snp_microcode")
	input.snp.reported_tcb_snp in rv("snp_snp_svn")
	input.snp.reported_tcb_tee in rv("snp_tee_svn")
}

# 2 when the platform and policy flags equal their registered scalars; 3 for any guest
# without debug and migration agent.
stock_configuration := 2 if {
	input.snp
	input.snp.policy_debug_allowed == false
	input.snp.policy_migrate_ma == false
	input.snp.platform_smt_enabled == rv("snp_smt_enabled")
	input.snp.platform_tsme_enabled == rv("snp_tsme_enabled")
	input.snp.policy_abi_major == rv("snp_guest_abi_major")
	input.snp.policy_abi_minor == rv("snp_guest_abi_minor")
	input.snp.policy_single_socket == rv("snp_single_socket")
	input.snp.policy_smt_allowed == rv("snp_smt_allowed")
} else := 3 if {
	input.snp
	input.snp.policy_debug_allowed == false
	input.snp.policy_migrate_ma == false
}

# ---- Intel TDX --------------------------------------------------------------------------

# 3 with RTMR1, RTMR2 and the kernel and command line events of the CCEL all registered;
# 4 with the RTMRs alone.
stock_executables := 3 if {
	input.tdx
	input.tdx.quote.body.rtmr_1 in rv("rtmr_1")
	input.tdx.quote.body.rtmr_2 in rv("rtmr_2")
	stock_tdx_kernel_event
	stock_tdx_cmdline_event
} else := 4 if {
	input.tdx
	input.tdx.quote.body.rtmr_1 in rv("rtmr_1")
	input.tdx.quote.body.rtmr_2 in rv("rtmr_2")
}

stock_tdx_kernel_event if {
	some event in input.tdx.uefi_event_logs
	event.type_name == "EV_EFI_BOOT_SERVICES_APPLICATION"
	"File(kernel)" in event.details.device_paths
	some entry in event.digests
	entry.digest == rv("tdvfkernel")
}

stock_tdx_cmdline_event if {
	some event in input.tdx.uefi_event_logs
	event.type_name == "EV_EVENT_TAG"
	event.details.string == "LOADED_IMAGE::LoadOptions"
	some entry in event.digests
	entry.digest == rv("tdvfkernelparams")
}

stock_hardware := 2 if {
	input.tdx
	input.tdx.quote.header.tee_type == "81000000"
	input.tdx.quote.header.vendor_id == "939a7233f79c4ca9940a0db3957f0607"
	input.tdx.quote.body.mr_seam in rv("mr_seam")
	input.tdx.quote.body.tcb_svn in rv("tcb_svn")
	input.tdx.quote.body.mr_td in rv("mr_td")
	input.tdx.tcb_status == "UpToDate"
	input.tdx.collateral_expiration_status == "0"
}

stock_configuration := 2 if {
	input.tdx
	input.tdx.td_attributes.debug == false
	input.tdx.quote.body.xfam in rv("xfam")
}

# ---- Azure SEV-SNP vTPM (guard key: az_snp_vtpm, which no verifier produces) ----------------------------------------

stock_executables := 3 if {
	input.az_snp_vtpm
	input.az_snp_vtpm.measurement in rv("measurement")
	input.az_snp_vtpm.tpm.pcr11 in rv("snp_pcr11")
}

stock_hardware := 2 if {
	input.az_snp_vtpm
	input.az_snp_vtpm.reported_tcb_bootloader in rv("tcb_bootloader")
	input.az_snp_vtpm.reported_tcb_microcode in rv("tcb_microcode")
	input.az_snp_vtpm.reported_tcb_snp in rv("tcb_snp")
	input.az_snp_vtpm.reported_tcb_tee in rv("tcb_tee")
}

stock_configuration := 2 if {
	input.az_snp_vtpm
	input.az_snp_vtpm.platform_smt_enabled in rv("smt_enabled")
	input.az_snp_vtpm.platform_tsme_enabled in rv("tsme_enabled")
	input.az_snp_vtpm.policy_abi_major in rv("abi_major")
	input.az_snp_vtpm.policy_abi_minor in rv("abi_minor")
	input.az_snp_vtpm.policy_single_socket in rv("single_socket")
	input.az_snp_vtpm.policy_smt_allowed in rv("smt_allowed")
}

# ---- Azure TDX vTPM (guard key: az_tdx_vtpm, which no verifier produces) --------------------------------------------

stock_executables := 3 if {
	input.az_tdx_vtpm
	input.az_tdx_vtpm.tpm.pcr11 in rv("tdx_pcr11")
}

stock_hardware := 2 if {
	input.az_tdx_vtpm
	input.az_tdx_vtpm.quote.header.tee_type == "81000000"
	input.az_tdx_vtpm.quote.header.vendor_id == "939a7233f79c4ca9940a0db3957f0607"
	input.az_tdx_vtpm.quote.body.mr_seam in rv("mr_seam")
	input.az_tdx_vtpm.quote.body.tcb_svn in rv("tcb_svn")
	input.az_tdx_vtpm.quote.body.mr_td in rv("mr_td")
}

stock_configuration := 2 if {
	input.az_tdx_vtpm
	input.az_tdx_vtpm.quote.body.xfam in rv("xfam")
}

# ---- TPM --------------------------------------------------------------------------------

stock_executables := 3 if {
	input.tpm
	input.tpm.pcr11 in rv("tpm_pcr11")
}

stock_hardware := 2 if input.tpm

stock_configuration := 0 if input.tpm

# ---- extensions ------------------------------------------------------------------------------

# One ear.trustee.identifiers extension (key -18) naming the container images and user ids
# of the agent policy in the guest's initdata, when there are any.
stock_extensions := [{
	"name": "ear.trustee.identifiers",
	"key": -18,
	"value": {"validated": object.union_n([stock_images_part, stock_uids_part])},
}]

stock_images := [image |
	some container in input.init_data_claims.agent_policy_claims.containers
	image := container.OCI.Annotations["io.kubernetes.cri.image-name"]
]

stock_uids := [uid |
	some container in input.init_data_claims.agent_policy_claims.containers
	uid := container.OCI.Process.User.UID
]

stock_images_part := {"container_images": stock_images} if {
	count(stock_images) > 0
} else := {}

stock_uids_part := {"container_uids": stock_uids} if {
	count(stock_uids) > 0
} else := {}
