/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* ccmctl.h - the ccmctl commands and what their exit codes mean */
#pragma once

#include <glib.h>

struct json_object;

/* Exit codes shared by every ccmctl command; see ccmctl(1). */
enum {
    CCMCTL_EXIT_OK = 0,
    CCMCTL_EXIT_FAILURE = 1, /* the input was understood but the job failed */
    CCMCTL_EXIT_USAGE = 2,   /* bad option, value or combination */
    CCMCTL_EXIT_INCOMPLETE = 3, /* measure: printed, but a register could not be predicted;
                                 * drift: printed, but a guest's values could not be told */
    CCMCTL_EXIT_CHANGES = 4,    /* drift: printed; at least one guest's values change */
};

/* ccmd's socket when neither --socket nor $CCMD_SOCKET names one. */
#define CCMCTL_DEFAULT_SOCKET "/run/ccmd/io.ccm.Manager"

int ccmctl_guest_command(int argc, char **argv);
int ccmctl_drift(int argc, char **argv);
int ccmctl_host_check(int argc, char **argv);
int ccmctl_host(int argc, char **argv);
int ccmctl_measure(int argc, char **argv);
int ccmctl_measure_cca(int argc, char **argv);
int ccmctl_measure_tdx(int argc, char **argv);
int ccmctl_measure_tpm(int argc, char **argv);

/* How `ccmctl measure` prints an expectation. ccmctl_measure_notes(): on stderr, with
 * @explain the explanation, then the notes. ccmctl_measure_print(): the same, then on
 * stdout the JSON (@output "json") or the primary values one per line, in hex ("hex",
 * "firmware-digest", NULL) or base64 ("base64"); returns the exit code. */
struct CcmExpectation;
void ccmctl_measure_notes(const struct CcmExpectation *e, gboolean explain);
int ccmctl_measure_print(const struct CcmExpectation *e, const char *output, gboolean explain);
int ccmctl_render(int argc, char **argv);
int ccmctl_define(int argc, char **argv);

/* The domain XML of @owned_spec (consumed) as render --libvirt and define write it: with
 * the guest's identity (derived from @host_id, NULL: this host's), checked against
 * @libvirt (NULL: not checked), which @whose names in the error ("the libvirt at URI").
 * @uuid: the domain's <uuid> (NULL: none). @ret_plan (optional) gets the plan the XML
 * describes. */
struct CcmGuestSpec;
struct CcmLaunchPlan;
struct CcmLibvirtVersion;
char *ccmctl_libvirt_xml(struct CcmGuestSpec *owned_spec, const char *host_id,
                         const struct CcmLibvirtVersion *libvirt, const char *whose,
                         const char *uuid, struct CcmLaunchPlan **ret_plan, GError **error);

/* The guest spec of the libvirt domain @name at @uri (NULL: libvirt's default), read from
 * its persistent XML as ccm's libvirt hook reads it at launch. */
struct CcmGuestSpec *ccmctl_domain_spec(const char *uri, const char *name, GError **error);
int ccmctl_verify(int argc, char **argv);
int ccmctl_verify_cca(int argc, char **argv);
int ccmctl_verify_snp(int argc, char **argv);
int ccmctl_verify_sev(int argc, char **argv);
int ccmctl_verify_tpm(int argc, char **argv);
int ccmctl_verify_manifest(int argc, char **argv);
int ccmctl_verify_vtpm(int argc, char **argv);
/* --at of the verify commands: "@UNIX-SECONDS", an ISO 8601 time (UTC unless it names a
 * zone) or a date (its midnight UTC). FALSE for anything else or a time before 1970. */
gboolean ccmctl_parse_at(const char *text, gint64 *ret);
int ccmctl_map(int argc, char **argv);
int ccmctl_rehearse(int argc, char **argv);

/* Prints the execution map at @path (summary and flagged ranges, or JSON; with @ret_json
 * returned there instead) and draws it into @svg when given; returns 0 when nothing
 * flagged ran, else 1. */
int ccmctl_map_report(const char *path, const char *svg, gboolean json,
                      struct json_object **ret_json);

/* Prints what the boot manifest at @manifest_path consumed against @plan's inputs (with
 * QEMU's ACPI files when @acpi), one line per input or JSON; returns 0 when every input
 * matches, else names the first that differs on stderr and returns 1. With @ret_json, the
 * JSON object is returned there instead of printed. */
int ccmctl_manifest_report(const struct CcmLaunchPlan *plan, const char *manifest_path,
                           gboolean acpi, gboolean json, struct json_object **ret_json);
int ccmctl_register(int argc, char **argv);
int ccmctl_export(int argc, char **argv);
int ccmctl_snp_id_block(int argc, char **argv);
int ccmctl_snp_policy(int argc, char **argv);

/* The --help of a command whose --platform values have parsers of their own (measure,
 * verify) lists their options too: ccmctl_help_sections() calls each of
 * @commands_with_sections (NULL-terminated) with no arguments, and each, right after its
 * option entries are made, calls ccmctl_help_section() with them, which then adds them
 * under @title to the text returned and answers TRUE: the command returns at once. At
 * any other time ccmctl_help_section() answers FALSE. */
char *ccmctl_help_sections(int (*const *commands_with_sections)(int argc, char **argv));
gboolean ccmctl_help_section(const char *title, const GOptionEntry *entries,
                             const GOptionEntry *more);

/* Whether @argv asks for --help (-h, -?, --help-all). */
gboolean ccmctl_wants_help(int argc, char **argv);

/* Prints "ccmctl COMMAND: MESSAGE" on stderr and returns the exit code for @error. */
int ccmctl_fail(const char *command, const GError *error);

/* Writes @text to stdout and flushes; FALSE (with @error) if stdout failed. */
gboolean ccmctl_write_stdout(const char *text, GError **error);

/* The text of a JSON document as --json prints it (pretty, newline-terminated; see
 * "JSON OUTPUT" in ccmctl(1)): @members (consumed) with "format": @format first, or with
 * @format NULL @members as is (already a document). */
char *ccmctl_json_text(const char *format, struct json_object *members);

/* --json where a command also has a choice of output forms (@option: "--output",
 * "--format"): sets *@output to "json"; a usage error when it names another form. */
gboolean ccmctl_json_option(gboolean json, const char *option, char **output, GError **error);

/* Where and how `ccmctl register` (and `ccmctl rehearse --attest`) write to a Trustee KBS. */
typedef struct CcmctlBrokerOptions {
    const char *url, *admin_key, *ca_file, *policy_dir, *role, *issuer, *audience;
    gboolean insecure, policies;
    unsigned retries;
    unsigned trustee_minor;
} CcmctlBrokerOptions;

/* Registers the expected values of the guest in @spec_path (with the identity it gets on
 * @host_id, NULL for this host) and reads them back: its launch measurement (hex) and
 * identity (base64) on success. */
gboolean ccmctl_broker_register_spec(const char *spec_path, const char *host_id,
                                     const CcmctlBrokerOptions *o, char **ret_measurement,
                                     char **ret_identity_b64, GError **error);

/* "MAJOR.MINOR" (as --qemu-version takes it), 1.0 or later. */
gboolean ccmctl_parse_qemu_version(const char *text, int *ret_major, int *ret_minor);
