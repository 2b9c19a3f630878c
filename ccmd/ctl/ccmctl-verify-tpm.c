/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * ccmctl-verify-tpm.c - ccmctl verify --platform tpm: a vTPM's firmware event log, replayed
 * and set against the PCRs the guest read and the UEFI events ccm predicts
 *
 * The log (/sys/kernel/security/tpm0/binary_bios_measurements) is replayed in the SHA-256
 * and SHA-384 banks; with --pcrs (the PCRs as JSON, {"sha256": {"0": HEX, ...}, ...}) PCRs
 * 0-9 must equal the replay. The events ccm predicts, with the rules it uses for a TD's
 * RTMRs, are compared in the SHA-256 and SHA-384 banks, in order: PCR1's boot variables (for the edk2
 * release the log's own S_CRTM_VERSION names, covered by PCR0), PCR4's kernel image
 * (--kernel: the file as is, or with QEMU's patched setup header, per release and
 * --qemu-version), PCR9's load options (--append, --initrd). The first event that differs
 * is named. With --firmware, --qemu (or --fw-cfg-dir) and --option-rom, PCR0's version
 * and volumes, PCR1's ACPI files and SMBIOS table and PCR2's option ROM drivers too
 * (ccmctl-tpm-inputs.c). An event ccm cannot predict keeps its place and is not compared.
 * A comparison the inputs ask for that cannot be made (the boot variables of a log that
 * names no release, PCR0's events with --firmware, SMBIOS with --firmware and QEMU's
 * files) is listed as unchecked and makes the exit status 1 unless --allow-unchecked.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <gio/gio.h>
#include <json-c/json.h>

#include "ccm/measure.h"
#include "byte-size.h"
#include "ccmctl.h"
#include "ccmctl-tpm-inputs.h"
#include "hex.h"
#include "tpm-expected.h"

#define N_PCRS 24
#define CHECKED_PCRS 10 /* 0-9: the firmware's and the boot loader's; 10 on are the OS's */
#define EV_S_CRTM_VERSION 0x8u
#define EV_EFI_VARIABLE_BOOT 0x80000002u
#define MAX_LOG (16u << 20)

typedef struct Replay {
    uint8_t sha256[N_PCRS][32];
    uint8_t sha384[N_PCRS][CCM_SHA384_SIZE];
} Replay;

static void extend(GChecksumType type, uint8_t *pcr, const uint8_t *digest, gsize size)
{
    GChecksum *c = g_checksum_new(type);
    g_checksum_update(c, pcr, (gssize) size);
    g_checksum_update(c, digest, (gssize) size);
    g_checksum_get_digest(c, pcr, &size);
    g_checksum_free(c);
}

/* The edk2 release (YYYYMM) in OVMF's S_CRTM_VERSION event ("2026.08+ds-2" as UTF-16), or 0. */
static unsigned firmware_release(const CcmTcg2Event *events, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (events[i].index != 0 || events[i].type != EV_S_CRTM_VERSION)
            continue;
        char ascii[32] = "";
        for (size_t k = 0; k + 1 < events[i].data_size && k / 2 < sizeof(ascii) - 1; k += 2)
            ascii[k / 2] = (char) events[i].data[k];
        unsigned year = 0, month = 0;
        if (sscanf(ascii, "%4u.%2u", &year, &month) == 2 && year >= 2000 && month >= 1 &&
            month <= 12)
            return year * 100 + month;
    }
    return 0;
}

/* One predicted event: compared with the next logged one of its PCR and type. */
typedef struct Expected {
    uint32_t pcr, type;
    char *description;
    uint8_t sha256[CCM_SHA256_SIZE];
    uint8_t sha384[CCM_SHA384_SIZE];
    gboolean skip; /* not predicted: it only takes its place among its PCR's events */
} Expected;

static void expected_clear(gpointer p)
{
    g_free(((Expected *) p)->description);
}

static gboolean load_pcrs(const char *path, json_object **ret, GError **error)
{
    *ret = json_object_from_file(path);
    if (!*ret || !json_object_is_type(*ret, json_type_object)) {
        g_set_error(error, G_FILE_ERROR, G_FILE_ERROR_INVAL,
                    "%s: not PCR values as JSON ({\"sha256\": {\"0\": HEX, ...}, ...})", path);
        json_object_put(*ret);
        *ret = NULL;
        return FALSE;
    }
    return TRUE;
}

int ccmctl_verify_tpm(int argc, char **argv)
{
    g_autofree char *platform = NULL, *log_path = NULL, *pcrs_path = NULL, *kernel = NULL;
    g_autofree char *initrd = NULL, *append = NULL, *memory = NULL, *qemu_version = NULL;
    g_autofree char *vars = NULL, *release_text = NULL;
    gboolean json = FALSE, legacy = FALSE, allow_unchecked = FALSE;
    g_autoptr(GError) error = NULL;
    g_auto(CcmctlTpmInputs) tpm = { 0 };
    g_autofree GOptionEntry *tpm_entries = ccmctl_tpm_input_entries(&tpm);
    GOptionEntry entries[] = {
        { "platform", 0, 0, G_OPTION_ARG_STRING, &platform, "tpm", "tpm" },
        { "event-log", 0, 0, G_OPTION_ARG_FILENAME, &log_path,
          "The firmware's TCG2 event log (binary_bios_measurements)", "FILE" },
        { "pcrs", 0, 0, G_OPTION_ARG_FILENAME, &pcrs_path,
          "The PCRs the guest read, as JSON {\"sha256\": {\"0\": HEX, ...}}", "FILE" },
        { "kernel", 0, 0, G_OPTION_ARG_FILENAME, &kernel, "The direct-boot kernel (PCR4)",
          "PATH" },
        { "initrd", 0, 0, G_OPTION_ARG_FILENAME, &initrd, "Its initrd (PCR4, PCR9)", "PATH" },
        { "append", 0, 0, G_OPTION_ARG_STRING, &append, "Its command line (PCR9)", "STRING" },
        { "memory", 0, 0, G_OPTION_ARG_STRING, &memory,
          "The guest's RAM (PCR4 when QEMU patched the kernel's header)", "SIZE" },
        { "qemu-version", 0, 0, G_OPTION_ARG_STRING, &qemu_version,
          "The QEMU release that booted it (default: 10.0 or later; a guest that is not "
          "confidential keeps a patched kernel header unless OVMF reads etc/boot/kernel)", "X.Y" },
        { "edk2-release", 0, 0, G_OPTION_ARG_STRING, &release_text,
          "The OVMF's edk2-stable tag, YYYYMM (default: from the log's S_CRTM_VERSION; older "
          "OVMF logs none)", "YYYYMM" },
        { "vars", 0, 0, G_OPTION_ARG_FILENAME, &vars,
          "The pflash VARS image the guest started from (PCR7: Secure Boot variables)",
          "FILE" },
        { "legacy-loader", 0, 0, G_OPTION_ARG_NONE, &legacy,
          "Secure Boot with an unsigned kernel: the legacy loader measured neither it nor its "
          "command line (they still shape the PEI rehearsal)", NULL },
        { "allow-unchecked", 0, 0, G_OPTION_ARG_NONE, &allow_unchecked,
          "Exit 0 even when a comparison the inputs ask for could not be made (listed as "
          "unchecked)",
          NULL },
        { "json", 0, 0, G_OPTION_ARG_NONE, &json, "Print JSON", NULL },
        { NULL },
    };
    if (ccmctl_help_section("Options of --platform tpm (a vTPM's firmware event log)", entries,
                            tpm_entries))
        return CCMCTL_EXIT_OK;
    g_set_prgname("ccmctl verify");
    g_autoptr(GOptionContext) context = g_option_context_new(
        "--platform tpm - replay a vTPM's firmware event log and compare it");
    g_option_context_add_main_entries(context, entries, NULL);
    g_option_context_add_main_entries(context, tpm_entries, NULL);
    g_option_context_set_description(context, "Exit status: 0 every check passed, 1 a PCR or "
                                              "event differs, a comparison the inputs ask for "
                                              "could not be made (without --allow-unchecked) "
                                              "or an input is bad, 2 usage error. See "
                                              "ccmctl-verify(1).\n");
    if (!g_option_context_parse(context, &argc, &argv, &error))
        return ccmctl_fail("verify", error);
    int qemu_major = 0, qemu_minor = 0;
    guint64 ram = 0;
    const char *usage = NULL;
    if (argc > 1)
        usage = "--platform tpm takes no guest spec";
    else if (!platform || strcmp(platform, "tpm") != 0)
        usage = "--platform tpm is required";
    else if (!log_path)
        usage = "--event-log FILE is required";
    else if (qemu_version && !ccmctl_parse_qemu_version(qemu_version, &qemu_major, &qemu_minor))
        usage = "--qemu-version: expected MAJOR.MINOR, e.g. 10.1";
    else if (memory && !ccm_byte_size_parse(memory, &ram))
        usage = "--memory: expected bytes or a number with K, M or G, e.g. 2G";
    else if (release_text && (!g_ascii_isdigit(release_text[0]) ||
                              strlen(release_text) != 6 ||
                              g_ascii_strtoull(release_text, NULL, 10) < 201501))
        usage = "--edk2-release: expected YYYYMM, e.g. 202502";
    else if (kernel && !memory)
        usage = "--kernel needs --memory (the header QEMU patches holds RAM-dependent values)";
    else
        usage = ccmctl_tpm_inputs_check(&tpm, memory);
    if (usage) {
        g_set_error_literal(&error, G_OPTION_ERROR, G_OPTION_ERROR_FAILED, usage);
        return ccmctl_fail("verify", error);
    }

    g_autofree char *log = NULL;
    gsize log_size = 0;
    if (!g_file_get_contents(log_path, &log, &log_size, &error))
        return ccmctl_fail("verify", error);
    CcmTcg2Event *events = NULL;
    size_t n = 0;
    CcmError err = { 0 };
    if (log_size > MAX_LOG ||
        ccm_tcg2_event_log_parse(log, log_size, log_path, &events, &n, &err) < 0) {
        g_set_error(&error, G_FILE_ERROR, G_FILE_ERROR_INVAL, "%s",
                    log_size > MAX_LOG ? "the event log is larger than 16 MiB" : err.message);
        return ccmctl_fail("verify", error);
    }

    /* Replay. */
    Replay replay = { 0 };
    for (size_t i = 0; i < n; i++) {
        if (events[i].index >= N_PCRS || !events[i].has_sha256 || !events[i].has_sha384) {
            g_set_error(&error, G_FILE_ERROR, G_FILE_ERROR_INVAL,
                        "%s: the record at offset %zu %s", log_path, events[i].offset,
                        events[i].index >= N_PCRS ? "names a PCR above 23"
                                                  : "lacks a SHA-256 or SHA-384 digest");
            free(events);
            return ccmctl_fail("verify", error);
        }
        extend(G_CHECKSUM_SHA256, replay.sha256[events[i].index], events[i].sha256, 32);
        extend(G_CHECKSUM_SHA384, replay.sha384[events[i].index], events[i].sha384,
               CCM_SHA384_SIZE);
    }
    json_object *out = json_object_new_object(), *pcr_results = json_object_new_array();
    g_autoptr(GString) text = g_string_new(NULL);
    int failures = 0;
    g_string_append_printf(text, "event log  %s: %zu measured events\n", log_path, n);

    if (pcrs_path) {
        json_object *pcrs = NULL;
        if (!load_pcrs(pcrs_path, &pcrs, &error)) {
            free(events);
            json_object_put(out);
            json_object_put(pcr_results);
            return ccmctl_fail("verify", error);
        }
        static const char *const banks[] = { "sha256", "sha384" };
        int compared = 0;
        for (int b = 0; b < 2; b++) {
            json_object *bank = NULL;
            if (!json_object_object_get_ex(pcrs, banks[b], &bank))
                continue;
            for (int i = 0; i < CHECKED_PCRS; i++) {
                char key[4];
                snprintf(key, sizeof(key), "%d", i);
                json_object *v = NULL;
                if (!json_object_object_get_ex(bank, key, &v))
                    continue;
                g_autofree char *replayed = ccm_hex_encode(b ? replay.sha384[i] : replay.sha256[i],
                                                           b ? CCM_SHA384_SIZE : 32);
                const char *given = json_object_get_string(v);
                gboolean same = given && g_ascii_strcasecmp(given, replayed) == 0;
                compared++;
                if (!same) {
                    failures++;
                    g_string_append_printf(text, "PCR%-2d %s  the log replays to %s, the guest "
                                                 "read %s\n",
                                           i, banks[b], replayed, given ? given : "(none)");
                }
                json_object *r = json_object_new_object();
                json_object_object_add(r, "pcr", json_object_new_int(i));
                json_object_object_add(r, "bank", json_object_new_string(banks[b]));
                json_object_object_add(r, "replayed", json_object_new_string(replayed));
                json_object_object_add(r, "read", given ? json_object_new_string(given) : NULL);
                json_object_object_add(r, "match", json_object_new_boolean(same));
                json_object_array_add(pcr_results, r);
            }
        }
        json_object_put(pcrs);
        g_string_append_printf(text, "PCRs       %d values of PCR 0-9 compared with %s: %s\n",
                               compared, pcrs_path, failures ? "DIFFERENT" : "equal");
    }

    /* What ccm predicts (launch/tpm-expected.c, the engine of `ccmctl measure --platform
     * tpm`); the events it does not model are skipped here. */
    unsigned release = release_text ? (unsigned) g_ascii_strtoull(release_text, NULL, 10)
                                    : firmware_release(events, n);
    if (!release)
        g_string_append(text, "note       the log names no OVMF release (no S_CRTM_VERSION "
                              "\"YYYY.MM...\"; give --edk2-release): boot variables not "
                              "compared, kernel and load-options rules of the oldest OVMF\n");
    CcmTpmInputs in = { .edk2_release = release, .vars = vars, .kernel = kernel,
                        .initrd = initrd, .append = append, .memory = ram,
                        .qemu_major = qemu_major, .qemu_minor = qemu_minor,
                        .secure_boot_legacy = legacy };
    unsigned flags = 0;
    g_autoptr(GArray) predicted = NULL;
    gboolean loaded = ccmctl_tpm_inputs_load(&tpm, memory, &in, &error);
    release = in.edk2_release; /* a known --firmware names the release the log did not */
    if (!loaded || !(predicted = ccm_tpm_expected_events(&in, &flags, &error))) {
        free(events);
        json_object_put(out);
        json_object_put(pcr_results);
        return ccmctl_fail("verify", error);
    }
    g_autoptr(GArray) expected = g_array_new(FALSE, TRUE, sizeof(Expected));
    g_array_set_clear_func(expected, expected_clear);
    /* Skipped events the inputs ask for: the boot variables (always compared, but not
     * without a release), PCR0's with --firmware, PCR1's (SMBIOS) with --firmware and
     * QEMU's files (the ACPI files are unknown only without those). */
    g_autoptr(GPtrArray) unchecked = g_ptr_array_new_with_free_func(g_free);
    for (guint i = 0; i < predicted->len; i++) {
        const CcmTpmEvent *p = &g_array_index(predicted, CcmTpmEvent, i);
        Expected e = { p->pcr, p->type, g_strdup(p->description) };
        e.skip = !p->known || (!release && p->type == EV_EFI_VARIABLE_BOOT);
        if ((p->known && e.skip) ||
            (!p->known && tpm.firmware &&
             (p->pcr == 0 || (p->pcr == 1 && (tpm.qemu || tpm.fw_cfg_dir)))))
            g_ptr_array_add(unchecked, g_strdup_printf("PCR%u %s", p->pcr, p->description));
        memcpy(e.sha256, p->sha256, CCM_SHA256_SIZE);
        memcpy(e.sha384, p->sha384, CCM_SHA384_SIZE);
        g_array_append_val(expected, e);
    }

    /* Each predicted event against the next logged one of its PCR and type. */
    json_object *event_results = json_object_new_array();
    g_autofree char *first = NULL;
    guint compared = 0;
    /* Where the search for the next event of each PCR and type resumes. */
    g_autoptr(GHashTable) cursor = g_hash_table_new(g_int64_hash, g_int64_equal);
    g_autofree gint64 *keys = g_new0(gint64, expected->len ? expected->len : 1);
    g_autofree gsize *next = g_new0(gsize, expected->len ? expected->len : 1);
    for (guint i = 0; i < expected->len; i++) {
        const Expected *e = &g_array_index(expected, Expected, i);
        keys[i] = (gint64) e->pcr << 32 | e->type;
        gsize *from = g_hash_table_lookup(cursor, &keys[i]);
        if (!from) {
            from = &next[i];
            g_hash_table_insert(cursor, &keys[i], from);
        }
        const CcmTcg2Event *found = NULL;
        unsigned ordinal = 0;
        for (size_t k = *from; k < n && !found; k++)
            if (events[k].index == e->pcr && events[k].type == e->type) {
                found = &events[k];
                *from = k + 1;
            }
        for (size_t k = 0; found && &events[k] != found; k++)
            ordinal += events[k].index == e->pcr;
        if (e->skip)
            continue;
        compared++;
        /* Both banks (the replay above needs both in every record). */
        gboolean same = found && memcmp(found->sha384, e->sha384, CCM_SHA384_SIZE) == 0 &&
                        memcmp(found->sha256, e->sha256, CCM_SHA256_SIZE) == 0;
        g_autofree char *want = ccm_hex_encode(e->sha384, CCM_SHA384_SIZE);
        g_autofree char *got = found ? ccm_hex_encode(found->sha384, CCM_SHA384_SIZE) : NULL;
        if (!same) {
            failures++;
            if (!first)
                first = g_strdup_printf("PCR%u event %u (%s)", e->pcr, ordinal + 1,
                                        e->description);
            g_string_append_printf(text, "PCR%-2u %s: log %s, expected %s\n", e->pcr,
                                   e->description, got ? got : "(no such event)", want);
        }
        json_object *r = json_object_new_object();
        json_object_object_add(r, "pcr", json_object_new_int((int) e->pcr));
        json_object_object_add(r, "event", json_object_new_string(e->description));
        json_object_object_add(r, "logged", got ? json_object_new_string(got) : NULL);
        json_object_object_add(r, "expected", json_object_new_string(want));
        json_object_object_add(r, "match", json_object_new_boolean(same));
        json_object_array_add(event_results, r);
    }
    g_string_append_printf(text, "events     %u predicted events compared (OVMF %u, %s, "
                                 "initrd=initrd %s): %s\n",
                           compared, release,
                           flags & CCM_TDX_BOOT_KERNEL_FILE ? "kernel file as is"
                                                            : "kernel header patched",
                           flags & CCM_TDX_BOOT_INITRD_FIRST ? "first" : "last",
                           first ? "DIFFERENT" : "equal");
    g_string_append_printf(text, "first difference: %s\n", first ? first : "(none)");
    g_string_append(text, "not predicted:");
    for (guint i = 0; i < predicted->len; i++) {
        const CcmTpmEvent *p = &g_array_index(predicted, CcmTpmEvent, i);
        if (!p->known)
            g_string_append_printf(text, " PCR%u %s;", p->pcr, p->description);
    }
    g_string_append_c(text, '\n');
    json_object *unchecked_json = json_object_new_array();
    for (guint i = 0; i < unchecked->len; i++) {
        json_object_array_add(unchecked_json, json_object_new_string(unchecked->pdata[i]));
        g_string_append_printf(text, "%s%s", i ? "; " : "unchecked: ",
                               (const char *) unchecked->pdata[i]);
    }
    if (unchecked->len)
        g_string_append_printf(text, " (%s)\n",
                               allow_unchecked ? "allowed by --allow-unchecked"
                                               : "--allow-unchecked accepts this");
    json_object_object_add(out, "event_log", json_object_new_string(log_path));
    json_object_object_add(out, "events", json_object_new_int((int) n));
    json_object_object_add(out, "edk2_release", release ? json_object_new_int((int) release)
                                                        : NULL);
    json_object_object_add(out, "pcrs", pcr_results);
    json_object_object_add(out, "event_comparison", event_results);
    json_object_object_add(out, "first_difference", first ? json_object_new_string(first) : NULL);
    json_object_object_add(out, "unchecked", unchecked_json);
    json_object_object_add(out, "result", json_object_new_string(failures         ? "differ"
                                                                 : unchecked->len ? "unchecked"
                                                                                  : "match"));
    g_autofree char *printed = NULL;
    if (json) {
        printed = ccmctl_json_text("ccm-verify-tpm/1", out);
    } else {
        printed = g_strdup(text->str);
        json_object_put(out);
    }
    free(events);
    if (!ccmctl_write_stdout(printed, &error))
        return ccmctl_fail("verify", error);
    return failures || (unchecked->len && !allow_unchecked) ? CCMCTL_EXIT_FAILURE
                                                            : CCMCTL_EXIT_OK;
}
