/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* guest-spec.h - a guest spec file (ccmd.guest(5)), parsed and checked key by key */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include <glib.h>

#include "keyfile.h"

typedef enum CcmGuestPlatform {
    CCM_GUEST_PLATFORM_NONE,     /* rehearsal: the same plan without a confidential object */
    CCM_GUEST_PLATFORM_SEV,
    CCM_GUEST_PLATFORM_SEV_ES,
    CCM_GUEST_PLATFORM_SEV_SNP,
    CCM_GUEST_PLATFORM_TDX,
    CCM_GUEST_PLATFORM_CCA,
    _CCM_GUEST_PLATFORM_MAX,
} CcmGuestPlatform;

const char *ccm_guest_platform_to_string(CcmGuestPlatform platform);

typedef enum CcmOnOffAuto {
    CCM_AUTO,
    CCM_ON,
    CCM_OFF,
} CcmOnOffAuto;

/* [Guest] OnDrift=: what ccmd does when a file the guest's expectation depends on changes
 * (ccmd.guest(5)). */
typedef enum CcmOnDrift {
    CCM_ON_DRIFT_REGISTER_BOTH,  /* register the new values beside the old ones (default) */
    CCM_ON_DRIFT_ALERT,          /* report only */
    CCM_ON_DRIFT_REFUSE,         /* report, and refuse the next start until accepted */
    _CCM_ON_DRIFT_MAX,
} CcmOnDrift;

const char *ccm_on_drift_to_string(CcmOnDrift policy);

typedef enum CcmNetworkKind {
    CCM_NETWORK_NONE,
    CCM_NETWORK_USER,
    CCM_NETWORK_TAP,
} CcmNetworkKind;

typedef struct CcmGuestDisk {
    char *path;
    char *format;       /* raw or qcow2 */
    bool readonly;
} CcmGuestDisk;

typedef struct CcmGuestSpec {
    char *path;         /* the spec file, or a description of where the spec came from */
    GHashTable *given;  /* "Section/Key" -> line number, for every key the file sets */
    GHashTable *labels; /* "Section/Key" -> how messages name it when not "[Section] Key=" */

    /* [Guest] */
    char *name;
    CcmGuestPlatform platform;
    CcmGuestPlatform rehearses; /* Platform=none: measured and registered as this one */
    unsigned vcpus;
    char *cpu_model;
    uint32_t cpu_signature;     /* CPUSignature=, for models ccm does not know */
    uint64_t memory;            /* bytes */
    char *firmware;             /* NULL: chosen from the QEMU firmware descriptors */
    char *kernel;
    char *initrd;
    char *cmdline;
    GPtrArray *disks;           /* CcmGuestDisk */
    CcmNetworkKind network;
    char *network_ifname;       /* tap interface */
    char *serial_log;
    char *qemu;                 /* QEMU binary; NULL: the platform's default */
    char *accelerator;          /* kvm or tcg */
    char *machine;              /* q35 (x86) or virt (Arm) unless set */
    CcmOnDrift on_drift;        /* OnDrift= (ccmd only) */
    GPtrArray *resources;       /* [Broker] Resource=: "TYPE/TAG" strings */

    /* [SEV] (sev and sev-es) */
    struct {
        uint32_t policy;
        CcmOnOffAuto legacy_vm_type;
        bool kernel_hashes;
        uint32_t cbitpos;
        uint32_t reduced_phys_bits;
    } sev;

    /* [SEV-SNP] */
    struct {
        uint64_t policy;
        uint64_t guest_features;
        bool kernel_hashes;
        GBytes *host_data;              /* 32 bytes */
        GBytes *guest_visible_workarounds; /* 16 bytes */
        char *id_key;
        char *author_key;
        GBytes *id_block;               /* ready-made, 96 bytes */
        GBytes *id_auth;                /* ready-made, 4096 bytes */
        GBytes *family_id;              /* 16 bytes */
        GBytes *image_id;               /* 16 bytes */
        uint32_t guest_svn;
        bool vcek;                      /* false: the guest may only use the VLEK */
        uint32_t cbitpos;
        uint32_t reduced_phys_bits;
    } snp;

    /* [TDX] */
    struct {
        uint64_t attributes;
        bool sept_ve_disable;
        GBytes *mrconfigid;             /* 48 bytes each */
        GBytes *mrowner;
        GBytes *mrownerconfig;
        char *quote_generation_socket;  /* unix socket path, or vsock:CID:PORT */
    } tdx;

    /* [CCA] */
    struct {
        char *measurement_algorithm;    /* sha256, sha512 or sha384; NULL: the RMM's */
        GBytes *personalization_value;  /* 64 bytes */
        char *dtb;
        char *rmm;                      /* "1.0" or "2.0"; NULL: cannot be measured */
        uint32_t ipa_bits;              /* 0: QEMU's (41 below 255 GiB of RAM) */
        uint32_t breakpoints;           /* counts as the host RMM gives them; 0: 6 */
        uint32_t watchpoints;
        uint32_t pmu_counters;          /* 0: no PMU */
        uint32_t sve_vector_length;     /* bits; 0: no SVE */
        bool lpa2;                      /* the host uses LPA2 stage-2 tables */
        bool measurement_log;           /* QEMU's unmeasured event-log area */
        uint64_t host_page_size;        /* 4096 or 65536 */
    } cca;
} CcmGuestSpec;

void ccm_guest_spec_free(CcmGuestSpec *spec);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(CcmGuestSpec, ccm_guest_spec_free)

/**
 * ccm_guest_spec_load() - parse and check a guest spec file
 *
 * Relative paths in the spec are resolved against the spec's folder. Every error
 * names the file, the line and the key, and says what was expected; unknown sections
 * and keys are errors. Errors are in CCM_KEYFILE_ERROR.
 */
CcmGuestSpec *ccm_guest_spec_load(const char *path, GError **error);
CcmGuestSpec *ccm_guest_spec_parse(const char *path, const char *text, gsize size,
                                   GError **error);

/*
 * Building a spec by other means (the libvirt XML reader): a spec with the defaults,
 * the keys set recorded with the line they came from, then the whole-spec checks and
 * defaults that depend on other keys (exactly those a spec file goes through).
 */
CcmGuestSpec *ccm_guest_spec_new(const char *source);
void ccm_guest_spec_set_given(CcmGuestSpec *spec, const char *section, const char *key,
                              unsigned line);
gboolean ccm_guest_spec_check(CcmGuestSpec *spec, GError **error);
/* Sets @section/@key from text, exactly as a spec file would; errors start with
 * "SOURCE:LINE: LABEL: ". @key must be one of the table's scalar keys. */
gboolean ccm_guest_spec_set_value(CcmGuestSpec *spec, const char *section, const char *key,
                                  const char *value, unsigned line, const char *label,
                                  GError **error);
void ccm_guest_disk_free(gpointer disk);
bool ccm_guest_name_is_valid(const char *name);

/* Whether the spec set @section/@key, and on which line. */
/*
 * The platform whose measurement the guest has: Platform=, or for a rehearsal
 * (Platform=none with Rehearses=) the rehearsed one. The launch follows Platform=.
 */
CcmGuestPlatform ccm_guest_spec_measured_platform(const CcmGuestSpec *spec);

bool ccm_guest_spec_given(const CcmGuestSpec *spec, const char *section, const char *key,
                          unsigned *ret_line);

/* How messages name @section/@key: "SPEC:LINE: [Section] Key=" (or its label, such as a
 * domain XML's element), without the line when the spec does not set it. */
char *ccm_guest_spec_key_location(const CcmGuestSpec *spec, const char *section,
                                  const char *key);
