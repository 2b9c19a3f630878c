/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * ccmctl-rehearse.c - `ccmctl rehearse GUEST.guest`: boot a guest's measured inputs under
 * TCG with ccm-qemu-plugin, then check what the boot consumed against the spec and show
 * what it executed
 *
 * The rehearsal is the spec as a Platform=none guest rehearsing its platform, under TCG,
 * with what decides the measurement (firmware, kernel, initrd, command line, vCPUs,
 * memory, CPU model, machine) and without disks or network (a TCG boot of the measured
 * inputs needs neither, and a tap link needs privileges). The plugin build is picked by
 * the QEMU's version: API level 7 for QEMU 11.1 and later, 4 for 9.2 to 11.0; older QEMU
 * is refused before anything starts. The manifest is checked against the rehearsal's own
 * plan (so QEMU's ACPI files are those of the shape that booted), the map summarised and
 * drawn.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <json-c/json.h>

#include "ccmctl.h"
#include "ccmctl-rehearse.h"
#include "kbs-admin.h"
#include "launch-plan.h"
#include "qemu-argv.h"
#include "qemu-probe.h"

#ifndef CCM_QEMU_PLUGIN_DIR
#define CCM_QEMU_PLUGIN_DIR "/usr/lib/x86_64-linux-gnu/qemu/plugins"
#endif
#define MIN_API 4

/* The plugin API level a QEMU release offers (qemu-libvirt.md §4.1). */
static int plugin_api_of(const CcmQemuCaps *caps)
{
    static const struct {
        int major, minor, level;
    } since[] = {
        { 11, 1, 7 }, { 11, 0, 6 }, { 10, 1, 5 }, { 9, 2, 4 }, { 9, 1, 3 }, { 9, 0, 2 },
    };
    for (size_t i = 0; i < G_N_ELEMENTS(since); i++)
        if (ccm_qemu_caps_version_at_least(caps, since[i].major, since[i].minor))
            return since[i].level;
    return 1;
}

/* The rehearsal of @spec: Platform=none rehearsing what it is measured as, under TCG,
 * without disks or network. */
static gboolean make_rehearsal(CcmGuestSpec *spec, const char *serial_log, GError **error)
{
    CcmGuestPlatform measured = ccm_guest_spec_measured_platform(spec);
    if (measured == CCM_GUEST_PLATFORM_CCA) {
        g_set_error(error, CCM_LAUNCH_ERROR, CCM_LAUNCH_ERROR_UNSUPPORTED,
                    "%s: ccm-qemu-plugin follows x86 boots; Arm CCA realms cannot be rehearsed",
                    spec->path);
        return FALSE;
    }
    spec->platform = CCM_GUEST_PLATFORM_NONE;
    spec->rehearses = measured;
    g_free(spec->accelerator);
    spec->accelerator = g_strdup("tcg");
    g_ptr_array_set_size(spec->disks, 0);
    spec->network = CCM_NETWORK_NONE;
    g_free(spec->serial_log);
    spec->serial_log = g_strdup(serial_log);
    return TRUE;
}

static bool kernel_hashes_of(const CcmGuestSpec *spec)
{
    switch (spec->rehearses) {
    case CCM_GUEST_PLATFORM_SEV:
    case CCM_GUEST_PLATFORM_SEV_ES:
        return spec->sev.kernel_hashes;
    case CCM_GUEST_PLATFORM_SEV_SNP:
        return spec->snp.kernel_hashes;
    default:
        return false;
    }
}

static void progress(const char *name, const char *qemu_version, int api, double seconds)
{
    if (!isatty(STDERR_FILENO))
        return;
    fprintf(stderr, "\rrehearse: %s under TCG (QEMU %s, plugin API %d): %.0f s ", name,
            qemu_version, api, seconds);
    fflush(stderr);
}

int ccmctl_rehearse(int argc, char **argv)
{
    g_autofree char *plugin_dir = NULL, *out_dir = NULL, *svg = NULL;
    gint timeout_s = 600;
    gboolean json = FALSE, attest = FALSE, resource_policy = FALSE;
    g_autofree char *broker = NULL, *admin_key = NULL, *trustee_version = NULL;
    g_autofree char *policy_dir = NULL, *host_id = NULL, *registered = NULL, *vcek_key = NULL;
    g_autofree char *qe_key = NULL;
    g_autoptr(GError) error = NULL;
    GOptionEntry entries[] = {
        { "output-dir", 'o', 0, G_OPTION_ARG_FILENAME, &out_dir,
          "Write manifest.json, map.json, map.svg and the logs here (default: a new "
          "folder in $TMPDIR)", "DIR" },
        { "svg", 0, 0, G_OPTION_ARG_FILENAME, &svg,
          "Draw the map here (default: map.svg in the output folder)", "FILE" },
        { "plugin-dir", 0, 0, G_OPTION_ARG_FILENAME, &plugin_dir,
          "Where ccm-qemu-plugin*.so are (default: $CCM_QEMU_PLUGIN_DIR, else "
          CCM_QEMU_PLUGIN_DIR ")", "DIR" },
        { "timeout", 0, 0, G_OPTION_ARG_INT, &timeout_s,
          "Give up after this many seconds (default 600)", "SECONDS" },
        { "json", 0, 0, G_OPTION_ARG_NONE, &json, "Print JSON", NULL },
        { "attest", 0, 0, G_OPTION_ARG_NONE, &attest,
          "Run the attestation loop: register, boot with a simulated SEV-SNP TEE, let the "
          "guest attest and fetch its secret", NULL },
        { "broker", 0, 0, G_OPTION_ARG_STRING, &broker,
          "With --attest: the KBS, as the guest reaches it (http://HOST:PORT)", "URL" },
        { "admin-key", 0, 0, G_OPTION_ARG_FILENAME, &admin_key,
          "With --attest: the broker's Ed25519 admin private key", "PEM" },
        { "resource-policy", 0, 0, G_OPTION_ARG_NONE, &resource_policy,
          "With --attest: also install ccm's policies", NULL },
        { "policy-dir", 0, 0, G_OPTION_ARG_FILENAME, &policy_dir,
          "With --attest: where ccm's policies are (default " CCM_POLICY_DIR ")", "DIR" },
        { "trustee-version", 0, 0, G_OPTION_ARG_STRING, &trustee_version,
          "With --attest: the broker's trustee release (default 0.21)", "VERSION" },
        { "host-id", 0, 0, G_OPTION_ARG_STRING, &host_id,
          "With --attest: the host id the guest's identity derives from", "ID" },
        { "registered", 0, 0, G_OPTION_ARG_FILENAME, &registered,
          "With --attest: do not register; the broker holds what this earlier record "
          "(expected.json) says", "FILE" },
        { "vcek-key", 0, 0, G_OPTION_ARG_FILENAME, &vcek_key,
          "With --attest: the simulated TEE's signing key (EC P-384, PEM; a test key the "
          "broker trusts)", "PEM" },
        { "qe-key", 0, 0, G_OPTION_ARG_FILENAME, &qe_key,
          "With --attest of a TDX guest: the simulated TDX module's quoting key (EC P-256, "
          "PEM; a test key the broker trusts)", "PEM" },
        { NULL },
    };
    g_set_prgname("ccmctl rehearse");
    g_autoptr(GOptionContext) context = g_option_context_new(
        "GUEST.guest - boot a guest's measured inputs under TCG and show what it consumed "
        "and executed");
    g_option_context_add_main_entries(context, entries, NULL);
    g_option_context_set_description(context,
                                     "Exit status: 0 every input matches and nothing ran from "
                                     "bytes no measurement covers, 1 an input differs, "
                                     "something was flagged or the boot failed, 2 usage "
                                     "error. See ccmctl-rehearse(1).\n");
    if (!g_option_context_parse(context, &argc, &argv, &error))
        return ccmctl_fail("rehearse", error);
    if (argc != 2 || timeout_s <= 0) {
        g_set_error_literal(&error, G_OPTION_ERROR, G_OPTION_ERROR_FAILED,
                            argc != 2 ? "expected one GUEST.guest" : "--timeout must be positive");
        return ccmctl_fail("rehearse", error);
    }
    if (!attest && (broker || admin_key || registered || vcek_key || qe_key || resource_policy)) {
        g_set_error_literal(&error, G_OPTION_ERROR, G_OPTION_ERROR_FAILED,
                            "--broker, --admin-key, --registered, --vcek-key, --qe-key and "
                            "--resource-policy belong to --attest");
        return ccmctl_fail("rehearse", error);
    }
    if (attest && !broker) {
        g_set_error_literal(&error, G_OPTION_ERROR, G_OPTION_ERROR_FAILED,
                            "--attest needs --broker http://HOST:PORT");
        return ccmctl_fail("rehearse", error);
    }
    unsigned trustee_minor = CCM_TRUSTEE_MINOR_DEFAULT;
    if (trustee_version && !ccm_trustee_version_parse(trustee_version, &trustee_minor, &error)) {
        g_prefix_error(&error, "--trustee-version: ");
        return ccmctl_fail("rehearse", error);
    }
    if (!plugin_dir)
        plugin_dir = g_strdup(g_getenv("CCM_QEMU_PLUGIN_DIR") ? g_getenv("CCM_QEMU_PLUGIN_DIR")
                                                                : CCM_QEMU_PLUGIN_DIR);
    if (!out_dir) {
        g_autofree char *tmpl = g_strdup("ccm-rehearse-XXXXXX");
        out_dir = g_dir_make_tmp(tmpl, &error);
        if (!out_dir)
            return ccmctl_fail("rehearse", error);
    } else if (g_mkdir_with_parents(out_dir, 0755) < 0) {
        g_set_error(&error, G_FILE_ERROR, g_file_error_from_errno(errno), "%s: %s", out_dir,
                    g_strerror(errno));
        return ccmctl_fail("rehearse", error);
    }
    g_autofree char *manifest = g_build_filename(out_dir, "manifest.json", NULL);
    g_autofree char *map = g_build_filename(out_dir, "map.json", NULL);
    g_autofree char *serial = g_build_filename(out_dir, "serial.log", NULL);
    g_autofree char *qemu_log = g_build_filename(out_dir, "qemu.log", NULL);
    if (!svg)
        svg = g_build_filename(out_dir, "map.svg", NULL);
    unlink(manifest);
    unlink(map);

    g_autoptr(CcmGuestSpec) spec = ccm_guest_spec_load(argv[1], &error);
    if (!spec || !make_rehearsal(spec, serial, &error))
        return ccmctl_fail("rehearse", error);
    if (attest && spec->rehearses != CCM_GUEST_PLATFORM_SEV_SNP &&
        spec->rehearses != CCM_GUEST_PLATFORM_TDX) {
        g_set_error(&error, CCM_LAUNCH_ERROR, CCM_LAUNCH_ERROR_UNSUPPORTED,
                    "%s: --attest simulates an SEV-SNP TEE or a TDX module; this guest is %s",
                    argv[1], ccm_guest_platform_to_string(spec->rehearses));
        return ccmctl_fail("rehearse", error);
    }
    if (attest && spec->rehearses == CCM_GUEST_PLATFORM_SEV_SNP ? !vcek_key
        : attest ? !qe_key : FALSE) {
        g_set_error(&error, G_OPTION_ERROR, G_OPTION_ERROR_FAILED,
                    "%s: --attest of %s guest needs %s", argv[1],
                    spec->rehearses == CCM_GUEST_PLATFORM_TDX ? "a TDX" : "an SEV-SNP",
                    spec->rehearses == CCM_GUEST_PLATFORM_TDX
                        ? "--qe-key PEM (the simulated TDX module's quoting key)"
                        : "--vcek-key PEM (the simulated TEE's signing key)");
        return ccmctl_fail("rehearse", error);
    }
    g_autoptr(CcmLaunchPlan) plan = ccm_launch_plan_new(g_steal_pointer(&spec), NULL, &error);
    if (!plan)
        return ccmctl_fail("rehearse", error);
    if (strcmp(plan->architecture, "x86_64") != 0) {
        g_set_error(&error, CCM_LAUNCH_ERROR, CCM_LAUNCH_ERROR_UNSUPPORTED,
                    "%s: ccm-qemu-plugin follows x86_64 boots, not %s", plan->spec->path,
                    plan->architecture);
        return ccmctl_fail("rehearse", error);
    }
    g_autoptr(CcmQemuCaps) caps = ccm_qemu_probe(plan->qemu_binary, NULL, &error);
    if (!caps)
        return ccmctl_fail("rehearse", error);
    g_autofree char *version = ccm_qemu_caps_version_string(caps);
    int api = plugin_api_of(caps);
    if (api < MIN_API) {
        g_set_error(&error, CCM_LAUNCH_ERROR, CCM_LAUNCH_ERROR_UNSUPPORTED,
                    "QEMU %s (%s) offers plugin API %d; ccm-qemu-plugin needs %d or later "
                    "(manifest: register and memory reads; map: memory reads), QEMU 9.2 or "
                    "later",
                    version, plan->qemu_binary, api, MIN_API);
        return ccmctl_fail("rehearse", error);
    }
    g_autofree char *plugin = g_build_filename(
        plugin_dir, api >= 7 ? "ccm-qemu-plugin.so" : "ccm-qemu-plugin-api4.so", NULL);
    if (access(plugin, R_OK) < 0) {
        g_set_error(&error, G_FILE_ERROR, g_file_error_from_errno(errno),
                    "%s: %s (the plugin for QEMU %s; --plugin-dir names another folder)",
                    plugin, g_strerror(errno), version);
        return ccmctl_fail("rehearse", error);
    }
    if (attest) {
        if (api < 5) {
            g_set_error(&error, CCM_LAUNCH_ERROR, CCM_LAUNCH_ERROR_UNSUPPORTED,
                        "QEMU %s (%s) offers plugin API %d; the simulated TEE writes the "
                        "guest's answer into its memory and registers, which needs API 5 or "
                        "later (QEMU 10.1 or later)",
                        version, plan->qemu_binary, api);
            return ccmctl_fail("rehearse", error);
        }
        CcmctlRehearseAttest a = {
            .spec_path = argv[1], .host_id = host_id, .registered = registered,
            .vcek_key = vcek_key, .qe_key = qe_key, .timeout_s = timeout_s,
            .broker = { .url = broker, .admin_key = admin_key, .policy_dir = policy_dir,
                        .policies = resource_policy, .retries = 4,
                        .trustee_minor = trustee_minor },
        };
        return ccmctl_rehearse_attest(&a, plan, caps, plugin, out_dir, json);
    }
    struct stat st;
    guint64 firmware_size = plan->firmware && plan->firmware->path &&
                                    stat(plan->firmware->path, &st) == 0
                                ? (guint64) st.st_size
                                : 0;

    CcmQemuArgvOptions options = CCM_QEMU_ARGV_OPTIONS_INIT;
    g_autoptr(GPtrArray) args = ccm_qemu_argv_render(plan, caps, &options, &error);
    if (!args)
        return ccmctl_fail("rehearse", error);
    g_ptr_array_remove_index(args, args->len - 1); /* the NULL */
    g_autofree char *size_arg = firmware_size && firmware_size % 4096 == 0
                                    ? g_strdup_printf(",firmware-size=%" G_GUINT64_FORMAT,
                                                      firmware_size)
                                    : g_strdup("");
    g_ptr_array_add(args, g_strdup("-plugin"));
    g_ptr_array_add(args, g_strdup_printf(
                              "%s,manifest=%s,map=%s,platform=%s,kernel-hashes=%s%s", plugin,
                              manifest, map,
                              plan->spec->rehearses == CCM_GUEST_PLATFORM_NONE
                                  ? "sev-snp"
                                  : ccm_guest_platform_to_string(plan->spec->rehearses),
                              kernel_hashes_of(plan->spec) ? "on" : "off", size_arg));
    g_ptr_array_add(args, g_strdup("-d"));
    g_ptr_array_add(args, g_strdup("plugin"));
    g_ptr_array_add(args, g_strdup("-D"));
    g_ptr_array_add(args, g_strdup(qemu_log));
    g_ptr_array_add(args, NULL);

    GPid pid;
    gint out_fd = -1;
    if (!g_spawn_async_with_pipes(NULL, (char **) args->pdata, NULL,
                                  G_SPAWN_DO_NOT_REAP_CHILD | G_SPAWN_STDOUT_TO_DEV_NULL |
                                      G_SPAWN_STDIN_FROM_DEV_NULL,
                                  NULL, NULL, &pid, NULL, NULL, &out_fd, &error))
        return ccmctl_fail("rehearse", error);
    /* QEMU's stderr: kept for the error message, read after it exits or is stopped. */
    gint64 start = g_get_monotonic_time();
    int status = 0;
    gboolean exited = FALSE, timed_out = FALSE;
    while (!exited) {
        pid_t r = waitpid(pid, &status, WNOHANG);
        if (r == pid) {
            exited = TRUE;
            break;
        }
        double seconds = (double) (g_get_monotonic_time() - start) / G_USEC_PER_SEC;
        if (g_file_test(manifest, G_FILE_TEST_EXISTS) && g_file_test(map, G_FILE_TEST_EXISTS)) {
            /* Recording stopped (the kernel took over): the boot has told what it had to. */
            kill(pid, SIGTERM);
            waitpid(pid, &status, 0);
            exited = TRUE;
            break;
        }
        if (seconds > timeout_s) {
            timed_out = TRUE;
            kill(pid, SIGKILL);
            waitpid(pid, &status, 0);
            break;
        }
        progress(plan->spec->name, version, api, seconds);
        g_usleep(200 * 1000);
    }
    g_spawn_close_pid(pid);
    if (isatty(STDERR_FILENO))
        fputs("\n", stderr);
    char err_text[4096] = "";
    ssize_t n = out_fd >= 0 ? read(out_fd, err_text, sizeof(err_text) - 1) : 0;
    err_text[n > 0 ? n : 0] = '\0';
    if (out_fd >= 0)
        close(out_fd);
    if (!g_file_test(manifest, G_FILE_TEST_EXISTS) || !g_file_test(map, G_FILE_TEST_EXISTS)) {
        g_autofree char *line = g_strndup(err_text, strcspn(err_text, "\n"));
        g_set_error(&error, CCM_LAUNCH_ERROR, CCM_LAUNCH_ERROR_UNSUPPORTED,
                    "%s: the rehearsal %s without the plugin writing its files%s%s (see %s)",
                    plan->spec->name,
                    timed_out ? "timed out" : "ended", line[0] ? ": " : "", line, qemu_log);
        return ccmctl_fail("rehearse", error);
    }

    json_object *manifest_json = NULL, *map_json = NULL;
    int check = ccmctl_manifest_report(plan, manifest, TRUE, json, json ? &manifest_json : NULL);
    int mapped = ccmctl_map_report(map, svg, json, json ? &map_json : NULL);
    if (json) {
        json_object *o = json_object_new_object();
        json_object_object_add(o, "guest", json_object_new_string(plan->spec->name));
        json_object_object_add(o, "qemu", json_object_new_string(version));
        json_object_object_add(o, "plugin_api", json_object_new_int(api));
        json_object_object_add(o, "output_dir", json_object_new_string(out_dir));
        json_object_object_add(o, "manifest", manifest_json);
        json_object_object_add(o, "map", map_json);
        g_autofree char *text = ccmctl_json_text("ccm-rehearse/1", o);
        if (!ccmctl_write_stdout(text, &error))
            return ccmctl_fail("rehearse", error);
    } else {
        g_autofree char *text = g_strdup_printf("files    %s\n", out_dir);
        if (!ccmctl_write_stdout(text, &error))
            return ccmctl_fail("rehearse", error);
    }
    return check == CCMCTL_EXIT_OK && mapped == CCMCTL_EXIT_OK ? CCMCTL_EXIT_OK
                                                               : CCMCTL_EXIT_FAILURE;
}
