/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * plan-inputs.c - the host files a launch plan's expectation depends on, and their identity
 *
 * A guest's expected measurement is a function of its spec and of files on the host:
 * the firmware image (Firmware=, or the one a descriptor chose) and its variable store
 * template, Kernel=, Initrd=, a realm's DTB=, and the QEMU binary (its version decides
 * details such as the ACPI tables). A package upgrade replaces these files; their
 * identity (SHA-256, size, mtime) tells whether the content changed, so a touch that
 * leaves the bytes alone is not a change.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "ccm-autocleanups.h"
#include "hex.h"
#include "plan-inputs.h"
#include "qemu-probe.h"

/* Nothing we boot is this large; a bigger "input" is not read to the end. */
#define INPUT_SIZE_MAX (UINT64_C(1) << 32)

void ccm_plan_input_free(CcmPlanInput *in)
{
    if (!in)
        return;
    g_free(in->role);
    g_free(in->path);
    g_free(in->sha256);
    g_free(in->problem);
    g_free(in);
}

static void add(GPtrArray *inputs, const char *role, const char *path)
{
    if (!path)
        return;
    CcmPlanInput *in = g_new0(CcmPlanInput, 1);
    in->role = g_strdup(role);
    in->path = g_strdup(path);
    g_ptr_array_add(inputs, in);
}

GPtrArray *ccm_plan_inputs(const CcmLaunchPlan *plan)
{
    GPtrArray *inputs = g_ptr_array_new_with_free_func((GDestroyNotify) ccm_plan_input_free);
    const CcmGuestSpec *spec = plan->spec;

    add(inputs, "firmware", plan->firmware ? plan->firmware->path : spec->firmware);
    if (plan->firmware)
        add(inputs, "varstore", plan->firmware->nvram_template);
    add(inputs, "kernel", spec->kernel);
    add(inputs, "initrd", spec->initrd);
    if (spec->platform == CCM_GUEST_PLATFORM_CCA)
        add(inputs, "dtb", spec->cca.dtb);
    if (plan->qemu_binary) {
        /* The binary the probe and the launch use (not found: identified as missing). */
        g_autofree char *found = ccm_qemu_binary_resolve(plan->qemu_binary, NULL);
        add(inputs, "qemu", found ? found : plan->qemu_binary);
    }
    return inputs;
}

static bool problem(CcmPlanInput *in, const char *format, ...) G_GNUC_PRINTF(2, 3);
static bool problem(CcmPlanInput *in, const char *format, ...)
{
    va_list ap;
    va_start(ap, format);
    g_free(in->problem);
    in->problem = g_strdup_vprintf(format, ap);
    va_end(ap);
    g_clear_pointer(&in->sha256, g_free);
    in->size = 0;
    in->mtime_ns = 0;
    return false;
}

typedef struct CachedDigest {
    dev_t dev;
    ino_t ino;
    off_t size;
    struct timespec mtime, ctime;
    char *sha256;
} CachedDigest;

struct CcmInputCache {
    GHashTable *by_path;   /* path -> CachedDigest */
};

static void cached_digest_free(gpointer p)
{
    CachedDigest *c = p;
    g_free(c->sha256);
    g_free(c);
}

CcmInputCache *ccm_input_cache_new(void)
{
    CcmInputCache *cache = g_new0(CcmInputCache, 1);
    cache->by_path = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, cached_digest_free);
    return cache;
}

void ccm_input_cache_free(CcmInputCache *cache)
{
    if (!cache)
        return;
    g_hash_table_unref(cache->by_path);
    g_free(cache);
}

static bool same_inode(const CachedDigest *c, const struct stat *st)
{
    return c->dev == st->st_dev && c->ino == st->st_ino && c->size == st->st_size &&
           c->mtime.tv_sec == st->st_mtim.tv_sec && c->mtime.tv_nsec == st->st_mtim.tv_nsec &&
           c->ctime.tv_sec == st->st_ctim.tv_sec && c->ctime.tv_nsec == st->st_ctim.tv_nsec;
}

static void remember(CcmInputCache *cache, const char *path, const struct stat *st,
                     const char *sha256)
{
    CachedDigest *c = g_new0(CachedDigest, 1);
    c->dev = st->st_dev;
    c->ino = st->st_ino;
    c->size = st->st_size;
    c->mtime = st->st_mtim;
    c->ctime = st->st_ctim;
    c->sha256 = g_strdup(sha256);
    g_hash_table_insert(cache->by_path, g_strdup(path), c);
}

bool ccm_plan_input_identify(CcmPlanInput *in, CcmInputCache *cache)
{
    g_clear_pointer(&in->problem, g_free);
    /* Symbolic links are followed on purpose: /usr/share/OVMF names are links. */
    int fd = open(in->path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
    if (fd < 0)
        return problem(in, "%s", errno == ENOENT ? "missing" : g_strerror(errno));
    struct stat st;
    if (fstat(fd, &st) < 0) {
        int e = errno;
        (void) close(fd);
        return problem(in, "%s", g_strerror(e));
    }
    if (!S_ISREG(st.st_mode)) {
        (void) close(fd);
        return problem(in, "not a regular file");
    }
    if ((uint64_t) st.st_size > INPUT_SIZE_MAX) {
        (void) close(fd);
        return problem(in, "larger than 4 GiB");
    }
    in->mtime_ns = (int64_t) st.st_mtim.tv_sec * 1000000000 + st.st_mtim.tv_nsec;
    const CachedDigest *known = cache ? g_hash_table_lookup(cache->by_path, in->path) : NULL;
    if (known && same_inode(known, &st)) {
        (void) close(fd);
        g_free(in->sha256);
        in->sha256 = g_strdup(known->sha256);
        in->size = (uint64_t) st.st_size;
        return true;
    }
    /* OpenSSL's SHA-256 uses the CPU's SHA instructions: about ten times GChecksum's speed
     * here, and this runs on ccmd's main loop. */
    g_autoptr(EVP_MD_CTX) sum = EVP_MD_CTX_new();
    if (!sum || !EVP_DigestInit_ex(sum, EVP_sha256(), NULL)) {
        (void) close(fd);
        return problem(in, "cannot set up SHA-256");
    }
    g_autofree guchar *buf = g_malloc(1 << 16);
    uint64_t total = 0;
    for (;;) {
        ssize_t n = read(fd, buf, 1 << 16);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            int e = errno;
            (void) close(fd);
            return problem(in, "%s", g_strerror(e));
        }
        if (n == 0)
            break;
        total += (uint64_t) n;
        if (total > INPUT_SIZE_MAX) {
            (void) close(fd);
            return problem(in, "larger than 4 GiB");
        }
        if (!EVP_DigestUpdate(sum, buf, (size_t) n)) {
            (void) close(fd);
            return problem(in, "SHA-256 failed");
        }
    }
    uint8_t digest[32];
    unsigned int digest_size = 0;
    if (!EVP_DigestFinal_ex(sum, digest, &digest_size) || digest_size != sizeof(digest)) {
        (void) close(fd);
        return problem(in, "SHA-256 failed");
    }
    /* Written while being read (size changed): the digest is of neither version. */
    struct stat after;
    bool stable = fstat(fd, &after) == 0 && (uint64_t) after.st_size == total &&
                  after.st_mtim.tv_sec == st.st_mtim.tv_sec &&
                  after.st_mtim.tv_nsec == st.st_mtim.tv_nsec;
    (void) close(fd);
    g_free(in->sha256);
    in->sha256 = ccm_hex_encode(digest, sizeof(digest));
    in->size = total;
    if (cache && stable)
        remember(cache, in->path, &st, in->sha256);
    return true;
}

guint ccm_plan_inputs_identify(GPtrArray *inputs, CcmInputCache *cache)
{
    guint failed = 0;
    for (guint i = 0; i < inputs->len; i++)
        if (!ccm_plan_input_identify(inputs->pdata[i], cache))
            failed++;
    return failed;
}

const CcmPlanInput *ccm_plan_inputs_find(GPtrArray *inputs, const char *role)
{
    for (guint i = 0; inputs && i < inputs->len; i++) {
        const CcmPlanInput *in = inputs->pdata[i];
        if (strcmp(in->role, role) == 0)
            return in;
    }
    return NULL;
}

json_object *ccm_plan_inputs_to_json(GPtrArray *inputs)
{
    json_object *a = json_object_new_array();
    for (guint i = 0; i < inputs->len; i++) {
        const CcmPlanInput *in = inputs->pdata[i];
        json_object *o = json_object_new_object();
        json_object_object_add(o, "role", json_object_new_string(in->role));
        json_object_object_add(o, "path", json_object_new_string(in->path));
        if (in->sha256) {
            json_object_object_add(o, "sha256", json_object_new_string(in->sha256));
            json_object_object_add(o, "size", json_object_new_int64((int64_t) in->size));
            json_object_object_add(o, "mtime_ns", json_object_new_int64(in->mtime_ns));
        }
        json_object_array_add(a, o);
    }
    return a;
}

static const char *string_field(json_object *o, const char *key)
{
    json_object *v = NULL;
    if (!json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_string))
        return NULL;
    return json_object_get_string(v);
}

static int64_t int_field(json_object *o, const char *key)
{
    json_object *v = NULL;
    if (!json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_int))
        return 0;
    return json_object_get_int64(v);
}

GPtrArray *ccm_plan_inputs_from_json(json_object *json)
{
    if (!json || !json_object_is_type(json, json_type_array))
        return NULL;
    g_autoptr(GPtrArray) inputs =
        g_ptr_array_new_with_free_func((GDestroyNotify) ccm_plan_input_free);
    for (size_t i = 0; i < json_object_array_length(json); i++) {
        json_object *o = json_object_array_get_idx(json, i);
        const char *role = string_field(o, "role"), *path = string_field(o, "path");
        if (!role || !path)
            return NULL;
        CcmPlanInput *in = g_new0(CcmPlanInput, 1);
        in->role = g_strdup(role);
        in->path = g_strdup(path);
        in->sha256 = g_strdup(string_field(o, "sha256"));
        in->size = (uint64_t) int_field(o, "size");
        in->mtime_ns = int_field(o, "mtime_ns");
        g_ptr_array_add(inputs, in);
    }
    return g_steal_pointer(&inputs);
}
