/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* amd-roots.c - AMD's ARK, ASK and ASVK per generation: built in, or from a folder */
#include <string.h>

#include <gio/gio.h>
#include <openssl/err.h>
#include <openssl/pem.h>

#include "amd-roots.h"
#include "amd-roots-resource.h"
#include "ccm-autocleanups.h"
#include "launch-plan.h"

static const char *const gen_names[_CCM_AMD_GENERATION_MAX] = { "Milan", "Genoa", "Turin" };
static const char *const gen_dirs[_CCM_AMD_GENERATION_MAX] = { "milan", "genoa", "turin" };

const char *ccm_amd_generation_to_string(CcmAmdGeneration gen)
{
    return gen >= 0 && gen < _CCM_AMD_GENERATION_MAX ? gen_names[gen] : NULL;
}

CcmAmdGeneration ccm_amd_generation_from_cpuid(unsigned family, unsigned model)
{
    if (family == 0x1a)
        return CCM_AMD_TURIN;
    if (family != 0x19)
        return _CCM_AMD_GENERATION_INVALID;
    if (model <= 0x0f)
        return CCM_AMD_MILAN;
    if ((model >= 0x10 && model <= 0x1f) || (model >= 0xa0 && model <= 0xaf))
        return CCM_AMD_GENOA;
    return _CCM_AMD_GENERATION_INVALID;
}

CcmAmdGeneration ccm_amd_generation_from_product(const char *product_name)
{
    for (int g = 0; product_name && g < _CCM_AMD_GENERATION_MAX; g++) {
        size_t n = strlen(gen_names[g]);
        if (g_ascii_strncasecmp(product_name, gen_names[g], n) == 0 &&
            (product_name[n] == '\0' || product_name[n] == '-'))
            return (CcmAmdGeneration) g;
    }
    return _CCM_AMD_GENERATION_INVALID;
}

GPtrArray *ccm_x509_list_from_bytes(const void *data, size_t size, const char *name,
                                    GError **error)
{
    g_autoptr(GPtrArray) list = g_ptr_array_new_with_free_func((GDestroyNotify) X509_free);
    if (size > 0 && size < G_MAXINT && g_strstr_len(data, (gssize) size, "-----BEGIN")) {
        g_autoptr(BIO) bio = BIO_new_mem_buf(data, (int) size);
        X509 *x;
        while (bio && (x = PEM_read_bio_X509(bio, NULL, NULL, NULL)))
            g_ptr_array_add(list, x);
        ERR_clear_error();
    } else if (size > 0 && size < G_MAXINT) {
        const unsigned char *p = data;
        X509 *x = d2i_X509(NULL, &p, (long) size);
        if (x && (size_t) (p - (const unsigned char *) data) == size)
            g_ptr_array_add(list, x);
        else
            X509_free(x);
    }
    if (list->len == 0) {
        g_set_error(error, CCM_LAUNCH_ERROR, CCM_LAUNCH_ERROR_INPUT,
                    "%s: not an X.509 certificate (expected DER, or PEM certificates)", name);
        return NULL;
    }
    return g_steal_pointer(&list);
}

static X509 *first_cert(GBytes *bytes, const char *name, GError **error)
{
    gsize size = 0;
    const void *data = g_bytes_get_data(bytes, &size);
    g_autoptr(GPtrArray) list = ccm_x509_list_from_bytes(data, size, name, error);
    if (!list)
        return NULL;
    return X509_dup(list->pdata[0]);
}

static gboolean load_builtin(CcmAmdRoots *roots, GError **error)
{
    GResource *res = ccm_amd_roots_get_resource();
    for (int g = 0; g < _CCM_AMD_GENERATION_MAX; g++) {
        static const char *const files[] = { "ark", "ask", "asvk" };
        X509 **slots[] = { &roots->ark[g], &roots->ask[g], &roots->asvk[g] };
        for (size_t f = 0; f < G_N_ELEMENTS(files); f++) {
            g_autofree char *path = g_strdup_printf("/io/ccm/amd-roots/%s/%s.pem",
                                                    gen_dirs[g], files[f]);
            g_autoptr(GBytes) b = g_resource_lookup_data(res, path, 0, error);
            if (!b || !(*slots[f] = first_cert(b, path, error)))
                return FALSE;
        }
    }
    roots->source = g_strdup("built-in");
    return TRUE;
}

static gboolean load_file(const char *path, GPtrArray **ret, GError **error)
{
    g_autofree char *data = NULL;
    gsize size = 0;
    *ret = NULL;
    if (!g_file_test(path, G_FILE_TEST_EXISTS))
        return TRUE;
    if (!g_file_get_contents(path, &data, &size, error))
        return FALSE;
    return (*ret = ccm_x509_list_from_bytes(data, size, path, error)) != NULL;
}

static gboolean load_dir(CcmAmdRoots *roots, const char *dir, GError **error)
{
    gboolean any = FALSE;
    for (int g = 0; g < _CCM_AMD_GENERATION_MAX; g++) {
        static const char *const files[] = { "ark.pem", "ask.pem", "asvk.pem" };
        X509 **slots[] = { &roots->ark[g], &roots->ask[g], &roots->asvk[g] };
        for (size_t f = 0; f < G_N_ELEMENTS(files); f++) {
            g_autofree char *path = g_build_filename(dir, gen_dirs[g], files[f], NULL);
            g_autoptr(GPtrArray) list = NULL;
            if (!load_file(path, &list, error))
                return FALSE;
            if (list)
                *slots[f] = X509_dup(list->pdata[0]);
        }
        /* A bundle ASK, ARK, ASVK, as Trustee keeps them. */
        g_autofree char *bundle_name = g_strdup_printf("%s_ask_ark_asvk.pem", gen_dirs[g]);
        g_autofree char *bundle = g_build_filename(dir, bundle_name, NULL);
        g_autoptr(GPtrArray) list = NULL;
        if (!load_file(bundle, &list, error))
            return FALSE;
        for (guint i = 0; list && i < list->len && i < 3; i++) {
            X509 **slot = i == 0 ? &roots->ask[g] : i == 1 ? &roots->ark[g] : &roots->asvk[g];
            if (!*slot)
                *slot = X509_dup(list->pdata[i]);
        }
        any |= roots->ark[g] != NULL;
    }
    if (!any) {
        g_set_error(error, CCM_LAUNCH_ERROR, CCM_LAUNCH_ERROR_INPUT,
                    "%s: no AMD root here (expected milan/ark.pem, genoa/ark.pem, "
                    "turin/ark.pem or <gen>_ask_ark_asvk.pem)", dir);
        return FALSE;
    }
    roots->source = g_strdup(dir);
    return TRUE;
}

CcmAmdRoots *ccm_amd_roots_load(const char *dir, GError **error)
{
    g_autoptr(CcmAmdRoots) roots = g_new0(CcmAmdRoots, 1);
    if (!(dir ? load_dir(roots, dir, error) : load_builtin(roots, error)))
        return NULL;
    return g_steal_pointer(&roots);
}

void ccm_amd_roots_free(CcmAmdRoots *roots)
{
    if (!roots)
        return;
    for (int g = 0; g < _CCM_AMD_GENERATION_MAX; g++) {
        X509_free(roots->ark[g]);
        X509_free(roots->ask[g]);
        X509_free(roots->asvk[g]);
    }
    g_free(roots->source);
    g_free(roots);
}
