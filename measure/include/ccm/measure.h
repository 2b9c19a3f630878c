/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * ccm/measure.h - libccm-measure: expected launch measurements of confidential VMs
 *
 * This is the only installed header of libccm-measure. It is plain C99 and uses no
 * GLib or OpenSSL types. Every function that can fail returns a negative errno value
 * and, when the caller passes a CcmError, a one-sentence message naming the file or
 * parameter at fault. Output parameters are named ret_* and are left untouched on
 * failure. See libccm-measure(3).
 */
#ifndef CCM_MEASURE_H
#define CCM_MEASURE_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__) && __GNUC__ >= 4
#define CCM_PUBLIC __attribute__((visibility("default")))
#else
#define CCM_PUBLIC
#endif

#define CCM_MEASURE_VERSION_MAJOR 0
#define CCM_MEASURE_VERSION_MINOR 1

/* Digest sizes in bytes. */
#define CCM_SHA256_SIZE 32
#define CCM_SHA384_SIZE 48
#define CCM_SHA512_SIZE 64
#define CCM_DIGEST_MAX_SIZE 64

/* Size of the message buffer in CcmError, including the terminating NUL. */
#define CCM_ERROR_MESSAGE_SIZE 512

/**
 * CcmError - what went wrong, for callers that want more than an errno value
 * @code:    the negative errno value the function returned
 * @message: one sentence naming the file or parameter and what was expected
 */
typedef struct CcmError {
    int code;
    char message[CCM_ERROR_MESSAGE_SIZE];
} CcmError;

/* Confidential-computing platform. */
typedef enum CcmPlatform {
    CCM_PLATFORM_SEV = 0,
    CCM_PLATFORM_SEV_ES = 1,
    CCM_PLATFORM_SEV_SNP = 2,
} CcmPlatform;

/* The virtual machine monitor whose launch sequence is reproduced. */
typedef enum CcmVmm {
    CCM_VMM_QEMU = 0,      /* QEMU/KVM */
    CCM_VMM_EC2 = 1,       /* Amazon EC2 (RDX 0x600 in the VMSA) */
    CCM_VMM_GCE = 2,       /* Google Compute Engine */
    CCM_VMM_EC2_RDX0 = 3,  /* EC2 as older tools model it (RDX 0); compatibility only */
} CcmVmm;

/*
 * Which VMSA KVM builds for an SEV-ES guest. LEGACY is what KVM_SEV_ES_INIT produces
 * (no x87/SSE state): QEMU's default (legacy-vm-type=auto) and what libvirt validates.
 * INIT2 is KVM_SEV_INIT2 (host kernel >= 6.10, QEMU legacy-vm-type=off): MXCSR 0x1f80
 * and x87 FCW 0x37f. The default is LEGACY. SEV-SNP always uses INIT2.
 */
typedef enum CcmSevEsVmsa {
    CCM_SEV_ES_VMSA_LEGACY = 0,
    CCM_SEV_ES_VMSA_INIT2 = 1,
} CcmSevEsVmsa;

/* SEV-SNP PAGE_INFO page types (SNP_LAUNCH_UPDATE). */
typedef enum CcmSnpPageType {
    CCM_SNP_PAGE_NORMAL = 1,
    CCM_SNP_PAGE_VMSA = 2,
    CCM_SNP_PAGE_ZERO = 3,
    CCM_SNP_PAGE_UNMEASURED = 4,
    CCM_SNP_PAGE_SECRETS = 5,
    CCM_SNP_PAGE_CPUID = 6,
} CcmSnpPageType;

/* Section types of OVMF's SEV metadata table. */
typedef enum CcmSevSectionType {
    CCM_SEV_SECTION_SNP_SEC_MEM = 1,
    CCM_SEV_SECTION_SNP_SECRETS = 2,
    CCM_SEV_SECTION_CPUID = 3,
    CCM_SEV_SECTION_SVSM_CAA = 4,
    CCM_SEV_SECTION_SNP_KERNEL_HASHES = 0x10,
} CcmSevSectionType;

/* Name <-> value. *_to_string() returns NULL for a value out of range;
 * *_from_string() returns the value, or -EINVAL for an unknown name. */
CCM_PUBLIC const char *ccm_platform_to_string(CcmPlatform platform);
CCM_PUBLIC int ccm_platform_from_string(const char *name);
CCM_PUBLIC const char *ccm_vmm_to_string(CcmVmm vmm);
CCM_PUBLIC int ccm_vmm_from_string(const char *name);
CCM_PUBLIC const char *ccm_sev_es_vmsa_to_string(CcmSevEsVmsa vmsa);
CCM_PUBLIC int ccm_sev_es_vmsa_from_string(const char *name);
CCM_PUBLIC const char *ccm_snp_page_type_to_string(CcmSnpPageType type);
CCM_PUBLIC const char *ccm_sev_section_type_to_string(CcmSevSectionType type);

/* ---- vCPU models ------------------------------------------------------------- */

/**
 * ccm_vcpu_signature_from_model() - CPUID(1).EAX of a QEMU -cpu model
 * @model: a QEMU model name such as "EPYC-Milan" or "EPYC-Genoa-v2" (case-sensitive)
 *
 * Return: 0 and *ret_signature on success, -ENOENT for a model ccm does not know.
 */
CCM_PUBLIC int ccm_vcpu_signature_from_model(const char *model, uint32_t *ret_signature);

/**
 * ccm_vcpu_model_name() - the @index-th base model name ("EPYC", "EPYC-Rome", ...)
 *
 * Return: the name, or NULL past the end. Each base name also accepts "-vN" suffixes.
 */
CCM_PUBLIC const char *ccm_vcpu_model_name(size_t index);

/* ---- Firmware images ---------------------------------------------------------- */

typedef struct CcmFirmware CcmFirmware;

/* One item of the SEV metadata table, in table order. */
typedef struct CcmSevSection {
    uint32_t gpa;
    uint32_t size;
    uint32_t type;  /* CcmSevSectionType */
} CcmSevSection;

/**
 * ccm_firmware_open() - map and parse an OVMF image
 * @path: the image (the -bios file, or the CODE part of a split pflash pair)
 *
 * Parses the GUIDed footer table and, where present, the SEV-ES reset block, the SEV
 * metadata and the kernel-hashes area. A truncated, foreign or corrupt image fails
 * with -EBADMSG (or -EFBIG, -ENOENT, -EISDIR ...) and a message naming @path.
 */
CCM_PUBLIC int ccm_firmware_open(const char *path, CcmFirmware **ret, CcmError *reterr);

/**
 * ccm_firmware_new_from_data() - parse an image held in memory (copied)
 * @name: how messages refer to the image
 */
CCM_PUBLIC int ccm_firmware_new_from_data(const void *data, size_t size, const char *name,
                                          CcmFirmware **ret, CcmError *reterr);

CCM_PUBLIC CcmFirmware *ccm_firmware_ref(CcmFirmware *firmware);
CCM_PUBLIC void ccm_firmware_unref(CcmFirmware *firmware);

CCM_PUBLIC const char *ccm_firmware_name(const CcmFirmware *firmware);
CCM_PUBLIC uint64_t ccm_firmware_size(const CcmFirmware *firmware);
/* Guest-physical address of the first byte: the image ends at 4 GiB. */
CCM_PUBLIC uint64_t ccm_firmware_gpa(const CcmFirmware *firmware);

/* Return: 0, or -ENOENT if the image has no SEV-ES reset block. */
CCM_PUBLIC int ccm_firmware_sev_es_reset_address(const CcmFirmware *firmware,
                                                 uint32_t *ret_address);
/* Return: 0, or -ENOENT if the image has no SEV hash-table block or it is empty. */
CCM_PUBLIC int ccm_firmware_kernel_hashes_area(const CcmFirmware *firmware,
                                               uint32_t *ret_base, uint32_t *ret_size);
/* Number of SEV metadata sections (0 when the image has no SEV metadata). */
CCM_PUBLIC size_t ccm_firmware_n_sev_sections(const CcmFirmware *firmware);
CCM_PUBLIC int ccm_firmware_sev_section(const CcmFirmware *firmware, size_t index,
                                        CcmSevSection *ret_section);

/**
 * ccm_firmware_snp_digest() - the SEV-SNP launch digest after the firmware pages
 * @ret_digest: 48 bytes
 *
 * This is the value `ccmctl measure --output firmware-digest` prints and that
 * ccm_sev_guest_set_firmware_digest() takes back. Computed once per firmware object.
 */
CCM_PUBLIC int ccm_firmware_snp_digest(CcmFirmware *firmware, uint8_t *ret_digest,
                                       CcmError *reterr);

/* ---- Measurement steps (the explanation) --------------------------------------- */

typedef enum CcmStepKind {
    CCM_STEP_SEED = 0,         /* SNP chain seeded with a precomputed firmware digest */
    CCM_STEP_PAGES = 1,        /* a range of 4 KiB pages added to the SNP chain */
    CCM_STEP_BYTES = 2,        /* bytes fed to the SEV/SEV-ES SHA-256 */
    CCM_STEP_KERNEL_HASH = 3,  /* one entry of the kernel-hashes table */
    CCM_STEP_VMSA = 4,         /* one vCPU's VMSA page */
    CCM_STEP_TDX_SECTION = 5,  /* one TDVF section added (and extended) into MRTD */
    CCM_STEP_CCA_REALM = 6,    /* Arm CCA: RIM0 from the RealmParams (RMI_REALM_CREATE) */
    CCM_STEP_CCA_RIPAS = 7,    /* one RIPAS descriptor: one RTT entry (RMM 1.0) */
    CCM_STEP_CCA_DATA = 8,     /* one DATA descriptor: one 4 KiB granule */
    CCM_STEP_CCA_REC = 9,      /* one REC descriptor: a runnable REC */
} CcmStepKind;

/**
 * CcmStep - one step of a measurement, handed to a CcmStepFunc
 * @kind:         what the step is
 * @stage:        firmware, the section type name, kernel-hashes, vmsa, ...
 * @detail:       the firmware, kernel or initrd name, the command line itself (cmdline
 *                kernel-hash entry), "kernel-hashes table", "BSP"/"AP", or NULL
 * @index:        section index, vCPU index, or 0
 * @gpa:          guest-physical address of the first page or byte (0 for pure data)
 * @size:         bytes covered
 * @n_pages:      4 KiB pages (CCM_STEP_PAGES, CCM_STEP_VMSA)
 * @page_type:    CcmSnpPageType for SNP pages, 0 otherwise
 * @content_hash: hash of the step's data (VMSA page, kernel-hash entry), or NULL
 * @digest:       running digest after this step, or NULL
 *
 * Pointers are valid only during the callback.
 */
typedef struct CcmStep {
    CcmStepKind kind;
    const char *stage;
    const char *detail;
    uint32_t index;
    uint64_t gpa;
    uint64_t size;
    uint64_t n_pages;
    int page_type;
    const uint8_t *content_hash;
    size_t content_hash_size;
    const uint8_t *digest;
    size_t digest_size;
} CcmStep;

typedef void (*CcmStepFunc)(const CcmStep *step, void *userdata);

/* ---- SEV / SEV-ES / SEV-SNP guests -------------------------------------------- */

typedef struct CcmSevGuest CcmSevGuest;

CCM_PUBLIC int ccm_sev_guest_new(CcmPlatform platform, CcmSevGuest **ret);
CCM_PUBLIC void ccm_sev_guest_free(CcmSevGuest *guest);

/* The guest takes its own reference on @firmware. */
CCM_PUBLIC int ccm_sev_guest_set_firmware(CcmSevGuest *guest, CcmFirmware *firmware);
CCM_PUBLIC int ccm_sev_guest_set_vmm(CcmSevGuest *guest, CcmVmm vmm);
/* Boot vCPUs (-smp N); 1 to 4096. */
CCM_PUBLIC int ccm_sev_guest_set_vcpus(CcmSevGuest *guest, unsigned vcpus);
/* CPUID(1).EAX of the guest's -cpu model, put in each VMSA's RDX (QEMU only). */
CCM_PUBLIC int ccm_sev_guest_set_vcpu_signature(CcmSevGuest *guest, uint32_t signature);
/* SEV_FEATURES of SNP VMSAs; default 0x1 (QEMU on a host kernel >= 6.10). */
CCM_PUBLIC int ccm_sev_guest_set_guest_features(CcmSevGuest *guest, uint64_t features);
CCM_PUBLIC int ccm_sev_guest_set_sev_es_vmsa(CcmSevGuest *guest, CcmSevEsVmsa vmsa);

/*
 * Measured direct boot (QEMU kernel-hashes=on). The kernel and initrd are hashed with
 * SHA-256 as given; a caller that already knows a file's SHA-256 may pass it instead.
 * @cmdline may be NULL (no -append): it is hashed with one trailing NUL either way.
 */
CCM_PUBLIC int ccm_sev_guest_set_kernel(CcmSevGuest *guest, const char *path);
CCM_PUBLIC int ccm_sev_guest_set_kernel_sha256(CcmSevGuest *guest, const char *name,
                                               const uint8_t *sha256);
CCM_PUBLIC int ccm_sev_guest_set_initrd(CcmSevGuest *guest, const char *path);
CCM_PUBLIC int ccm_sev_guest_set_initrd_sha256(CcmSevGuest *guest, const char *name,
                                               const uint8_t *sha256);
CCM_PUBLIC int ccm_sev_guest_set_cmdline(CcmSevGuest *guest, const char *cmdline);

/* SNP only: start from a precomputed firmware digest (48 bytes) instead of hashing
 * the firmware pages. The firmware's table is still read. */
CCM_PUBLIC int ccm_sev_guest_set_firmware_digest(CcmSevGuest *guest, const uint8_t *digest,
                                                 size_t size);

/* Called once per step during ccm_sev_guest_measure(); NULL to disable. */
CCM_PUBLIC void ccm_sev_guest_set_step_callback(CcmSevGuest *guest, CcmStepFunc func,
                                                void *userdata);

/**
 * ccm_sev_guest_measure() - compute the expected launch digest
 * @ret_digest:      at least CCM_DIGEST_MAX_SIZE bytes
 * @ret_digest_size: 48 for SEV-SNP, 32 for SEV and SEV-ES
 *
 * Return: 0, or a negative errno value with @reterr describing the input at fault.
 */
CCM_PUBLIC int ccm_sev_guest_measure(CcmSevGuest *guest, uint8_t *ret_digest,
                                     size_t *ret_digest_size, CcmError *reterr);

/* ---- Intel TDX ------------------------------------------------------------------ */

/* Section types of the TDVF descriptor (TDX metadata) of a firmware image. */
typedef enum CcmTdvfSectionType {
    CCM_TDVF_SECTION_BFV = 0,           /* boot firmware volume (code) */
    CCM_TDVF_SECTION_CFV = 1,           /* configuration firmware volume (varstore) */
    CCM_TDVF_SECTION_TD_HOB = 2,
    CCM_TDVF_SECTION_TEMP_MEM = 3,
    CCM_TDVF_SECTION_PERM_MEM = 4,
    CCM_TDVF_SECTION_PAYLOAD = 5,
    CCM_TDVF_SECTION_PAYLOAD_PARAM = 6,
} CcmTdvfSectionType;

#define CCM_TDVF_ATTR_MR_EXTEND 0x1u    /* the content is measured (TDH.MR.EXTEND) */
#define CCM_TDVF_ATTR_PAGE_AUG 0x2u     /* accepted later by the guest: not in MRTD */

typedef struct CcmTdvfSection {
    uint32_t raw_offset;   /* in the file */
    uint32_t raw_size;
    uint64_t gpa;
    uint64_t mem_size;
    uint32_t type;         /* CcmTdvfSectionType */
    uint32_t attributes;
} CcmTdvfSection;

CCM_PUBLIC const char *ccm_tdvf_section_type_to_string(CcmTdvfSectionType type);

/*
 * The order in which the host's KVM issues TDH.MEM.PAGE.ADD and TDH.MR.EXTEND inside a
 * section. Per page: upstream KVM with QEMU 10.1+, and most QEMU 9 / 7.2 stacks. Per
 * section: the QEMU 8.2 stacks (Canonical noble, Intel tdx-qemu-upstream-v5).
 */
typedef enum CcmTdxPageOrder {
    CCM_TDX_PAGE_ORDER_PER_PAGE = 0,
    CCM_TDX_PAGE_ORDER_PER_SECTION = 1,
} CcmTdxPageOrder;

CCM_PUBLIC const char *ccm_tdx_page_order_to_string(CcmTdxPageOrder order);
CCM_PUBLIC int ccm_tdx_page_order_from_string(const char *name);

/**
 * ccm_tdx_mrtd() - the MRTD a TD booted from @image will report
 * @name: the image's name, for messages
 * @sections, @n_sections: if not NULL, receive the parsed TDVF sections (up to 32)
 * @step: called once per section with the running MRTD (CCM_STEP_TDX_SECTION), or NULL
 * @ret_mrtd: 48 bytes
 *
 * MRTD depends only on the firmware and the host's page order (tdx.md §2).
 * Return: 0; -ENOENT for an image without TDX metadata; -EBADMSG for metadata that does
 * not hold together (the message names the image and the section).
 */
CCM_PUBLIC int ccm_tdx_mrtd(const void *image, size_t size, const char *name,
                            CcmTdxPageOrder order, CcmStepFunc step, void *userdata,
                            CcmTdvfSection *sections, size_t *n_sections, uint8_t *ret_mrtd,
                            CcmError *reterr);

/* ---- TDX RTMR0: the events that come from the firmware and the RAM size ---- */

/**
 * ccm_tdx_td_hob_digest() - the digest of RTMR0's TD HOB event (EV_EFI_HANDOFF_TABLES2)
 * @sections, @n: the firmware's TDVF sections (ccm_tdx_mrtd() returns them)
 * @ram_size: the TD's RAM in bytes (QEMU -m)
 *
 * SHA-384 of the HOB list QEMU writes (tdx.md §3.2): the PHIT HOB, then one resource
 * HOB per TD_HOB/TempMem section below the low-RAM limit (accepted memory), one per gap
 * (unaccepted), and one for RAM above 4 GiB; without the end-of-list HOB. Models the
 * simple q35 layout: one RAM range split at 2 GiB when RAM is 2.75 GiB or more.
 */
CCM_PUBLIC int ccm_tdx_td_hob_digest(const CcmTdvfSection *sections, size_t n,
                                     uint64_t ram_size, uint8_t *ret_digest, CcmError *reterr);

/* The digest of RTMR0's CFV event: SHA-384 of the configuration volume as in the file. */
CCM_PUBLIC int ccm_tdx_cfv_digest(const void *image, size_t size, const CcmTdvfSection *sections,
                                  size_t n, uint8_t *ret_digest, CcmError *reterr);

/**
 * ccm_tdx_uefi_variable_digest() - SHA-384 of a UEFI_VARIABLE_DATA record
 * @vendor: the variable's vendor GUID, 16 bytes in EFI byte order
 * @name: ASCII name (measured as UTF-16LE, without the NUL)
 *
 * What RTMR0's EV_EFI_VARIABLE_DRIVER_CONFIG events (SecureBoot, PK, KEK, db, dbx)
 * hash; a variable that is not set is measured with @size 0.
 */
CCM_PUBLIC int ccm_tdx_uefi_variable_digest(const uint8_t *vendor, const char *name,
                                            const void *data, size_t size, uint8_t *ret_digest);

#define CCM_ACPI_RSDP_SIZE 20
#define CCM_ACPI_LOADER_SIZE 4096

/**
 * ccm_tdx_acpi_derive() - QEMU's etc/acpi/rsdp and etc/table-loader for a tables blob
 * @tables: QEMU's etc/acpi/tables fw_cfg file, as served (before the firmware patches it)
 *
 * Rebuilds the two small fw_cfg files from the tables alone, with the rule QEMU's q35
 * ACPI builder follows (RSDT, 32-bit RSDP; tdx.md §4.4): to check blobs captured or
 * dumped elsewhere, or to stand in for them. -EBADMSG for a blob whose tables do not
 * hold together; -ENOTSUP for one this rule does not cover (no RSDT, an XSDT, no FACP).
 */
CCM_PUBLIC int ccm_tdx_acpi_derive(const void *tables, size_t size, uint8_t *ret_rsdp,
                                   uint8_t *ret_loader, CcmError *reterr);

/* Where the OVMF release puts its events (tdx.md §3.2). */
typedef enum CcmTdxLayout {
    CCM_TDX_LAYOUT_EDK2_202411 = 0,     /* edk2-stable202411 to 202502 (Debian trixie) */
    CCM_TDX_LAYOUT_EDK2_PRE_202411 = 1, /* older: the ReadyToBoot separator in RTMR0 */
    CCM_TDX_LAYOUT_EDK2_202505 = 2,     /* edk2-stable202505 on: fw_cfg items, SMBIOS, new
                                         * boot options (docs/edk2-202505-events.md) */
} CcmTdxLayout;

CCM_PUBLIC const char *ccm_tdx_layout_to_string(CcmTdxLayout layout);
CCM_PUBLIC int ccm_tdx_layout_from_string(const char *name);

/* A firmware image we know by its SHA-384: which edk2 generation built it (tdx.md §7). */
typedef struct CcmTdxFirmwareProfile {
    const char *name;         /* e.g. "debian-trixie-ovmf-2025.02-8+deb13u1" */
    const char *file;         /* where the distribution installs it */
    CcmTdxLayout layout;
    int secure_boot_keys;     /* 1 when the varstore enrolls keys (Secure Boot on) */
    const char *sha384;       /* lowercase hex of the whole image */
    unsigned edk2_release;    /* the edk2-stable tag it was built from, YYYYMM (202608) */
    int inteltdx;             /* 1: OvmfPkg/IntelTdx (a TD only), 0: OvmfPkgX64 */
} CcmTdxFirmwareProfile;

/*
 * How a direct boot looks to the firmware, beyond the RTMR0 layout (docs/edk2-202505-events.md):
 * CCM_TDX_BOOT_KERNEL_FILE: OVMF measures the kernel file as QEMU read it (edk2 202502 on
 *   takes fw_cfg etc/boot/kernel, which QEMU 10.0 and later serve unpatched; QEMU 10.2 on
 *   no longer patches the header for a TD at all), not the setup header QEMU patched;
 * CCM_TDX_BOOT_INITRD_FIRST: OVMF puts "initrd=initrd " before the command line (edk2
 *   202508 on) instead of appending " initrd=initrd".
 */
#define CCM_TDX_BOOT_KERNEL_FILE 0x1u
#define CCM_TDX_BOOT_INITRD_FIRST 0x2u

/**
 * ccm_tdx_boot_flags() - the CCM_TDX_BOOT_* flags of a firmware on a QEMU release
 * @profile: the image's profile, or NULL (then @edk2_release, 0 when unknown, decides)
 * @qemu_major, @qemu_minor: the QEMU release, or -1 when unknown (then QEMU 10.2 or later,
 *   the upstream releases that launch TDs, is assumed)
 * @confidential: 1 for a TD, 0 for any other guest (a vTPM's): QEMU 10.2 and later leave
 *   the setup header unpatched for confidential guests only
 */
CCM_PUBLIC unsigned ccm_tdx_boot_flags(const CcmTdxFirmwareProfile *profile,
                                       unsigned edk2_release, int qemu_major, int qemu_minor,
                                       int confidential);

/**
 * ccm_tdx_kernel_event_digest() - the kernel event OVMF logs for a direct boot (SHA-384)
 * @flags: CCM_TDX_BOOT_* (ccm_tdx_boot_flags()): with CCM_TDX_BOOT_KERNEL_FILE the
 *   Authenticode of the file as it is, else of the kernel QEMU patched for @ram_size of RAM
 *   and an initrd of @initrd_size bytes (-1: none)
 */
CCM_PUBLIC int ccm_tdx_kernel_event_digest(const void *kernel, size_t size, unsigned flags,
                                           uint64_t ram_size, int64_t initrd_size,
                                           uint8_t *ret_digest, CcmError *reterr);

/**
 * ccm_tdx_firmware_profile_find() - the profile of @image, or NULL for an image we do
 * not know (then the caller chooses a layout and should say that it did)
 */
CCM_PUBLIC const CcmTdxFirmwareProfile *ccm_tdx_firmware_profile_find(const void *image,
                                                                      size_t size);

/* One predicted event; @known is 0 when its digest needs an input not given (ACPI). */
typedef struct CcmTdxPredictedEvent {
    uint32_t rtmr;
    uint32_t type;
    int known;
    uint8_t digest[CCM_SHA384_SIZE];
    const char *description;   /* static text */
} CcmTdxPredictedEvent;

#define CCM_TDX_MAX_PREDICTED 32 /* RTMR0 events; callers add RTMR1/2 after them */

/**
 * ccm_tdx_predict_rtmr0() - RTMR0's events for direct boot, in log order
 * @ram_size: the TD's RAM in bytes
 * @acpi: SHA-384 of etc/table-loader, etc/acpi/rsdp and etc/acpi/tables, or NULL (then
 *        those three events are listed with known = 0)
 * @ret_events: room for CCM_TDX_MAX_PREDICTED events
 *
 * TD HOB, CFV, the Secure Boot variables (read from the CFV's authenticated variable
 * store), the separator, the three ACPI blobs, BootOrder and Boot0000 (UiApp), and for
 * older OVMF the ReadyToBoot separator. With CCM_TDX_LAYOUT_EDK2_202505 also the fw_cfg
 * BootMenu and bootorder items after the CFV, an authority event (with Secure Boot keys)
 * and the SMBIOS table, both with known = 0 (their inputs are not given), and the boot
 * options of the image's edk2 release and build (data-only digests, as before).
 */
CCM_PUBLIC int ccm_tdx_predict_rtmr0(const void *image, size_t size, const char *name,
                                     uint64_t ram_size, CcmTdxLayout layout,
                                     const uint8_t acpi[3][CCM_SHA384_SIZE],
                                     CcmTdxPredictedEvent *ret_events, size_t *ret_n,
                                     CcmError *reterr);

/**
 * ccm_tdx_kernel_digest() - the digest of RTMR1's kernel event
 * @kernel: the bzImage file
 * @low_ram: the TD's RAM below 4 GiB (q35: RAM, or 2 GiB when RAM >= 2.75 GiB)
 * @initrd_size: the initrd's size, or -1 without one
 *
 * PE/COFF Authenticode SHA-384 of the kernel as QEMU hands it to the firmware, after it
 * patched the setup header (loader type, heap, command line and initrd placement; tdx.md
 * §3.3). -EBADMSG for a file that is not a bzImage with a PE header (EFI stub).
 */
CCM_PUBLIC int ccm_tdx_kernel_digest(const void *kernel, size_t size, uint64_t low_ram,
                                     int64_t initrd_size, uint8_t *ret_digest, CcmError *reterr);

/* RTMR2's command-line event digest: SHA-384 of @append (plus " initrd=initrd" when
 * @with_initrd) as UTF-16LE with its NUL, the way OVMF up to edk2 202505 passes the load
 * options. */
CCM_PUBLIC int ccm_tdx_cmdline_digest(const char *append, int with_initrd, uint8_t *ret_digest);
/* The same for either form: with CCM_TDX_BOOT_INITRD_FIRST in @flags, "initrd=initrd "
 * comes first (edk2 202508 on). */
CCM_PUBLIC int ccm_tdx_load_options_digest(const char *append, int with_initrd, unsigned flags,
                                           uint8_t *ret_digest);

/* PE/COFF Authenticode SHA-384 of the kernel file as it is (no header patch): what OVMF
 * measures when it loads fw_cfg etc/boot/kernel (CCM_TDX_BOOT_KERNEL_FILE). */
CCM_PUBLIC int ccm_tdx_kernel_file_digest(const void *kernel, size_t size, uint8_t *ret_digest,
                                          CcmError *reterr);

/* Both banks of a vTPM's PCR4 kernel event (@flags, @ram_size, @initrd_size as for
 * ccm_tdx_kernel_event_digest()); @ret_sha256 may be NULL. */
CCM_PUBLIC int ccm_uefi_kernel_event_digests(const void *kernel, size_t size, unsigned flags,
                                             uint64_t ram_size, int64_t initrd_size,
                                             uint8_t *ret_sha256, uint8_t *ret_sha384,
                                             CcmError *reterr);
/* Both banks of the load-options event (ccm_tdx_load_options_digest()); either may be
 * NULL. */
CCM_PUBLIC int ccm_uefi_load_options_digests(const char *append, int with_initrd,
                                             unsigned flags, uint8_t *ret_sha256,
                                             uint8_t *ret_sha384);

/**
 * ccm_tdx_predict_direct_boot() - RTMR1's and RTMR2's events of a direct kernel boot
 * @kernel: the bzImage as given to QEMU (the etc/boot/kernel file)
 * @ram_size: the TD's RAM in bytes
 * @initrd_size: the initrd's size, or -1 without one; @initrd_sha384 then its digest
 * @append: the command line, or NULL
 * @events, @capacity: where the events go; *@n counts them (appended after *@n)
 * @flags: CCM_TDX_BOOT_* (ccm_tdx_boot_flags())
 * @ret_stub_measures: set to 1 when the kernel's EFI stub measures RTMR2 (Linux 6.9+)
 *
 * The kernel (Authenticode after QEMU's header patch), the boot actions and, from
 * edk2-stable202411, the ReadyToBoot separator in RTMR1; the command line and initrd in
 * RTMR2 when the stub measures them.
 */
CCM_PUBLIC int ccm_tdx_predict_direct_boot(const void *kernel, size_t kernel_size,
                                           uint64_t ram_size, int64_t initrd_size,
                                           const uint8_t *initrd_sha384, const char *append,
                                           CcmTdxLayout layout, unsigned flags,
                                           CcmTdxPredictedEvent *events, size_t capacity,
                                           size_t *n, int *ret_stub_measures,
                                           CcmError *reterr);

/* The kernel's version from its setup header ("6.1.0-26-cloud-amd64 ..."), or NULL. */
CCM_PUBLIC char *ccm_tdx_kernel_version(const void *kernel, size_t size);

/* A TD's event log (CCEL, TCG2 crypto-agile) and the registers it replays to. */
typedef struct CcmTdxEvent {
    uint32_t rtmr;             /* 0..3; CCEL's MR index minus one */
    uint32_t type;             /* EV_* */
    uint8_t digest[CCM_SHA384_SIZE];
    const uint8_t *data;       /* the event data, inside the log */
    size_t data_size;
    size_t offset;             /* of the record in the log */
} CcmTdxEvent;

/**
 * ccm_tdx_event_log_parse() - the measured events of a CCEL log area
 * @ret_events: receives a malloc'd array (free() it) pointing into @log
 *
 * Reads the Spec ID event (which must list SHA-384), then every TCG_PCR_EVENT2 record
 * up to the end of the log (0xFF or zero fill). EV_NO_ACTION records and records for
 * MR index 0 or above 4 are skipped (not extended). Every size is checked against the
 * log: a truncated log or one that lies about sizes is -EBADMSG naming the offset.
 */
CCM_PUBLIC int ccm_tdx_event_log_parse(const void *log, size_t size, const char *name,
                                       CcmTdxEvent **ret_events, size_t *ret_n,
                                       CcmError *reterr);

/* A boot variable OVMF measures (EV_EFI_VARIABLE_BOOT): its digest covers @data alone. */
typedef struct CcmUefiBootVariable {
    const char *description;   /* "BootOrder (0000 0001)", "Boot0000 (BootManagerMenuApp)" */
    const uint8_t *data;       /* static */
    size_t size;
} CcmUefiBootVariable;

#define CCM_UEFI_MAX_BOOT_VARIABLES 4

/**
 * ccm_uefi_boot_variables() - the boot variables a direct boot measures at ReadyToBoot
 * @edk2_release: YYYYMM of the edk2-stable tag (202502, 202608, ...)
 * @inteltdx: 1 for the OvmfPkg/IntelTdx build, 0 for OvmfPkgX64 (which vTPM guests use)
 *
 * BootOrder, then each option in it, in log order (a TD's RTMR0, a vTPM's PCR1).
 * Return: how many (0 for IntelTdx 202605, which creates none).
 */
CCM_PUBLIC size_t ccm_uefi_boot_variables(unsigned edk2_release, int inteltdx,
                                          CcmUefiBootVariable ret[CCM_UEFI_MAX_BOOT_VARIABLES]);

/* A Secure Boot policy variable OVMF measures (EV_EFI_VARIABLE_DRIVER_CONFIG). */
typedef struct CcmUefiVariableEvent {
    const char *description;   /* "Secure Boot: PK" */
    uint8_t sha384[CCM_SHA384_SIZE];
    uint8_t sha256[CCM_SHA256_SIZE];
} CcmUefiVariableEvent;

#define CCM_UEFI_SECURE_BOOT_VARIABLES 5

/**
 * ccm_uefi_secure_boot_variables() - SecureBoot, PK, KEK, db and dbx as OVMF measures them
 * @varstore: the bytes holding the authenticated variable store: a TD's configuration
 *            volume (RTMR0) or a pflash VARS image (a vTPM's PCR7); NULL for none
 * @ret_secure: set to 1 when Secure Boot is on (PK enrolled, SecureBootEnable not 0)
 *
 * SHA-384 and SHA-256 of each UEFI_VARIABLE_DATA, in log order. Return: 0 or a negative
 * errno.
 */
CCM_PUBLIC int ccm_uefi_secure_boot_variables(const void *varstore, size_t size,
                                              CcmUefiVariableEvent ret[CCM_UEFI_SECURE_BOOT_VARIABLES],
                                              int *ret_secure);

/* Secure Boot off is measured as a SecureBoot variable of one byte 0, not as an absent one:
 * what OVMF 2022.11's Tcg2Dxe does (Debian bookworm's pflash builds, tests/data/vtpm). */
#define CCM_UEFI_SECURE_BOOT_OFF_AS_ZERO 0x1u
/* ccm_uefi_secure_boot_variables() with CCM_UEFI_SECURE_BOOT_* @flags. */
CCM_PUBLIC int ccm_uefi_secure_boot_variables_ex(const void *varstore, size_t size,
                                                 unsigned flags,
                                                 CcmUefiVariableEvent ret[CCM_UEFI_SECURE_BOOT_VARIABLES],
                                                 int *ret_secure);

/*
 * CcmUefiFirmwareBuild - an OVMF CODE image (a vTPM guest's firmware) ccm knows
 * @edk2_release: the edk2-stable tag it was built from, YYYYMM
 * @smm: 1 for an SMM build (SMM_REQUIRE: it negotiates SMI features with QEMU)
 * @vendor, @version, @date: its SMBIOS type-0 strings; @version is also PCR0's
 *   S_CRTM_VERSION ("" when the build set none); @vendor and @date NULL when not recorded
 * @secure_boot_flags: CCM_UEFI_SECURE_BOOT_* for ccm_uefi_secure_boot_variables_ex()
 * @pei_volume_as_built: 1 when PCR0's PEIFV digest is that of the volume as decompressed
 *   (ccm_uefi_firmware_volumes()); 0 when its PEI modules write their globals into it
 *   first (RAM size, QEMU version or SMM relocation values then change the digest)
 */
typedef struct CcmUefiFirmwareBuild {
    const char *name;
    const char *file;
    unsigned edk2_release;
    int smm;
    const char *vendor, *version, *date;
    const char *sha256;       /* lowercase hex of the whole image */
    int pei_volume_as_built;
    unsigned secure_boot_flags;
} CcmUefiFirmwareBuild;

/* The build @image (@size bytes) is, by its SHA-256, or NULL when ccm does not know it. */
CCM_PUBLIC const CcmUefiFirmwareBuild *ccm_uefi_firmware_build_find(const void *image,
                                                                     size_t size);

/**
 * ccm_uefi_smbios_digest() - the SMBIOS table event OVMF logs at ReadyToBoot (edk2 202505+)
 * @qemu_tables: QEMU's fw_cfg etc/smbios/smbios-tables, as served
 * @vendor, @version, @date: the firmware's type-0 strings (its PCDs), used when QEMU sends
 *                           no type 0
 * @ret_sha256: may be NULL
 *
 * The digests of the table OVMF installs, filtered as SmbiosMeasurementDxe filters it
 * (EV_EFI_HANDOFF_TABLES, PCR1 / RTMR0). Return: 0 or a negative errno.
 */
CCM_PUBLIC int ccm_uefi_smbios_digest(const void *qemu_tables, size_t size, const char *vendor,
                                      const char *version, const char *date,
                                      uint8_t *ret_sha256, uint8_t *ret_sha384,
                                      CcmError *reterr);

/*
 * CcmUefiRomDriver - an EFI driver of a PCI option ROM, as OVMF loads and measures it
 * (PCR2, EV_EFI_BOOT_SERVICES_DRIVER or, for subsystem 12, EV_EFI_RUNTIME_SERVICES_DRIVER)
 * @start, @end: the event device path's Offset(start,end) node: the ROM image's first and
 *   last byte in the ROM (@end = @start + its PCI data structure's length * 512 - 1)
 * @image_size: bytes of the PE image as loaded (decompressed): the event's image length
 * @machine: the PE machine type of the ROM header (0x8664 x64, 0xaa64 AArch64, 0xebc EBC)
 * @subsystem: 11 boot-service driver, 12 runtime driver
 * @compression: 0 none, 1 the UEFI compression algorithm
 * @vendor_id, @device_id: of the image's PCI data structure
 * @sha256, @sha384: the PE/COFF Authenticode of the loaded image: the event's digests
 */
typedef struct CcmUefiRomDriver {
    uint32_t start;
    uint32_t end;
    uint32_t image_size;
    uint16_t machine;
    uint16_t subsystem;
    uint16_t compression;
    uint16_t vendor_id;
    uint16_t device_id;
    uint8_t sha256[32];
    uint8_t sha384[CCM_SHA384_SIZE];
} CcmUefiRomDriver;

/**
 * ccm_uefi_option_rom_drivers() - the EFI drivers of a PCI option ROM (a ROM file, e.g.
 * QEMU's efi-e1000e.rom), in ROM order
 * @ret, @capacity: where they go (@ret may be NULL with @capacity 0: count only)
 * @ret_n: set to how many the ROM holds
 *
 * Walks the chain of ROM images (0x55AA, "PCIR", length, last-image bit) and takes the
 * EFI images OVMF's PCI bus driver loads: signature 0x0EF1, subsystem 11 or 12,
 * compression 0 or 1 (decompressed); it skips the others (legacy code, applications), as
 * the firmware does. The caller picks the machine types its firmware runs. Return: 0;
 * -EBADMSG naming what was expected for a truncated or malformed chain (one that ends
 * without an image marked last, too), header, compressed stream or PE image; -ENOBUFS
 * past @capacity; -EFBIG, -ENOMEM. @ret and @ret_n are left alone on failure.
 */
CCM_PUBLIC int ccm_uefi_option_rom_drivers(const void *rom, size_t size, CcmUefiRomDriver *ret,
                                           size_t capacity, size_t *ret_n, CcmError *reterr);

/*
 * A firmware volume OVMF measures into a vTPM's PCR0 (EV_EFI_PLATFORM_FIRMWARE_BLOB, whose
 * event data is UEFI_PLATFORM_FIRMWARE_BLOB: @base then @length, both little-endian
 * UINT64). The digests are of the volume as it is decompressed from the flash image.
 * @runs_in_place is 1 for PEIFV: its PEIMs run from that copy in RAM and may have written
 * their global variables into it before Tcg2Pei measures it; then the log's digest is of
 * those bytes and not this one (of Debian's builds, 2022.11, 2025.02 and every SMM build
 * do; 2026.08 without SMM does not). DXEFV's drivers are loaded elsewhere, so its digest
 * always holds.
 */
typedef struct CcmUefiFirmwareBlob {
    const char *name;          /* "PEIFV", "DXEFV" (static) */
    uint64_t base;             /* where OVMF's SEC copies it (the event's BlobBase) */
    uint64_t length;           /* its FV header's FvLength (the event's BlobLength) */
    uint8_t sha256[CCM_SHA256_SIZE];
    uint8_t sha384[CCM_SHA384_SIZE];
    int runs_in_place;
} CcmUefiFirmwareBlob;

#define CCM_UEFI_FIRMWARE_BLOBS 2

/**
 * ccm_uefi_firmware_volumes() - PCR0's firmware-volume events of an OVMF image
 * @code: an OVMF CODE image (OVMF_CODE*.fd) or a unified one (OVMF.fd, VARS first)
 * @ret_blobs, @capacity: room for CCM_UEFI_FIRMWARE_BLOBS entries
 * @ret_n: set to the number written (2: PEIFV, then DXEFV, in log order)
 *
 * Finds FVMAIN_COMPACT (the volume whose firmware-volume-image file holds an LZMA
 * GUID-defined section), decodes it (at most 64 MiB), and takes the first two
 * firmware-volume-image sections as SEC does: PEIFV and DXEFV. PEIFV's base is where its
 * PEIMs are linked to run (their PE ImageBase less their offset in the volume); DXEFV
 * follows it. Return: 0, -EBADMSG naming what was expected (truncated or corrupt image or
 * stream, PEIMs linked at different bases), -EOPNOTSUPP (another compression), -EFBIG,
 * -ENOBUFS, -EINVAL or -ENOMEM.
 */
CCM_PUBLIC int ccm_uefi_firmware_volumes(const void *code, size_t size,
                                         CcmUefiFirmwareBlob *ret_blobs, size_t capacity,
                                         size_t *ret_n, CcmError *reterr);

/**
 * ccm_uefi_crtm_version_digest() - PCR0's first event, EV_S_CRTM_VERSION
 * @version: the firmware version string Tcg2Pei measures (PcdFirmwareVersionString; Debian
 *   sets it to the package version, "2025.02-8+deb13u1", and left it empty in 2022.11), UTF-8
 * @ret_sha256, @ret_sha384: the digests of its event data, the string as UTF-16LE with its
 *   NUL (either may be NULL)
 *
 * Return: 0, or -EINVAL for NULL or a string that is not UTF-8.
 */
CCM_PUBLIC int ccm_uefi_crtm_version_digest(const char *version, uint8_t *ret_sha256,
                                            uint8_t *ret_sha384);

/* One measured record of a TCG2 (crypto-agile) event log, TPM or CCEL. */
typedef struct CcmTcg2Event {
    uint32_t index;            /* PCR index (TPM), or CCEL's MR index (1 = RTMR0) */
    uint32_t type;             /* EV_* */
    int has_sha256, has_sha384;
    uint8_t sha256[32];
    uint8_t sha384[CCM_SHA384_SIZE];
    const uint8_t *data;       /* the event data, inside the log */
    size_t data_size;
    size_t offset;             /* of the record in the log */
} CcmTcg2Event;

/**
 * ccm_tcg2_event_log_parse() - every measured record of a TCG2 event log
 * @ret_events: receives a malloc'd array (free() it) pointing into @log
 *
 * The log of a vTPM (/sys/kernel/security/tpm0/binary_bios_measurements) or a TD (CCEL):
 * the Spec ID event, then TCG_PCR_EVENT2 records up to the end (0xFF or zero fill).
 * EV_NO_ACTION records are skipped. Every size is checked: -EBADMSG names the offset.
 */
CCM_PUBLIC int ccm_tcg2_event_log_parse(const void *log, size_t size, const char *name,
                                        CcmTcg2Event **ret_events, size_t *ret_n,
                                        CcmError *reterr);

/* RTMR0..3 from @events: each RTMR = SHA-384(RTMR || digest), from 48 zero bytes. */
CCM_PUBLIC int ccm_tdx_replay(const CcmTdxEvent *events, size_t n,
                              uint8_t ret_rtmrs[4][CCM_SHA384_SIZE], CcmError *reterr);

/* "EV_SEPARATOR", "EV_EFI_PLATFORM_FIRMWARE_BLOB2", ...; NULL for an unknown type. */
CCM_PUBLIC const char *ccm_tdx_event_type_to_string(uint32_t type);
/* The type of a TCG event name ("EV_SEPARATOR"), or -ENOENT. */
CCM_PUBLIC int64_t ccm_tdx_event_type_from_string(const char *name);

/* The measurement registers a TD quote (v4) or TDREPORT carries. */
typedef struct CcmTdxReport {
    uint8_t mrtd[CCM_SHA384_SIZE];
    uint8_t rtmr[4][CCM_SHA384_SIZE];
    uint8_t mrconfigid[CCM_SHA384_SIZE];
    uint8_t mrowner[CCM_SHA384_SIZE];
    uint8_t mrownerconfig[CCM_SHA384_SIZE];
    uint64_t td_attributes;
    uint64_t xfam;
    uint8_t report_data[64];
} CcmTdxReport;

/* From a TD quote v4 (TEE type 0x81): the TD report body. The signature is not checked. */
CCM_PUBLIC int ccm_tdx_quote_parse(const void *quote, size_t size, const char *name,
                                   CcmTdxReport *ret, CcmError *reterr);
/* From a 1024-byte TDREPORT (TDG.MR.REPORT): its TDINFO. The MAC is not checked. */
CCM_PUBLIC int ccm_tdx_tdreport_parse(const void *report, size_t size, const char *name,
                                      CcmTdxReport *ret, CcmError *reterr);

/* ---- vTPM evidence: Azure's HCL report, TPM2 quotes, TD quote v4 parts -------- */
/* Parsers only: the checks built on them (signatures, chains, the binding) live above
 * libccm-measure, in ccm's launch/vtpm-binding.c. */

/* Offsets in the report (Microsoft's guest attestation design page, checked on real files). */
#define CCM_HCL_HEADER_SIZE 0x20
#define CCM_HCL_HW_REPORT_OFFSET 0x20
#define CCM_HCL_HW_REPORT_SIZE 1184 /* an SNP report, or a 1024-byte TDREPORT and zeros */
#define CCM_HCL_RUNTIME_OFFSET 0x4c0
#define CCM_HCL_RUNTIME_HEADER_SIZE 20
#define CCM_HCL_CLAIMS_OFFSET 0x4d4
#define CCM_HCL_TDREPORT_SIZE 1024

/* runtime data header report_type */
typedef enum CcmHclReportType {
    CCM_HCL_REPORT_SNP = 2,
    CCM_HCL_REPORT_TDX = 4,
} CcmHclReportType;

/* runtime data header hash_type: the hash of the claims in REPORT_DATA */
typedef enum CcmHclHash {
    CCM_HCL_HASH_SHA256 = 1,
    CCM_HCL_HASH_SHA384 = 2,
    CCM_HCL_HASH_SHA512 = 3,
} CcmHclHash;

/*
 * CcmHclReport - a parsed HCL report; the pointers borrow from the parsed buffer
 * @version, @report_size, @request_type, @status: the header, as found (the files disagree
 *     with the documentation on version and report_size, so neither is validated)
 * @hw_report: the hardware report area (@hw_report_size bytes: the SNP report, or the
 *     TDREPORT; for TDX the zeros after it are checked)
 * @report_type, @hash_type: from the runtime data header
 * @claims: the runtime claims JSON, @claims_size bytes, not NUL-terminated
 */
typedef struct CcmHclReport {
    uint32_t version, report_size, request_type, status;
    const uint8_t *hw_report;
    size_t hw_report_size;
    uint32_t data_size, data_version;
    CcmHclReportType report_type;
    CcmHclHash hash_type;
    const uint8_t *claims;
    size_t claims_size;
} CcmHclReport;

/* Parses @size bytes at @data. -EBADMSG naming @name and what was expected: no "HCLA",
 * too short, runtime data version not 1, unknown report or hash type, claims past the end,
 * data_size not 20 + claims_size, non-zero bytes after the claims or after a TDREPORT. */
CCM_PUBLIC int ccm_hcl_report_parse(const void *data, size_t size, const char *name,
                                    CcmHclReport *ret, CcmError *reterr);

/* "sha256", "sha384", "sha512"; NULL for another value. */
CCM_PUBLIC const char *ccm_hcl_hash_to_string(CcmHclHash hash);
/* 32, 48, 64; 0 for another value. */
CCM_PUBLIC size_t ccm_hcl_hash_size(CcmHclHash hash);

#define CCM_TPM_GENERATED_VALUE 0xff544347u
#define CCM_TPM_ST_ATTEST_QUOTE 0x8018u
#define CCM_TPM_ALG_SHA1 0x0004u
#define CCM_TPM_ALG_SHA256 0x000bu
#define CCM_TPM_ALG_SHA384 0x000cu
#define CCM_TPM_ALG_SHA512 0x000du
/* Limits: a TPM2B_NAME holds an algorithm and a digest (2 + 64), a TPM2B_DATA a TPMT_HA
 * (2 + 64), a PCR digest one digest; PCR selections: one per hash algorithm we might meet,
 * a select of up to 8 bytes (64 PCRs; TPMs have 24). */
#define CCM_TPM_NAME_MAX 66
#define CCM_TPM_DATA_MAX 66
#define CCM_TPM_DIGEST_MAX 64
#define CCM_TPM_BANKS_MAX 16
#define CCM_TPM_SELECT_MAX 8

/* One TPMS_PCR_SELECTION: PCR n is selected when select[n / 8] has bit n % 8. */
typedef struct CcmTpmPcrSelection {
    uint16_t hash_alg;
    uint8_t size_of_select;
    uint8_t select[CCM_TPM_SELECT_MAX];
} CcmTpmPcrSelection;

typedef struct CcmTpmQuote {
    uint8_t qualified_signer[CCM_TPM_NAME_MAX];
    size_t qualified_signer_size;
    uint8_t extra_data[CCM_TPM_DATA_MAX]; /* the nonce the verifier chose */
    size_t extra_data_size;
    uint64_t clock;
    uint32_t reset_count, restart_count;
    uint8_t safe;
    uint64_t firmware_version;
    uint32_t n_banks;
    CcmTpmPcrSelection banks[CCM_TPM_BANKS_MAX];
    uint8_t pcr_digest[CCM_TPM_DIGEST_MAX];
    size_t pcr_digest_size;
} CcmTpmQuote;

/* Parses the TPMS_ATTEST at @data (big-endian, @size bytes, nothing after it). -EBADMSG
 * naming @name and the field: wrong magic or type, a size past the end or over a limit,
 * trailing bytes. */
CCM_PUBLIC int ccm_tpm_quote_parse(const void *data, size_t size, const char *name,
                                   CcmTpmQuote *ret, CcmError *reterr);

/* 1 when @sel selects PCR @pcr, else 0. */
CCM_PUBLIC int ccm_tpm_pcr_selected(const CcmTpmPcrSelection *sel, unsigned pcr);

/* "sha1", "sha256", "sha384", "sha512", NULL for another; the digest size, 0 if unknown. */
CCM_PUBLIC const char *ccm_tpm_alg_to_string(uint16_t alg);
CCM_PUBLIC size_t ccm_tpm_alg_digest_size(uint16_t alg);

#define CCM_TDX_QUOTE_HEADER_SIZE 48
#define CCM_TDX_QUOTE_BODY_SIZE 584
#define CCM_TDX_QE_REPORT_SIZE 384
#define CCM_TDX_ATT_KEY_ECDSA_P256 2

/*
 * CcmTdxQuoteParts - a TD quote v4 taken apart; the pointers borrow from the quote
 * @signed_data: header and TD report body, @signed_size (632) bytes: what the attestation
 *     key signed
 * @body: the TD report body (584 bytes)
 * @signature: ECDSA P-256 r || s (64 bytes, big-endian) by @attestation_key (x || y)
 * @qe_report: the quoting enclave's SGX report body (384 bytes), signed by the PCK
 *     (@qe_report_signature, r || s); its REPORTDATA[0:32] is SHA-256(attestation key ||
 *     @qe_auth)
 * @pck_chain: the PEM chain PCK, Platform (or Processor) CA, Root CA; @pck_chain_size
 *     bytes, trailing NULs removed
 * @size: the length of the quote (the zeros after it are not part of it)
 */
typedef struct CcmTdxQuoteParts {
    const uint8_t *signed_data;
    size_t signed_size;
    const uint8_t *body;
    const uint8_t *signature;
    const uint8_t *attestation_key;
    const uint8_t *qe_report;
    const uint8_t *qe_report_signature;
    const uint8_t *qe_auth;
    size_t qe_auth_size;
    const char *pck_chain;
    size_t pck_chain_size;
    size_t size;
} CcmTdxQuoteParts;

/* Takes the quote at @data apart. -EBADMSG naming @name: not version 4 / TEE 0x81 /
 * attestation key type 2, a length past the end, certification data not type 6 holding
 * type 5 (a PEM chain), non-zero bytes after the quote. */
CCM_PUBLIC int ccm_tdx_quote_parts(const void *data, size_t size, const char *name,
                                   CcmTdxQuoteParts *ret, CcmError *reterr);

/* The first field in which a TD quote body (584 bytes) and a TDREPORT (1024 bytes) differ
 * ("MRTD", "REPORTDATA", ...), or NULL when every field the body holds is the same. */
CCM_PUBLIC const char *ccm_tdx_body_tdreport_difference(const uint8_t *body,
                                                        const uint8_t *tdreport);

/* ---- Arm CCA: Realm Initial Measurement (RIM) and REMs --------------------------- */

/* The RMM generation whose RIM rules apply: 1.0 (EAC5/rel0) measures RTT_INIT_RIPAS,
 * 2.0 does not and adds SHA-384. */
typedef enum CcmCcaRmm {
    CCM_CCA_RMM_1_0 = 0,
    CCM_CCA_RMM_2_0 = 1,
} CcmCcaRmm;

/* RmiHashAlgorithm: the value is what RealmParams.hash_algo holds. */
typedef enum CcmCcaHash {
    CCM_CCA_HASH_SHA256 = 0,
    CCM_CCA_HASH_SHA512 = 1,
    CCM_CCA_HASH_SHA384 = 2,  /* RMM 2.0 only */
} CcmCcaHash;

/* The VMM whose realm layout a profile reproduces (ccm_cca_vmm_build()). */
typedef enum CcmCcaVmm {
    CCM_CCA_VMM_QEMU = 0,     /* Linaro QEMU CCA series, -M virt */
    CCM_CCA_VMM_KVMTOOL = 1,  /* kvmtool --realm, realm-vm.md layout */
} CcmCcaVmm;

/* "1.0"/"2.0", "sha256"/"sha512"/"sha384", "qemu"/"kvmtool"; as the other names. */
CCM_PUBLIC const char *ccm_cca_rmm_to_string(CcmCcaRmm rmm);
CCM_PUBLIC int ccm_cca_rmm_from_string(const char *name);
CCM_PUBLIC const char *ccm_cca_hash_to_string(CcmCcaHash hash);
CCM_PUBLIC int ccm_cca_hash_from_string(const char *name);
CCM_PUBLIC const char *ccm_cca_vmm_to_string(CcmCcaVmm vmm);
CCM_PUBLIC int ccm_cca_vmm_from_string(const char *name);
/* 32, 64 or 48; 0 for a value out of range. */
CCM_PUBLIC size_t ccm_cca_hash_size(CcmCcaHash hash);

/* RealmParams.flags (flags0 in RMM 2.0). */
#define CCM_CCA_FLAG_LPA2 (1u << 0)
#define CCM_CCA_FLAG_SVE (1u << 1)
#define CCM_CCA_FLAG_PMU (1u << 2)

/*
 * The measured RealmParams fields, encoded as the RMM takes them (not user-facing
 * numbers): @sve_vl is (vector length in bits / 128) - 1, @num_bps and @num_wps are the
 * number of breakpoints and watchpoints minus one, @pmu_num_ctrs is a plain count.
 */
typedef struct CcmCcaRealmParams {
    uint64_t flags;
    uint32_t s2sz;           /* IPA width in bits */
    uint32_t sve_vl;
    uint32_t num_bps;
    uint32_t num_wps;
    uint32_t pmu_num_ctrs;
    CcmCcaHash hash;
} CcmCcaRealmParams;

/* One operation of a realm's construction, in the order the host issues it. */
typedef enum CcmCcaOpKind {
    CCM_CCA_OP_RIPAS = 0,       /* RMI_RTT_INIT_RIPAS over [ipa, ipa + size) */
    CCM_CCA_OP_DATA = 1,        /* a blob copied at ipa, its granules measured */
    CCM_CCA_OP_UNMEASURED = 2,  /* DATA granules over [ipa, ipa + size), not measured */
    CCM_CCA_OP_REC = 3,         /* RMI_REC_CREATE */
} CcmCcaOpKind;

/*
 * CcmCcaOp - one operation as recorded (ccm_cca_realm_op())
 * @name: the blob's name (DATA), or NULL
 * @data: the blob's bytes (DATA), owned by the realm
 * @size: bytes of the blob, or of the range
 * @rec_flags, @pc, @gprs: REC only (bit 0 of @rec_flags: runnable)
 */
typedef struct CcmCcaOp {
    CcmCcaOpKind kind;
    const char *name;
    uint64_t ipa;
    uint64_t size;
    const uint8_t *data;
    uint64_t rec_flags;
    uint64_t pc;
    uint64_t gprs[8];
} CcmCcaOp;

#define CCM_CCA_REC_RUNNABLE 1u

typedef struct CcmCcaRealm CcmCcaRealm;

/**
 * ccm_cca_realm_new() - an empty operation list for a realm with these RealmParams
 * @host_page_size: 4096 or 65536; blob ranges are widened to whole host pages
 *
 * Checks the parameters the way the RMM would: a known hash (SHA-384 only with RMM
 * 2.0), known flag bits, s2sz from 32 to 48 (52 with LPA2), sve_vl at most 15 and 0
 * without SVE, num_bps/num_wps from 1 to 15, pmu_num_ctrs at most 31 and 0 without PMU.
 */
CCM_PUBLIC int ccm_cca_realm_new(CcmCcaRmm rmm, const CcmCcaRealmParams *params,
                                 uint64_t host_page_size, CcmCcaRealm **ret,
                                 CcmError *reterr);
CCM_PUBLIC void ccm_cca_realm_free(CcmCcaRealm *realm);
CCM_PUBLIC int ccm_cca_realm_params(const CcmCcaRealm *realm, CcmCcaRmm *ret_rmm,
                                    CcmCcaRealmParams *ret_params,
                                    uint64_t *ret_host_page_size);

/* Appends RTT_INIT_RIPAS over [@base, @base + @size): 4 KiB aligned, inside the
 * protected IPA space. Measured with RMM 1.0, recorded but not measured with 2.0. */
CCM_PUBLIC int ccm_cca_realm_add_ripas(CcmCcaRealm *realm, uint64_t base, uint64_t size,
                                       CcmError *reterr);
/* Appends a measured blob (copied) at @ipa (any alignment). Blobs may share a granule
 * but not a byte; every granule is measured once, with every blob's bytes in it. */
CCM_PUBLIC int ccm_cca_realm_add_data(CcmCcaRealm *realm, uint64_t ipa, const void *data,
                                      size_t size, const char *name, CcmError *reterr);
/* Appends unmeasured DATA granules over [@base, @base + @size) (4 KiB aligned). */
CCM_PUBLIC int ccm_cca_realm_add_unmeasured(CcmCcaRealm *realm, uint64_t base, uint64_t size,
                                            CcmError *reterr);
/* Appends a REC; only a runnable one (@flags bit 0) is measured. @gprs: x0..x7 or NULL. */
CCM_PUBLIC int ccm_cca_realm_add_rec(CcmCcaRealm *realm, uint64_t flags, uint64_t pc,
                                     const uint64_t *gprs, CcmError *reterr);

CCM_PUBLIC size_t ccm_cca_realm_n_ops(const CcmCcaRealm *realm);
/* Return: 0, or -ENOENT past the end. Pointers in @ret live as long as @realm. */
CCM_PUBLIC int ccm_cca_realm_op(const CcmCcaRealm *realm, size_t index, CcmCcaOp *ret);

/* Called once per descriptor during ccm_cca_realm_measure(); NULL to disable. */
CCM_PUBLIC void ccm_cca_realm_set_step_callback(CcmCcaRealm *realm, CcmStepFunc func,
                                                void *userdata);

/**
 * ccm_cca_realm_measure() - the RIM after every operation, in order
 * @ret_rim: at least CCM_DIGEST_MAX_SIZE bytes; receives the hash-length value the
 *           realm token's initial-measurement claim holds
 * @ret_size: 32, 48 or 64
 */
CCM_PUBLIC int ccm_cca_realm_measure(CcmCcaRealm *realm, uint8_t *ret_rim, size_t *ret_size,
                                     CcmError *reterr);

/**
 * ccm_cca_rem_extend() - RSI_MEASUREMENT_EXTEND: @rem = H(@rem[0..L) || @value)
 * @rem: 64 bytes, in and out; the result is zero-extended past the hash length L
 * @size: 0 to 64 bytes of @value
 */
CCM_PUBLIC int ccm_cca_rem_extend(CcmCcaHash hash, uint8_t *rem, const void *value,
                                  size_t size, CcmError *reterr);

/* A blob given to a VMM profile; @data NULL means absent. */
typedef struct CcmCcaBlob {
    const void *data;
    size_t size;
    const char *name;   /* for messages and the operation list */
} CcmCcaBlob;

/*
 * CcmCcaVmmConfig - what a VMM is told to start
 * @params: RealmParams as measured (ccm_cca_vmm_default_s2sz() and
 *          ccm_cca_vmm_default_hash() give the profiles' defaults)
 * @host_page_size: 4096 or 65536
 * @memory: guest RAM in bytes
 * @dtb: required: the exact device tree given to the VMM (e.g. QEMU -dtb)
 * @measurement_log: place the 64 KiB event log (unmeasured, after the RECs)
 */
typedef struct CcmCcaVmmConfig {
    CcmCcaVmm vmm;
    CcmCcaRmm rmm;
    CcmCcaRealmParams params;
    uint64_t host_page_size;
    uint64_t memory;
    unsigned vcpus;
    CcmCcaBlob firmware;
    CcmCcaBlob kernel;
    CcmCcaBlob initrd;
    CcmCcaBlob dtb;
    int measurement_log;
} CcmCcaVmmConfig;

/* QEMU with RMM 1.0 (RFC v3 era): SHA-512; QEMU with RMM 2.0 and kvmtool: SHA-256. */
CCM_PUBLIC CcmCcaHash ccm_cca_vmm_default_hash(CcmCcaVmm vmm, CcmCcaRmm rmm);
/* The IPA width the VMM picks for @memory (QEMU: 41 below 255 GiB; kvmtool: at least
 * 33 and one bit above the end of RAM); 0 for a VMM or size it cannot place. */
CCM_PUBLIC uint32_t ccm_cca_vmm_default_s2sz(CcmCcaVmm vmm, uint64_t memory);

/**
 * ccm_cca_vmm_build() - the operation list the VMM produces for @config
 *
 * Places the images as the profile's VMM does (libccm-measure(3), CCA PROFILES), then
 * appends RIPAS over RAM, the blobs in ascending IPA order, the boot REC and the
 * measurement log. -EINVAL names the input at fault: a DTB missing or too large,
 * a kernel that is not an arm64 Image, images that do not fit in RAM, ...
 */
CCM_PUBLIC int ccm_cca_vmm_build(const CcmCcaVmmConfig *config, CcmCcaRealm **ret,
                                 CcmError *reterr);

/* ---- Arm CCA attestation tokens ------------------------------------------------ */

/* Larger inputs are refused; real tokens are a few KiB. */
#define CCM_CCA_TOKEN_MAX_SIZE 65536

/* The shape of what ccm_cca_token_parse() was given. */
typedef enum CcmCcaTokenFormat {
    CCM_CCA_TOKEN_COLLECTION = 0,      /* tag 399 {44234: platform, 44241: realm} (RMM 1.0) */
    CCM_CCA_TOKEN_COLLECTION_907 = 1,  /* tag 907, each entry [263, token] (RMM 2.0) */
    CCM_CCA_TOKEN_REALM_TOKEN = 2,     /* a realm COSE_Sign1 alone */
    CCM_CCA_TOKEN_PLATFORM_TOKEN = 3,  /* a platform COSE_Sign1 alone */
    CCM_CCA_TOKEN_REALM_CLAIMS = 4,    /* a bare realm claims map (nothing signed) */
    CCM_CCA_TOKEN_PLATFORM_CLAIMS = 5, /* a bare platform claims map (nothing signed) */
} CcmCcaTokenFormat;

/*
 * Claims of a realm token. Byte strings point into the token object and stay valid
 * until ccm_cca_token_free(); an absent optional claim is NULL with size 0.
 */
typedef struct CcmCcaRealmClaims {
    const char *profile;                  /* 265, optional */
    const uint8_t *challenge;             /* 10, 64 bytes */
    size_t challenge_size;
    const uint8_t *personalization_value; /* 44235, 64 bytes */
    size_t personalization_value_size;
    const char *hash_algo_id;             /* 44236: "sha-256", "sha-512", ... (RIM, REMs) */
    const uint8_t *public_key;            /* 44237, exactly as in the token (the binding) */
    size_t public_key_size;
    int public_key_is_cose_key;           /* 1: a COSE_Key map; 0: a raw EC point */
    const uint8_t *rim;                   /* 44238 */
    size_t rim_size;
    const uint8_t *rem[4];                /* 44239 */
    size_t rem_size[4];
    const char *public_key_hash_algo_id;  /* 44240 */
    const uint8_t *instance_id;           /* 256, optional (RMM 2.0) */
    size_t instance_id_size;
    const uint8_t *mec_policy;            /* 44243, optional (RMM 2.0): its CBOR encoding */
    size_t mec_policy_size;
} CcmCcaRealmClaims;

typedef struct CcmCcaSwComponent {
    const char *type;                     /* 1, optional */
    const uint8_t *measurement;           /* 2 */
    size_t measurement_size;
    const char *version;                  /* 4, optional */
    const uint8_t *signer_id;             /* 5, optional */
    size_t signer_id_size;
    const char *hash_algo_id;             /* 6, optional */
} CcmCcaSwComponent;

typedef struct CcmCcaPlatformClaims {
    const char *profile;                  /* 265 */
    const uint8_t *challenge;             /* 10: the hash of the realm's public key */
    size_t challenge_size;
    const uint8_t *implementation_id;     /* 2396, 32 bytes */
    size_t implementation_id_size;
    const uint8_t *instance_id;           /* 256, 33 bytes */
    size_t instance_id_size;
    const uint8_t *config;                /* 2401, optional */
    size_t config_size;
    uint64_t lifecycle;                   /* 2395 */
    const CcmCcaSwComponent *sw_components; /* 2399 */
    size_t n_sw_components;
    const char *verification_service;     /* 2400, optional */
    const char *hash_algo_id;             /* 2402, optional */
} CcmCcaPlatformClaims;

typedef struct CcmCcaToken CcmCcaToken;

/**
 * ccm_cca_token_parse() - decode an Arm CCA attestation token (copied)
 * @name: how messages refer to the token (its file name)
 *
 * Takes the collection in either envelope (CBOR tag 399, or tag 907 whose entries are
 * [263, token]), a realm or platform COSE_Sign1 alone (tag 18 optional), or a bare
 * claims map. Checks types and sizes of every claim read; unknown claims are ignored.
 * Signatures are not checked here (see ccm_cca_token_verify_realm()).
 * Return: 0; -EBADMSG with a message naming @name, the byte offset and what was
 * expected there; -EFBIG above CCM_CCA_TOKEN_MAX_SIZE.
 */
CCM_PUBLIC int ccm_cca_token_parse(const void *data, size_t size, const char *name,
                                   CcmCcaToken **ret, CcmError *reterr);
CCM_PUBLIC void ccm_cca_token_free(CcmCcaToken *token);

CCM_PUBLIC CcmCcaTokenFormat ccm_cca_token_format(const CcmCcaToken *token);
/* "cca-399", "cca-907", "realm-token", "platform-token", "realm-claims", "platform-claims" */
CCM_PUBLIC const char *ccm_cca_token_format_to_string(CcmCcaTokenFormat format);
/* NULL when the token has no realm (or no platform) part. */
CCM_PUBLIC const CcmCcaRealmClaims *ccm_cca_token_realm(const CcmCcaToken *token);
CCM_PUBLIC const CcmCcaPlatformClaims *ccm_cca_token_platform(const CcmCcaToken *token);

/**
 * ccm_cca_token_check_binding() - platform challenge == H(realm public key claim)
 * @ret_digest, @ret_digest_size: if not NULL, the hash computed (CCM_DIGEST_MAX_SIZE)
 *
 * H is the realm's public-key-hash-algo-id (44240), over the exact bytes of claim 44237.
 * Return: 0 when it holds; -EBADMSG when it does not; -ENOENT for a token without both
 * parts; -EOPNOTSUPP for an unknown algorithm name.
 */
CCM_PUBLIC int ccm_cca_token_check_binding(const CcmCcaToken *token, uint8_t *ret_digest,
                                           size_t *ret_digest_size, CcmError *reterr);

/**
 * ccm_cca_token_verify_realm() - check the realm token's COSE_Sign1 signature with the
 * RAK it carries (claim 44237: a raw EC point or an EC2 COSE_Key)
 *
 * This proves only that the realm token is self-consistent; trust comes from the
 * platform token (see ccm_cca_token_verify_platform()) and the binding.
 * Return: 0; -EKEYREJECTED for a bad signature; -ENOENT without a signed realm token;
 * -EOPNOTSUPP for an algorithm or key other than ES256/ES384/ES512 on P-256/384/521.
 */
CCM_PUBLIC int ccm_cca_token_verify_realm(const CcmCcaToken *token, CcmError *reterr);

/**
 * ccm_cca_token_verify_platform() - check the platform token's signature
 * @cpak, @cpak_size: the CCA platform attestation public key as an uncompressed EC
 *                    point (0x04 || x || y; 65, 97 or 133 bytes for P-256/384/521)
 *
 * Return: 0; -EKEYREJECTED for a bad signature; -ENOENT without a signed platform token;
 * -EINVAL for a key that is not such a point; -EOPNOTSUPP as above.
 */
CCM_PUBLIC int ccm_cca_token_verify_platform(const CcmCcaToken *token, const uint8_t *cpak,
                                             size_t cpak_size, CcmError *reterr);

/* ---- Building blocks, exposed for tests and for tools that check one part --------- */

/* SHA-256 of a whole file. */
CCM_PUBLIC int ccm_sha256_file(const char *path, uint8_t *ret_sha256, CcmError *reterr);

/**
 * ccm_sev_vmsa_page() - the 4 KiB VMSA page KVM measures for one vCPU
 * @ret_page: 4096 bytes
 * @ap: 0 for the boot vCPU, 1 for an application processor
 * @reset_address: the firmware's SEV-ES AP reset address (used for APs)
 */
CCM_PUBLIC int ccm_sev_vmsa_page(CcmPlatform platform, CcmVmm vmm, CcmSevEsVmsa es_vmsa,
                                 int ap, uint32_t reset_address, uint32_t vcpu_signature,
                                 uint64_t guest_features, uint8_t *ret_page);

#ifdef __cplusplus
}
#endif

#endif /* CCM_MEASURE_H */
