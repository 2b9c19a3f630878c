/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * pei-rehearsal.c - PCR0's first events of an OVMF boot, read from a rehearsal of the
 * firmware's PEI phase under TCG
 *
 * OVMF's PEI modules run from the PEI volume SEC copied to RAM, and most builds write
 * their global variables into it (host bridge, address width, RAM layout, SMM relocation
 * values) before Tcg2Pei hashes it for PCR0. Those values come from the VM, the QEMU
 * version and even the fw_cfg items, so the digest cannot be derived from the image. As
 * for the ACPI tables, ccm asks the parts themselves: it boots the firmware under TCG with
 * the guest's shape, its kernel, initrd and command line, and a swtpm that logs every TPM
 * command, and reads the digests of the first three TPM2_PCR_Extend commands for PCR0
 * (the version string, the PEI volume, the DXE volume). QEMU is stopped right after;
 * nothing of the guest runs.
 */
#include <string.h>
#include <unistd.h>

#include <gio/gio.h>

#include "pei-rehearsal.h"
#include "swtpm.h"

#define TPM_CC_PCR_EXTEND 0x00000182u
#define TPM_ALG_SHA256 0x000bu
#define TPM_ALG_SHA384 0x000cu

static guint32 be32(const guint8 *p)
{
    return (guint32) p[0] << 24 | (guint32) p[1] << 16 | (guint32) p[2] << 8 | p[3];
}

static gsize alg_size(guint16 alg)
{
    switch (alg) {
    case 0x0004: return 20;
    case TPM_ALG_SHA256: return 32;
    case TPM_ALG_SHA384: return 48;
    case 0x000d: return 64;
    default: return 0;
    }
}

/* One TPM2_PCR_Extend command of @pcr (handle = the PCR index) into @ret. */
static gboolean parse_extend(const guint8 *c, gsize n, guint32 pcr, CcmPcrExtend *ret)
{
    if (n < 22 || be32(c + 6) != TPM_CC_PCR_EXTEND || be32(c + 10) != pcr)
        return FALSE;
    gsize p = 18 + (gsize) be32(c + 14); /* past the authorization area */
    if (p + 4 > n)
        return FALSE;
    guint32 count = be32(c + p);
    p += 4;
    gboolean have256 = FALSE, have384 = FALSE;
    for (guint32 i = 0; i < count && p + 2 <= n; i++) {
        guint16 alg = (guint16) (c[p] << 8 | c[p + 1]);
        gsize size = alg_size(alg);
        p += 2;
        if (size == 0 || p + size > n)
            return FALSE;
        if (alg == TPM_ALG_SHA256) {
            memcpy(ret->sha256, c + p, size);
            have256 = TRUE;
        } else if (alg == TPM_ALG_SHA384) {
            memcpy(ret->sha384, c + p, size);
            have384 = TRUE;
        }
        p += size;
    }
    return have256 && have384;
}

size_t ccm_swtpm_log_extends(const char *log, gsize size, guint32 pcr, CcmPcrExtend *ret,
                             size_t capacity)
{
    static const char marker[] = "SWTPM_IO_Read: length ";
    size_t found = 0;
    g_autofree guint8 *cmd = NULL;
    const char *end = log + size;
    for (const char *at = log; found < capacity && at < end;) {
        const char *m = g_strstr_len(at, end - at, marker);
        if (!m)
            break;
        const char *p = m + strlen(marker);
        gsize want = 0;
        while (p < end && g_ascii_isdigit(*p) && want < 1u << 20)
            want = want * 10 + (gsize) (*p++ - '0');
        g_free(cmd);
        cmd = g_malloc(want ? want : 1);
        gsize got = 0;
        /* The bytes follow in lines of hex pairs; a line of anything else ends them. */
        while (got < want && p + 2 < end) {
            if (*p == ' ' || *p == '\n' || *p == '\r') {
                if (*p == '\n' && p + 1 < end && g_ascii_isalpha(p[1]))
                    break;
                p++;
                continue;
            }
            if (!g_ascii_isxdigit(p[0]) || !g_ascii_isxdigit(p[1]))
                break;
            cmd[got++] = (guint8) (g_ascii_xdigit_value(p[0]) << 4 | g_ascii_xdigit_value(p[1]));
            p += 2;
        }
        if (got == want && parse_extend(cmd, want, pcr, &ret[found]))
            found++;
        at = p > m ? p : m + 1;
    }
    return found;
}

/* Whether @p has exited (no main loop runs here for GSubprocess to notice by itself). */
static gboolean exited(GSubprocess *p)
{
    const char *pid = g_subprocess_get_identifier(p);
    if (!pid)
        return TRUE;
    g_autofree char *path = g_strdup_printf("/proc/%s/stat", pid);
    g_autofree char *text = NULL;
    if (!g_file_get_contents(path, &text, NULL, NULL))
        return TRUE;
    const char *close = strrchr(text, ')');
    return !close || close[1] == '\0' || close[2] == 'Z' || close[2] == 'X';
}

static GPtrArray *argv_for(const CcmPeiRehearsal *r, const CcmSwtpm *tpm, const char *vars)
{
    GPtrArray *a = g_ptr_array_new_with_free_func(g_free);
    g_ptr_array_add(a, g_strdup(r->qemu));
    for (const char *const *s = r->shape_args; s && *s; s++)
        g_ptr_array_add(a, g_strdup(*s));
    static const char *const fixed[] = { "-accel", "tcg", "-display", "none", "-no-reboot",
                                         "-no-user-config", "-serial", "none", "-monitor",
                                         "none", NULL };
    for (const char *const *s = fixed; *s; s++)
        g_ptr_array_add(a, g_strdup(*s));
    g_ptr_array_add(a, g_strdup("-drive"));
    g_ptr_array_add(a, g_strdup_printf("if=pflash,format=raw,unit=0,readonly=on,file=%s",
                                       r->code));
    g_ptr_array_add(a, g_strdup("-drive"));
    g_ptr_array_add(a, g_strdup_printf("if=pflash,format=raw,unit=1,file=%s", vars));
    g_ptr_array_add(a, g_strdup("-chardev"));
    g_ptr_array_add(a, g_strdup_printf("socket,id=ccm-tpm-chr,path=%s", tpm->socket));
    g_ptr_array_add(a, g_strdup("-tpmdev"));
    g_ptr_array_add(a, g_strdup("emulator,id=ccm-tpm,chardev=ccm-tpm-chr"));
    g_ptr_array_add(a, g_strdup("-device"));
    g_ptr_array_add(a, g_strdup("tpm-tis,tpmdev=ccm-tpm"));
    const char *boot[][2] = { { "-kernel", r->kernel }, { "-initrd", r->initrd },
                              { "-append", r->append } };
    for (size_t i = 0; i < G_N_ELEMENTS(boot); i++)
        if (boot[i][1]) {
            g_ptr_array_add(a, g_strdup(boot[i][0]));
            g_ptr_array_add(a, g_strdup(boot[i][1]));
        }
    if (r->legacy_loader) {
        g_ptr_array_add(a, g_strdup("-fw_cfg"));
        g_ptr_array_add(a, g_strdup("name=opt/org.tianocore/EnableLegacyLoader,string=yes"));
    }
    g_ptr_array_add(a, NULL);
    return a;
}

/* Runs QEMU until the log holds three PCR0 extends. */
static gboolean run(const CcmPeiRehearsal *r, const CcmSwtpm *tpm, const char *vars,
                    CcmPcrExtend ret[CCM_PEI_PCR0_EVENTS], GError **error)
{
    g_autoptr(GPtrArray) argv = argv_for(r, tpm, vars);
    g_autoptr(GSubprocess) qemu = g_subprocess_newv(
        (const char *const *) argv->pdata,
        G_SUBPROCESS_FLAGS_STDOUT_SILENCE | G_SUBPROCESS_FLAGS_STDERR_PIPE, error);
    if (!qemu)
        return FALSE;
    gint64 deadline = g_get_monotonic_time() +
                      (gint64) (r->timeout_ms ? r->timeout_ms : 60000) * 1000;
    size_t n = 0;
    gboolean gone = FALSE;
    while (n < CCM_PEI_PCR0_EVENTS && !gone && g_get_monotonic_time() < deadline) {
        g_usleep(50000);
        gone = exited(qemu);
        g_autofree char *log = NULL;
        gsize size = 0;
        if (g_file_get_contents(tpm->log, &log, &size, NULL))
            n = ccm_swtpm_log_extends(log, size, 0, ret, CCM_PEI_PCR0_EVENTS);
    }
    g_subprocess_force_exit(qemu);
    (void) g_subprocess_wait(qemu, NULL, NULL);
    if (n == CCM_PEI_PCR0_EVENTS)
        return TRUE;
    char why[512] = "";
    GInputStream *err = g_subprocess_get_stderr_pipe(qemu);
    gsize got = 0;
    if (err && g_input_stream_read_all(err, why, sizeof(why) - 1, &got, NULL, NULL)) {
        why[got] = '\0';
        char *nl = strchr(why, '\n');
        if (nl)
            *nl = '\0';
    }
    g_set_error(error, G_IO_ERROR, G_IO_ERROR_FAILED,
                "the PEI rehearsal with %s logged %zu of PCR0's first 3 extends %s%s%s",
                r->qemu, n, gone ? "before QEMU exited" : "in time",
                why[0] ? ": " : "", why);
    return FALSE;
}

gboolean ccm_pei_rehearse(const CcmPeiRehearsal *r, CcmPcrExtend ret[CCM_PEI_PCR0_EVENTS],
                          GError **error)
{
    g_auto(CcmSwtpm) tpm = { 0 };
    if (!ccm_swtpm_start(&tpm, TRUE, error))
        return FALSE;
    /* The firmware may write its varstore: it gets a copy. */
    g_autofree char *vars = g_build_filename(tpm.dir, "vars.fd", NULL);
    g_autofree char *data = NULL;
    gsize size = 0;
    if (!g_file_get_contents(r->vars, &data, &size, error) ||
        !g_file_set_contents(vars, data, (gssize) size, error))
        return FALSE;
    gboolean ok = run(r, &tpm, vars, ret, error);
    (void) unlink(vars);
    return ok;
}
