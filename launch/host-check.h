/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* host-check.h - what this host can run: KVM, SEV/SNP/TDX support, QEMU, firmware */
#pragma once

#include <stdbool.h>

#include <glib.h>
#include <json-c/json.h>

#include "guest-spec.h"
#include "libvirt-version.h"
#include "qemu-caps.h"

#define CCM_HOST_CHECK_ERROR (ccm_host_check_error_quark())
GQuark ccm_host_check_error_quark(void);

typedef enum CcmHostCheckErrorCode {
    CCM_HOST_CHECK_ERROR_QEMU_NOT_FOUND, /* no such binary, or not executable */
    CCM_HOST_CHECK_ERROR_QEMU_FAILED,    /* did not start, timed out or exited non-zero */
    CCM_HOST_CHECK_ERROR_QEMU_VERSION,   /* printed no "QEMU emulator version X.Y[.Z]" */
    CCM_HOST_CHECK_ERROR_DESCRIPTOR,     /* a firmware descriptor that cannot be read */
    CCM_HOST_CHECK_ERROR_LIBVIRT,        /* libvirt's domain capabilities cannot be read */
} CcmHostCheckErrorCode;

typedef enum CcmCheckStatus {
    CCM_CHECK_PASS,
    CCM_CHECK_FAIL,
    CCM_CHECK_SKIP,   /* does not apply here (AMD checks on an Intel CPU, ...): not met */
    CCM_CHECK_INFO,   /* a fact, neither good nor bad */
} CcmCheckStatus;

/* A set of platforms, one bit per CcmGuestPlatform. */
#define CCM_PLATFORM_BIT(p) (1u << (p))
#define CCM_PLATFORMS_ALL ((1u << _CCM_GUEST_PLATFORM_MAX) - 1)
#define CCM_PLATFORMS_CONFIDENTIAL (CCM_PLATFORMS_ALL & ~CCM_PLATFORM_BIT(CCM_GUEST_PLATFORM_NONE))

typedef struct CcmCheckItem {
    char *id;           /* stable, e.g. "kvm", "amd-sev-snp", "qemu", "firmware-tdx" */
    char *title;
    CcmCheckStatus status;
    char *reason;       /* one line */
    unsigned platforms; /* platforms that need this item to pass; 0 for plain facts */
} CcmCheckItem;

/* What libvirt says it can launch here (ccm_host_check_add_libvirt()). */
typedef struct CcmHostCheckLibvirt {
    char *source;        /* "domain capabilities of libvirt 9.0.0 at qemu:///system", or
                          * NULL when libvirt was not consulted */
    char *not_consulted; /* why not (with source NULL), or NULL when it was not asked to */
    bool can_launch[_CCM_GUEST_PLATFORM_MAX];
    char *why_not[_CCM_GUEST_PLATFORM_MAX];
} CcmHostCheckLibvirt;

typedef struct CcmHostCheck {
    GPtrArray *items;                            /* CcmCheckItem, in the order they were made */
    char *qemu_path;                             /* the QEMU binary found, or NULL */
    int qemu_major, qemu_minor, qemu_micro;      /* its --version; -1 when unknown */
    bool can_run[_CCM_GUEST_PLATFORM_MAX];
    char *why_not[_CCM_GUEST_PLATFORM_MAX];      /* "TITLE: REASON" of the first unmet item */
    /* Whether the platform applies to this host at all (false: the CPU is another vendor's,
     * an Intel host for SEV, an x86 one for CCA); why not, "TITLE: REASON", when it does
     * not. A platform that does not apply cannot run; its items that would pass or fail
     * are skipped instead, their reason saying so. */
    bool applicable[_CCM_GUEST_PLATFORM_MAX];
    char *not_applicable[_CCM_GUEST_PLATFORM_MAX];
    CcmHostCheckLibvirt libvirt;                 /* libvirt's view, beside ccmd's own */
} CcmHostCheck;

typedef struct CcmHostCheckOptions {
    const char *root;        /* prefix for /dev, /sys, /proc, /usr and /etc; NULL for "/" */
    const char *qemu;        /* QEMU binary (a path, or a name looked up on PATH);
                              * NULL: qemu-system-x86_64 */
    guint qemu_timeout_s;    /* how long `QEMU --version` may take; 0: 10 seconds */
    const char *const *firmware_dirs;  /* descriptor folders, increasing priority; NULL:
                                        * ccm_firmware_descriptor_search_path(root) */
} CcmHostCheckOptions;

/* A check with no items yet (ccm_host_check_run() makes and fills one). */
CcmHostCheck *ccm_host_check_new(void);
void ccm_host_check_free(CcmHostCheck *check);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(CcmHostCheck, ccm_host_check_free)

/**
 * ccm_host_check_run() - every check, then the per-platform summary
 *
 * Reads only and needs no privileges; runs `QEMU --version` and nothing else. Never
 * fails: whatever cannot be read becomes an item's reason.
 */
CcmHostCheck *ccm_host_check_run(const CcmHostCheckOptions *options);

/**
 * ccm_host_check_add() - append an item, for callers that know more facts
 * @platforms: the platforms that need it to pass (CCM_PLATFORM_BIT()s), 0 for a fact
 *
 * Call ccm_host_check_summarise() after the last one.
 */
const CcmCheckItem *ccm_host_check_add(CcmHostCheck *check, const char *id, const char *title,
                                       CcmCheckStatus status, unsigned platforms,
                                       const char *format, ...) G_GNUC_PRINTF(6, 7);

/**
 * ccm_host_check_add_qemu_caps() - items from the QEMU binary's QMP probe
 * @caps: its probed capabilities, or NULL when the probe failed
 * @caps_error: why it failed (with @caps NULL)
 *
 * Adds "qemu-qmp" and one item per confidential-guest object type, then summarises again.
 */
void ccm_host_check_add_qemu_caps(CcmHostCheck *check, const CcmQemuCaps *caps,
                                  const char *caps_error);

/**
 * ccm_host_check_add_libvirt() - what the libvirt daemon at @uri can launch
 * @version: the daemon's libvirt
 * @domcaps: its domain capabilities XML for @virttype ("kvm", or "qemu" when it has no
 *           KVM: then it launches no confidential guest)
 *
 * Adds a "libvirt" fact and one "libvirt-PLATFORM" item per confidential platform (not
 * needed by ccmd's own launches, so they leave can_run alone) and fills check->libvirt.
 * FALSE (with @error naming @uri) when @domcaps cannot be read.
 */
gboolean ccm_host_check_add_libvirt(CcmHostCheck *check, const char *uri,
                                    CcmLibvirtVersion version, const char *domcaps,
                                    const char *virttype, GError **error);

/* Records why libvirt was not consulted (it is not installed, no daemon answers, ...). */
void ccm_host_check_libvirt_not_consulted(CcmHostCheck *check, const char *why);

/* For each platform: can run unless it does not apply here (the reason is then why not)
 * or an item it needs failed or was skipped; the first such item, in item order, is the
 * reason. */
void ccm_host_check_summarise(CcmHostCheck *check);

const CcmCheckItem *ccm_host_check_find(const CcmHostCheck *check, const char *id);

/* Parses QEMU's "QEMU emulator version 7.2.22 (Debian ...)"; a missing micro reads as 0. */
gboolean ccm_host_check_parse_qemu_version(const char *text, int *ret_major, int *ret_minor,
                                           int *ret_micro, GError **error);

/* Runs `@path --version`, killing it after @timeout_s seconds, and parses the answer. */
gboolean ccm_host_check_qemu_version(const char *path, guint timeout_s, int *ret_major,
                                     int *ret_minor, int *ret_micro, GError **error);

const char *ccm_check_status_to_string(CcmCheckStatus status);
/* The JSON document "ccm-host-check/1" (`ccmctl host-check --json`); "platforms" is keyed
 * by platform in snake_case ("sev_snp"). */
json_object *ccm_host_check_to_json(const CcmHostCheck *check);
