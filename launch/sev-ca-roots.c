/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* sev-ca-roots.c - the legacy SEV ARK and ASK per generation: built in, or from a folder */
#include <gio/gio.h>

#include "amd-roots-resource.h"
#include "launch-plan.h"
#include "sev-ca-cert.h"
#include "sev-ca-roots.h"

static const char *const gen_names[_CCM_SEV_GENERATION_MAX] = {
    [CCM_SEV_GENERATION_NAPLES] = "naples",
    [CCM_SEV_GENERATION_ROME] = "rome",
    [CCM_SEV_GENERATION_MILAN] = "milan",
    [CCM_SEV_GENERATION_GENOA] = "genoa",
    [CCM_SEV_GENERATION_TURIN] = "turin",
};

const char *ccm_sev_generation_to_string(CcmSevGeneration g)
{
    return g >= 0 && g < _CCM_SEV_GENERATION_MAX ? gen_names[g] : "unknown";
}

/* @bytes must be an AMD certificate; a pinned one that is not is an input error. */
static gboolean check_format(GBytes *bytes, const char *name, GError **error)
{
    CcmSevCaCert c;
    CcmError err = { 0 };
    if (ccm_sev_ca_cert_parse(g_bytes_get_data(bytes, NULL), g_bytes_get_size(bytes), name, &c,
                              &err) < 0) {
        g_set_error_literal(error, CCM_LAUNCH_ERROR, CCM_LAUNCH_ERROR_INPUT, err.message);
        return FALSE;
    }
    return TRUE;
}

static gboolean load_builtin(CcmSevCaRoots *roots, GError **error)
{
    GResource *res = ccm_amd_roots_get_resource();
    for (int g = 0; g < _CCM_SEV_GENERATION_MAX; g++) {
        static const char *const files[] = { "ark", "ask" };
        GBytes **slots[] = { &roots->ark[g], &roots->ask[g] };
        for (size_t f = 0; f < G_N_ELEMENTS(files); f++) {
            g_autofree char *path = g_strdup_printf("/io/ccm/amd-roots/%s/%s.cert",
                                                    gen_names[g], files[f]);
            if (!(*slots[f] = g_resource_lookup_data(res, path, 0, error)) ||
                !check_format(*slots[f], path, error))
                return FALSE;
        }
    }
    roots->source = g_strdup("built-in");
    return TRUE;
}

static gboolean load_dir(CcmSevCaRoots *roots, const char *dir, GError **error)
{
    gboolean any = FALSE;
    for (int g = 0; g < _CCM_SEV_GENERATION_MAX; g++) {
        static const char *const files[] = { "ark.cert", "ask.cert" };
        GBytes **slots[] = { &roots->ark[g], &roots->ask[g] };
        for (size_t f = 0; f < G_N_ELEMENTS(files); f++) {
            g_autofree char *path = g_build_filename(dir, gen_names[g], files[f], NULL);
            if (!g_file_test(path, G_FILE_TEST_EXISTS))
                continue;
            g_autofree char *data = NULL;
            gsize size = 0;
            if (!g_file_get_contents(path, &data, &size, error))
                return FALSE;
            *slots[f] = g_bytes_new_take(g_steal_pointer(&data), size);
            if (!check_format(*slots[f], path, error))
                return FALSE;
        }
        any |= roots->ark[g] != NULL;
    }
    if (!any) {
        g_set_error(error, CCM_LAUNCH_ERROR, CCM_LAUNCH_ERROR_INPUT,
                    "%s: no legacy SEV ARK here (expected <gen>/ark.cert, <gen> one of "
                    "naples, rome, milan, genoa, turin)", dir);
        return FALSE;
    }
    roots->source = g_strdup(dir);
    return TRUE;
}

CcmSevCaRoots *ccm_sev_ca_roots_load(const char *dir, GError **error)
{
    g_autoptr(CcmSevCaRoots) roots = g_new0(CcmSevCaRoots, 1);
    if (!(dir ? load_dir(roots, dir, error) : load_builtin(roots, error)))
        return NULL;
    return g_steal_pointer(&roots);
}

void ccm_sev_ca_roots_free(CcmSevCaRoots *roots)
{
    if (!roots)
        return;
    for (int g = 0; g < _CCM_SEV_GENERATION_MAX; g++) {
        g_clear_pointer(&roots->ark[g], g_bytes_unref);
        g_clear_pointer(&roots->ask[g], g_bytes_unref);
    }
    g_free(roots->source);
    g_free(roots);
}
