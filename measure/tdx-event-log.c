/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * tdx-event-log.c - TCG2 event logs (a vTPM's, a TD's CCEL), and the RTMRs they replay to
 *
 * The log is TCG2 "crypto agile" (tdx.md §3.1): one SHA-1-format record carrying the
 * Spec ID event (the digest algorithms and their sizes), then TCG_PCR_EVENT2 records:
 * MR index, event type, digests (algorithm id + digest each), event size, event data.
 * The area is longer than the log; it ends at 0xFF or zero fill. Every length is
 * untrusted: each read is checked against the end of the area first.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "bytes.h"
#include "digest.h"
#include "error.h"

#define EV_NO_ACTION 0x3u
#define ALG_SHA256 0x000bu
#define ALG_SHA384 0x000cu
#define MAX_ALGORITHMS 16
#define MAX_EVENT_DATA (16u << 20)

static const struct {
    uint32_t type;
    const char *name;
} event_types[] = {
    { 0x0, "EV_PREBOOT_CERT" },
    { 0x1, "EV_POST_CODE" },
    { 0x3, "EV_NO_ACTION" },
    { 0x4, "EV_SEPARATOR" },
    { 0x5, "EV_ACTION" },
    { 0x6, "EV_EVENT_TAG" },
    { 0x7, "EV_S_CRTM_CONTENTS" },
    { 0x8, "EV_S_CRTM_VERSION" },
    { 0x9, "EV_CPU_MICROCODE" },
    { 0xa, "EV_PLATFORM_CONFIG_FLAGS" },
    { 0xb, "EV_TABLE_OF_DEVICES" },
    { 0xc, "EV_COMPACT_HASH" },
    { 0xd, "EV_IPL" },
    { 0xe, "EV_IPL_PARTITION_DATA" },
    { 0xf, "EV_NONHOST_CODE" },
    { 0x10, "EV_NONHOST_CONFIG" },
    { 0x11, "EV_NONHOST_INFO" },
    { 0x12, "EV_OMIT_BOOT_DEVICE_EVENTS" },
    { 0x80000001, "EV_EFI_VARIABLE_DRIVER_CONFIG" },
    { 0x80000002, "EV_EFI_VARIABLE_BOOT" },
    { 0x80000003, "EV_EFI_BOOT_SERVICES_APPLICATION" },
    { 0x80000004, "EV_EFI_BOOT_SERVICES_DRIVER" },
    { 0x80000005, "EV_EFI_RUNTIME_SERVICES_DRIVER" },
    { 0x80000006, "EV_EFI_GPT_EVENT" },
    { 0x80000007, "EV_EFI_ACTION" },
    { 0x80000008, "EV_EFI_PLATFORM_FIRMWARE_BLOB" },
    { 0x80000009, "EV_EFI_HANDOFF_TABLES" },
    { 0x8000000a, "EV_EFI_PLATFORM_FIRMWARE_BLOB2" },
    { 0x8000000b, "EV_EFI_HANDOFF_TABLES2" },
    { 0x8000000c, "EV_EFI_VARIABLE_BOOT2" },
    { 0x800000e0, "EV_EFI_VARIABLE_AUTHORITY" },
    { 0x800000e1, "EV_EFI_SPDM_FIRMWARE_BLOB" },
    { 0x800000e2, "EV_EFI_SPDM_FIRMWARE_CONFIG" },
};

const char *ccm_tdx_event_type_to_string(uint32_t type)
{
    for (size_t i = 0; i < sizeof(event_types) / sizeof(event_types[0]); i++)
        if (event_types[i].type == type)
            return event_types[i].name;
    return NULL;
}

int64_t ccm_tdx_event_type_from_string(const char *name)
{
    for (size_t i = 0; name && i < sizeof(event_types) / sizeof(event_types[0]); i++)
        if (strcmp(event_types[i].name, name) == 0)
            return event_types[i].type;
    return -ENOENT;
}

typedef struct Algorithm {
    uint16_t id;
    uint16_t size;
} Algorithm;

/* Whether @n bytes at @off fit in @size (no overflow). */
static bool fits(size_t off, size_t n, size_t size)
{
    return off <= size && n <= size - off;
}

/* The Spec ID event in the first (SHA-1 format) record; sets *ret_end past it. */
static int parse_spec_id(const uint8_t *log, size_t size, const char *name, Algorithm *algs,
                         size_t *n_algs, size_t *ret_end, CcmError *reterr)
{
    static const char signature[16] = "Spec ID Event03";

    if (!fits(0, 32, size))
        return ccm_error_set(reterr, -EBADMSG, "%s: %zu bytes is too short for an event log",
                             name, size);
    uint32_t type = ccm_load_le32(log + 4), data_size = ccm_load_le32(log + 28);
    if (type != EV_NO_ACTION || !fits(32, data_size, size) || data_size < 24 + 4 ||
        memcmp(log + 32, signature, sizeof(signature)) != 0)
        return ccm_error_set(reterr, -EBADMSG,
                             "%s: the first record is not a TCG2 Spec ID event (\"Spec ID "
                             "Event03\"): not a crypto-agile CCEL log",
                             name);
    const uint8_t *ev = log + 32;
    uint32_t count = ccm_load_le32(ev + 24);
    if (count == 0 || count > MAX_ALGORITHMS || 28 + (size_t) count * 4 > data_size)
        return ccm_error_set(reterr, -EBADMSG,
                             "%s: the Spec ID event lists %u digest algorithms in %u bytes",
                             name, count, data_size);
    bool sha384 = false;
    for (uint32_t i = 0; i < count; i++) {
        algs[i].id = ccm_load_le16(ev + 28 + 4 * i);
        algs[i].size = ccm_load_le16(ev + 30 + 4 * i);
        if (algs[i].id == ALG_SHA384) {
            if (algs[i].size != CCM_SHA384_SIZE)
                return ccm_error_set(reterr, -EBADMSG,
                                     "%s: the Spec ID event gives SHA-384 a size of %u", name,
                                     algs[i].size);
            sha384 = true;
        }
    }
    if (!sha384)
        return ccm_error_set(reterr, -EBADMSG,
                             "%s: the log has no SHA-384 digests (TDX RTMRs are SHA-384)", name);
    *n_algs = count;
    *ret_end = 32 + data_size;
    return 0;
}

/* The end of the log: no room for a record header, or fill (all 0xFF or all zero). */
static bool at_end(const uint8_t *log, size_t off, size_t size)
{
    if (!fits(off, 12, size))
        return true;
    uint32_t mr = ccm_load_le32(log + off), type = ccm_load_le32(log + off + 4);
    return (mr == 0xffffffffu && type == 0xffffffffu) || (mr == 0 && type == 0 &&
                                                          ccm_load_le32(log + off + 8) == 0);
}

int ccm_tcg2_event_log_parse(const void *log_data, size_t size, const char *name,
                             CcmTcg2Event **ret_events, size_t *ret_n, CcmError *reterr)
{
    const uint8_t *log = log_data;
    Algorithm algs[MAX_ALGORITHMS];
    size_t n_algs = 0, off = 0;
    int r;

    if (!name || !ret_events || !ret_n || (!log && size))
        return ccm_error_set(reterr, -EINVAL, "ccm_tcg2_event_log_parse: bad arguments");
    if ((r = parse_spec_id(log, size, name, algs, &n_algs, &off, reterr)) < 0)
        return r;

    size_t cap = 64, n = 0;
    CcmTcg2Event *events = calloc(cap, sizeof(*events));
    if (!events)
        return ccm_error_set(reterr, -ENOMEM, "%s: out of memory", name);
    while (!at_end(log, off, size)) {
        size_t start = off;
        CcmTcg2Event ev = { .index = ccm_load_le32(log + off),
                            .type = ccm_load_le32(log + off + 4), .offset = start };
        uint32_t count = ccm_load_le32(log + off + 8);
        off += 12;
        if (count == 0 || count > n_algs) {
            free(events);
            return ccm_error_set(reterr, -EBADMSG,
                                 "%s: the record at offset %zu has %u digests (the log declares "
                                 "%zu algorithms)",
                                 name, start, count, n_algs);
        }
        for (uint32_t i = 0; i < count; i++) {
            if (!fits(off, 2, size))
                goto truncated;
            uint16_t id = ccm_load_le16(log + off);
            size_t alg = 0;
            while (alg < n_algs && algs[alg].id != id)
                alg++;
            if (alg == n_algs) {
                free(events);
                return ccm_error_set(reterr, -EBADMSG,
                                     "%s: the record at offset %zu has a digest of algorithm "
                                     "0x%04x, which the Spec ID event does not list",
                                     name, start, id);
            }
            if (!fits(off + 2, algs[alg].size, size))
                goto truncated;
            if (id == ALG_SHA384) {
                memcpy(ev.sha384, log + off + 2, CCM_SHA384_SIZE);
                ev.has_sha384 = 1;
            } else if (id == ALG_SHA256 && algs[alg].size == 32) {
                memcpy(ev.sha256, log + off + 2, 32);
                ev.has_sha256 = 1;
            }
            off += 2 + (size_t) algs[alg].size;
        }
        if (!fits(off, 4, size))
            goto truncated;
        uint32_t data_size = ccm_load_le32(log + off);
        off += 4;
        if (data_size > MAX_EVENT_DATA || !fits(off, data_size, size)) {
            free(events);
            return ccm_error_set(reterr, -EBADMSG,
                                 "%s: the record at offset %zu says its event data is %u bytes, "
                                 "past the end of the %zu-byte log",
                                 name, start, data_size, size);
        }
        ev.data = log + off;
        ev.data_size = data_size;
        off += data_size;
        if (ev.type == EV_NO_ACTION)
            continue;
        if (n == cap) {
            CcmTcg2Event *bigger = realloc(events, 2 * cap * sizeof(*events));
            if (!bigger) {
                free(events);
                return ccm_error_set(reterr, -ENOMEM, "%s: out of memory", name);
            }
            events = bigger;
            cap *= 2;
        }
        events[n++] = ev;
        continue;
    truncated:
        free(events);
        return ccm_error_set(reterr, -EBADMSG,
                             "%s: the record at offset %zu is cut off by the end of the %zu-byte "
                             "log (truncated?)",
                             name, start, size);
    }
    *ret_events = events;
    *ret_n = n;
    return 0;
}

int ccm_tdx_event_log_parse(const void *log_data, size_t size, const char *name,
                            CcmTdxEvent **ret_events, size_t *ret_n, CcmError *reterr)
{
    CcmTcg2Event *all = NULL;
    size_t n_all = 0;
    int r = ccm_tcg2_event_log_parse(log_data, size, name, &all, &n_all, reterr);
    if (r < 0)
        return r;
    CcmTdxEvent *events = calloc(n_all ? n_all : 1, sizeof(*events));
    if (!events) {
        free(all);
        return ccm_error_set(reterr, -ENOMEM, "%s: out of memory", name);
    }
    size_t n = 0;
    for (size_t i = 0; i < n_all; i++) {
        const CcmTcg2Event *ev = &all[i];
        if (ev->index < 1 || ev->index > 4)
            continue; /* MR index 0 (MRTD) and above 4 are not extended into RTMRs */
        if (!ev->has_sha384) {
            free(events);
            free(all);
            return ccm_error_set(reterr, -EBADMSG,
                                 "%s: the record at offset %zu has no SHA-384 digest", name,
                                 ev->offset);
        }
        events[n] = (CcmTdxEvent) { .rtmr = ev->index - 1, .type = ev->type, .data = ev->data,
                                    .data_size = ev->data_size, .offset = ev->offset };
        memcpy(events[n++].digest, ev->sha384, CCM_SHA384_SIZE);
    }
    free(all);
    *ret_events = events;
    *ret_n = n;
    return 0;
}

int ccm_tdx_replay(const CcmTdxEvent *events, size_t n, uint8_t ret_rtmrs[4][CCM_SHA384_SIZE],
                   CcmError *reterr)
{
    CcmHasher h;
    uint8_t buf[2 * CCM_SHA384_SIZE];
    int r;

    memset(ret_rtmrs, 0, 4 * CCM_SHA384_SIZE);
    if ((r = ccm_hasher_init(&h, CCM_HASH_SHA384)) < 0)
        return ccm_error_set(reterr, r, "cannot set up SHA-384");
    for (size_t i = 0; i < n; i++) {
        if (events[i].rtmr > 3) {
            ccm_hasher_done(&h);
            return ccm_error_set(reterr, -EINVAL, "event %zu extends RTMR%u (0 to 3 exist)", i,
                                 events[i].rtmr);
        }
        memcpy(buf, ret_rtmrs[events[i].rtmr], CCM_SHA384_SIZE);
        memcpy(buf + CCM_SHA384_SIZE, events[i].digest, CCM_SHA384_SIZE);
        if ((r = ccm_hasher_digest(&h, buf, sizeof(buf), ret_rtmrs[events[i].rtmr])) < 0) {
            ccm_hasher_done(&h);
            return ccm_error_set(reterr, r, "SHA-384 failed");
        }
    }
    ccm_hasher_done(&h);
    return 0;
}
