/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * ccmctl-rehearse-attest.c - `ccmctl rehearse --attest`: the whole attestation loop under TCG
 *
 * The spec's expected measurement is registered with the broker (or taken from an earlier
 * registration's record, --registered), then the rehearsal boots with ccm-qemu-plugin's
 * simulated SEV-SNP TEE or TDX module, which measures what QEMU really loaded. The guest (ccm-guest-attest
 * in its initramfs) reaches the broker over its second serial port, which QEMU connects to
 * the broker's plain-HTTP port, attests and prints its secret on the first. When the broker
 * refuses, the simulated TEE's inputs are set against the registered ones, input by input, so
 * the one that differs is named.
 *
 * The record of a registration (expected.json in the output folder) holds the measurement
 * and the inputs it was computed from, in the simulated TEE's own terms.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <json-c/json.h>

#include "ccmctl.h"
#include "ccmctl-rehearse.h"
#include "hex.h"
#include "launch-plan.h"
#include "qemu-argv.h"

static void step(const char *format, ...) G_GNUC_PRINTF(1, 2);
static void step(const char *format, ...)
{
    va_list ap;
    va_start(ap, format);
    g_autofree char *text = g_strdup_vprintf(format, ap);
    va_end(ap);
    fprintf(stderr, "rehearse: %s\n", text);
    fflush(stderr);
}

static char *file_sha256(const char *path, GError **error)
{
    g_autofree char *data = NULL;
    gsize n = 0;
    if (!g_file_get_contents(path, &data, &n, error))
        return NULL;
    return g_compute_checksum_for_data(G_CHECKSUM_SHA256, (const guchar *) data, n);
}

/* The inputs the registered measurement was computed from, named as the plugin names them. */
static json_object *expected_inputs(const CcmLaunchPlan *plan, const char *identity_hex,
                                    GError **error)
{
    const CcmGuestSpec *spec = plan->spec;
    bool tdx = spec->rehearses == CCM_GUEST_PLATFORM_TDX;
    json_object *o = json_object_new_object();
    g_autofree char *fw = plan->firmware && plan->firmware->path
                              ? file_sha256(plan->firmware->path, error)
                              : NULL;
    if (plan->firmware && plan->firmware->path && !fw) {
        json_object_put(o);
        return NULL;
    }
    if (fw)
        json_object_object_add(o, "firmware_sha256", json_object_new_string(fw));
    if (tdx) {
        json_object_object_add(o, "memory", json_object_new_int64((int64_t) spec->memory));
        json_object_object_add(o, "mrconfigid", json_object_new_string(identity_hex));
    } else {
        json_object_object_add(o, "vcpus", json_object_new_int((int) spec->vcpus));
        uint32_t signature = spec->cpu_signature;
        if (!signature && spec->cpu_model)
            (void) ccm_vcpu_signature_from_model(spec->cpu_model, &signature);
        if (signature) {
            g_autofree char *sig = g_strdup_printf("0x%08x", signature);
            json_object_object_add(o, "cpuid_signature", json_object_new_string(sig));
        }
        g_autofree char *policy = g_strdup_printf("0x%" G_GINT64_MODIFIER "x", spec->snp.policy);
        json_object_object_add(o, "policy", json_object_new_string(policy));
        json_object_object_add(o, "host_data", json_object_new_string(identity_hex));
    }
    if (spec->kernel && (tdx || spec->snp.kernel_hashes)) {
        g_autofree char *k = file_sha256(spec->kernel, error);
        g_autofree char *i = spec->initrd ? file_sha256(spec->initrd, error)
                             : tdx        ? NULL
                                          : g_compute_checksum_for_data(G_CHECKSUM_SHA256,
                                                                        (const guchar *) "", 0);
        if (!k || (!i && (spec->initrd || !tdx))) {
            json_object_put(o);
            return NULL;
        }
        json_object_object_add(o, "kernel_sha256", json_object_new_string(k));
        json_object_object_add(o, "initrd_sha256", i ? json_object_new_string(i) : NULL);
        json_object_object_add(o, "cmdline",
                               json_object_new_string(spec->cmdline ? spec->cmdline : ""));
    }
    return o;
}

/* Names for the inputs, in the order a reader wants them. */
static const struct {
    const char *key, *what;
} input_names[] = {
    { "firmware_sha256", "firmware (SHA-256 of the image)" },
    { "kernel_sha256", "kernel (SHA-256)" },
    { "initrd_sha256", "initrd (SHA-256)" },
    { "cmdline", "kernel command line" },
    { "vcpus", "vCPUs" },
    { "memory", "RAM (bytes, from the e820 map)" },
    { "cpuid_signature", "CPUID signature (CPU model)" },
    { "policy", "SNP guest policy" },
    { "host_data", "HOST_DATA (the guest's identity)" },
    { "mrconfigid", "MRCONFIGID (the guest's identity)" },
};

/* Prints every input that differs; returns how many. */
static unsigned report_differences(json_object *registered, json_object *observed, json_object *out)
{
    unsigned n = 0;
    for (size_t i = 0; i < G_N_ELEMENTS(input_names); i++) {
        json_object *a = NULL, *b = NULL;
        bool has_a = json_object_object_get_ex(registered, input_names[i].key, &a);
        bool has_b = json_object_object_get_ex(observed, input_names[i].key, &b);
        const char *sa = !has_a ? "(not measured)" : a ? json_object_get_string(a) : "(none)";
        const char *sb = !has_b ? "(not measured)" : b ? json_object_get_string(b) : "(none)";
        if (strcmp(sa, sb) == 0)
            continue;
        n++;
        step("differs:  %s: registered %s, the guest booted with %s", input_names[i].what, sa,
             sb);
        json_object *d = json_object_new_object();
        json_object_object_add(d, "input", json_object_new_string(input_names[i].key));
        json_object_object_add(d, "registered", json_object_new_string(sa));
        json_object_object_add(d, "booted", json_object_new_string(sb));
        json_object_array_add(out, d);
    }
    return n;
}

/* The guest's verdict from its serial log: 0 secret, 1 refused, -1 nothing (yet). */
static int guest_verdict(const char *serial, char **ret_line)
{
    g_autofree char *text = NULL;
    if (!g_file_get_contents(serial, &text, NULL, NULL))
        return -1;
    g_auto(GStrv) lines = g_strsplit(text, "\n", -1);
    for (char **l = lines; *l; l++) {
        char *line = g_strstrip(*l);
        const char *at = strstr(line, "ccm-guest-attest: ");
        if (!at)
            continue;
        at += strlen("ccm-guest-attest: ");
        if (g_str_has_prefix(at, "secret ")) {
            *ret_line = g_strdup(at + strlen("secret "));
            return 0;
        }
        if (g_str_has_prefix(at, "refused") || g_str_has_prefix(at, "error")) {
            *ret_line = g_strdup(at);
            return 1;
        }
    }
    return -1;
}

int ccmctl_rehearse_attest(const CcmctlRehearseAttest *a, CcmLaunchPlan *plan,
                           const CcmQemuCaps *caps, const char *plugin, const char *out_dir,
                           gboolean json_out)
{
    g_autoptr(GError) error = NULL;
    g_autofree char *expected_path = g_build_filename(out_dir, "expected.json", NULL);
    g_autofree char *measurement_path = g_build_filename(out_dir, "measurement.json", NULL);
    g_autofree char *manifest = g_build_filename(out_dir, "manifest.json", NULL);
    g_autofree char *serial = plan->spec->serial_log ? g_strdup(plan->spec->serial_log)
                                                     : g_build_filename(out_dir, "serial.log", NULL);
    g_autofree char *qemu_log = g_build_filename(out_dir, "qemu.log", NULL);
    unlink(measurement_path);
    unlink(serial);

    /* The broker's address, for the guest's serial line. */
    g_autoptr(GUri) uri = g_uri_parse(a->broker.url, G_URI_FLAGS_NONE, &error);
    if (!uri)
        return ccmctl_fail("rehearse", error);
    if (strcmp(g_uri_get_scheme(uri), "http") != 0 || g_uri_get_port(uri) <= 0) {
        g_set_error(&error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                    "--broker %s: the rehearsed guest reaches the broker over a serial line in "
                    "plain HTTP; give the broker's http://HOST:PORT", a->broker.url);
        return ccmctl_fail("rehearse", error);
    }

    /* 1. The expectation: registered now, or recorded by an earlier registration. */
    json_object *expected = NULL;
    if (a->registered) {
        expected = json_object_from_file(a->registered);
        json_object *m = NULL, *in = NULL;
        if (!expected || !json_object_object_get_ex(expected, "measurement", &m) ||
            !json_object_object_get_ex(expected, "inputs", &in) ||
            !json_object_is_type(in, json_type_object)) {
            g_set_error(&error, G_FILE_ERROR, G_FILE_ERROR_INVAL,
                        "--registered %s: not a registration record (expected.json of an "
                        "earlier `ccmctl rehearse --attest`: \"measurement\" and \"inputs\")",
                        a->registered);
            json_object_put(expected);
            return ccmctl_fail("rehearse", error);
        }
        step("expected: %s (registered earlier: %s)", json_object_get_string(m), a->registered);
    } else {
        g_autofree char *measurement = NULL, *identity_b64 = NULL;
        if (!ccmctl_broker_register_spec(a->spec_path, a->host_id, &a->broker, &measurement,
                                         &identity_b64, &error))
            return ccmctl_fail("rehearse", error);
        gsize n = 0;
        g_autofree guchar *identity = g_base64_decode(identity_b64, &n);
        g_autofree char *identity_hex = ccm_hex_encode(identity, n);
        json_object *inputs = expected_inputs(plan, identity_hex, &error);
        if (!inputs)
            return ccmctl_fail("rehearse", error);
        expected = json_object_new_object();
        json_object_object_add(expected, "format",
                               json_object_new_string("ccm-registration-record"));
        json_object_object_add(expected, "guest", json_object_new_string(plan->spec->name));
        json_object_object_add(expected, "broker", json_object_new_string(a->broker.url));
        json_object_object_add(expected, "measurement", json_object_new_string(measurement));
        json_object_object_add(expected, "inputs", inputs);
        if (json_object_to_file_ext(expected_path, expected, JSON_C_TO_STRING_PRETTY) < 0) {
            g_set_error(&error, G_FILE_ERROR, G_FILE_ERROR_FAILED, "%s: cannot write it",
                        expected_path);
            json_object_put(expected);
            return ccmctl_fail("rehearse", error);
        }
        step("measured: %s (ccmctl measure, from the spec)", measurement);
        step("registered with %s (read back, identical)", a->broker.url);
    }
    json_object *exp_inputs = NULL, *exp_measurement = NULL;
    json_object_object_get_ex(expected, "inputs", &exp_inputs);
    json_object_object_get_ex(expected, "measurement", &exp_measurement);
    bool tdx = plan->spec->rehearses == CCM_GUEST_PLATFORM_TDX;
    json_object *hd = NULL, *pol = NULL, *mc = NULL;
    const char *host_data = json_object_object_get_ex(exp_inputs, "host_data", &hd)
                                ? json_object_get_string(hd) : NULL;
    const char *mrconfigid = json_object_object_get_ex(exp_inputs, "mrconfigid", &mc)
                                 ? json_object_get_string(mc) : NULL;
    const char *policy = json_object_object_get_ex(exp_inputs, "policy", &pol)
                             ? json_object_get_string(pol) : "0x30000";

    /* 2. The boot, with the simulated TEE and the guest's line to the broker. */
    CcmQemuArgvOptions options = CCM_QEMU_ARGV_OPTIONS_INIT;
    g_autoptr(GPtrArray) args = ccm_qemu_argv_render(plan, caps, &options, &error);
    if (!args) {
        json_object_put(expected);
        return ccmctl_fail("rehearse", error);
    }
    g_ptr_array_remove_index(args, args->len - 1); /* the NULL */
    g_ptr_array_add(args, g_strdup("-serial"));
    g_ptr_array_add(args, g_strdup_printf("tcp:%s:%d", g_uri_get_host(uri), g_uri_get_port(uri)));
    g_autoptr(GString) plugin_arg = g_string_new(plugin);
    if (tdx) {
        g_string_append_printf(plugin_arg, ",tee=tdx,qe-key=%s,measurement=%s,manifest=%s",
                               a->qe_key, measurement_path, manifest);
        if (mrconfigid && strlen(mrconfigid) == 96)
            g_string_append_printf(plugin_arg, ",mrconfigid=%s", mrconfigid);
    } else {
        g_string_append_printf(plugin_arg,
                               ",tee=snp,vcek-key=%s,measurement=%s,manifest=%s,policy=%s",
                               a->vcek_key, measurement_path, manifest, policy);
        if (host_data && strlen(host_data) == 64)
            g_string_append_printf(plugin_arg, ",host-data=%s", host_data);
    }
    if (!tdx && plan->spec->snp.guest_features)
        g_string_append_printf(plugin_arg, ",sev-features=0x%" G_GINT64_MODIFIER "x",
                               plan->spec->snp.guest_features);
    g_ptr_array_add(args, g_strdup("-plugin"));
    g_ptr_array_add(args, g_string_free(g_steal_pointer(&plugin_arg), FALSE));
    g_ptr_array_add(args, g_strdup("-d"));
    g_ptr_array_add(args, g_strdup("plugin"));
    g_ptr_array_add(args, g_strdup("-D"));
    g_ptr_array_add(args, g_strdup(qemu_log));
    g_ptr_array_add(args, NULL);

    g_autofree char *version = ccm_qemu_caps_version_string(caps);
    step("booting: %s under TCG (QEMU %s) with a simulated %s; the guest attests",
         plan->spec->name, version, tdx ? "TDX module" : "SEV-SNP TEE");
    GPid pid;
    gint err_fd = -1;
    if (!g_spawn_async_with_pipes(NULL, (char **) args->pdata, NULL,
                                  G_SPAWN_DO_NOT_REAP_CHILD | G_SPAWN_STDOUT_TO_DEV_NULL |
                                      G_SPAWN_STDIN_FROM_DEV_NULL,
                                  NULL, NULL, &pid, NULL, NULL, &err_fd, &error)) {
        json_object_put(expected);
        return ccmctl_fail("rehearse", error);
    }
    gint64 start = g_get_monotonic_time();
    int status = 0, verdict = -1;
    gboolean timed_out = FALSE;
    g_autofree char *verdict_line = NULL;
    for (;;) {
        if (waitpid(pid, &status, WNOHANG) == pid)
            break;
        if (verdict < 0)
            verdict = guest_verdict(serial, &verdict_line);
        if ((double) (g_get_monotonic_time() - start) / G_USEC_PER_SEC > a->timeout_s) {
            timed_out = TRUE;
            kill(pid, SIGTERM);
            waitpid(pid, &status, 0);
            break;
        }
        g_usleep(200 * 1000);
    }
    g_spawn_close_pid(pid);
    char err_text[4096] = "";
    ssize_t n = err_fd >= 0 ? read(err_fd, err_text, sizeof(err_text) - 1) : 0;
    err_text[n > 0 ? n : 0] = '\0';
    if (err_fd >= 0)
        close(err_fd);
    if (verdict < 0) {
        g_clear_pointer(&verdict_line, g_free);
        verdict = guest_verdict(serial, &verdict_line);
    }

    /* 3. What the simulated TEE measured, and from what. */
    json_object *sim = json_object_from_file(measurement_path), *tee = NULL, *sim_m = NULL,
                *sim_inputs = NULL;
    if (sim && json_object_object_get_ex(sim, "tee", &tee)) {
        json_object_object_get_ex(tee, tdx ? "mrtd" : "measurement", &sim_m);
        json_object_object_get_ex(tee, "inputs", &sim_inputs);
    }
    const char *simulated = sim_m ? json_object_get_string(sim_m) : NULL;
    if (simulated)
        step("TEE:      %s (simulated %s, measured from what QEMU loaded)%s", simulated,
             tdx ? "TDX MRTD" : "SEV-SNP",
             strcmp(simulated, json_object_get_string(exp_measurement)) == 0
                 ? ": equal to the expected" : ": DIFFERENT from the expected");
    json_object *differences = json_object_new_array();
    if (verdict == 0)
        step("guest:    secret released: %s", verdict_line);
    else if (verdict == 1)
        step("guest:    %s", verdict_line);
    else {
        g_autofree char *first = g_strndup(err_text, strcspn(err_text, "\n"));
        step("guest:    no answer from ccm-guest-attest (%s%s%s; see %s and %s)",
             timed_out ? "timed out" : "QEMU exited", first[0] ? ": " : "", first, serial,
             qemu_log);
    }
    if (verdict != 0 && sim_inputs && exp_inputs &&
        report_differences(exp_inputs, sim_inputs, differences) == 0 && simulated)
        step("differs:  no input differs from the registered ones; see the broker's reason");

    int rc = verdict == 0 ? CCMCTL_EXIT_OK : CCMCTL_EXIT_FAILURE;
    if (json_out) {
        json_object *o = json_object_new_object();
        json_object_object_add(o, "guest", json_object_new_string(plan->spec->name));
        json_object_object_add(o, "qemu", json_object_new_string(version));
        json_object_object_add(o, "output_dir", json_object_new_string(out_dir));
        json_object_object_add(o, "expected", json_object_get(exp_measurement));
        json_object_object_add(o, "simulated", simulated ? json_object_new_string(simulated) : NULL);
        json_object_object_add(o, "released", json_object_new_boolean(verdict == 0));
        json_object_object_add(o, verdict == 0 ? "secret" : "reason",
                               verdict_line ? json_object_new_string(verdict_line) : NULL);
        json_object_object_add(o, "differences", json_object_get(differences));
        g_autofree char *text = ccmctl_json_text("ccm-rehearse-attest/1", o);
        if (!ccmctl_write_stdout(text, &error))
            rc = ccmctl_fail("rehearse", error);
    } else {
        g_autofree char *text = g_strdup_printf("files    %s\n", out_dir);
        if (!ccmctl_write_stdout(text, &error))
            rc = ccmctl_fail("rehearse", error);
    }
    json_object_put(differences);
    json_object_put(sim);
    json_object_put(expected);
    return rc;
}
