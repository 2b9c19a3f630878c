/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * firmware-descriptor.c - choosing firmware from QEMU's firmware descriptors
 *
 * Theory of operation: distributions describe each firmware build in a JSON file (QEMU
 * docs/interop/firmware.json) under /usr/share/qemu/firmware; administrators and users
 * override them by file name in /etc/qemu/firmware and ~/.config/qemu/firmware, and an
 * empty file (or a link to /dev/null) hides a name. The remaining files are read in
 * name order, and the first UEFI build for the architecture and machine that lists
 * every feature the guest needs, and whose image exists, is chosen — what libvirt does.
 * A malformed descriptor is skipped, never fatal, but reported if nothing fits.
 */
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "firmware-descriptor.h"

G_DEFINE_QUARK(ccm-firmware-error-quark, ccm_firmware_error)

#define DESCRIPTOR_MAX_SIZE (1u << 20)

void ccm_firmware_choice_free(CcmFirmwareChoice *choice)
{
    if (!choice)
        return;
    g_free(choice->descriptor);
    g_free(choice->path);
    g_free(choice->nvram_template);
    g_free(choice->reason);
    g_free(choice);
}

GStrv ccm_firmware_descriptor_default_dirs(void)
{
    g_autoptr(GStrvBuilder) b = g_strv_builder_new();
    g_autofree char *user = g_build_filename(g_get_user_config_dir(), "qemu", "firmware", NULL);

    g_strv_builder_add(b, "/usr/share/qemu/firmware");
    g_strv_builder_add(b, "/etc/qemu/firmware");
    g_strv_builder_add(b, user);
    return g_strv_builder_end(b);
}

static const char *member_string(json_object *o, const char *key)
{
    json_object *v;
    if (!o || !json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_string))
        return NULL;
    return json_object_get_string(v);
}

static bool array_has(json_object *o, const char *key, const char *value)
{
    json_object *a;
    if (!json_object_object_get_ex(o, key, &a) || !json_object_is_type(a, json_type_array))
        return false;
    for (size_t i = 0; i < json_object_array_length(a); i++)
        if (g_strcmp0(json_object_get_string(json_object_array_get_idx(a, i)), value) == 0)
            return true;
    return false;
}

/* "q35" matches globs written for versioned names, such as "pc-q35-*". */
static bool machine_matches(const char *glob, const char *machine)
{
    g_autofree char *versioned = g_strdup_printf("pc-%s-99.0", machine);
    g_autofree char *versioned_plain = g_strdup_printf("%s-99.0", machine);
    return g_pattern_match_simple(glob, machine) || g_pattern_match_simple(glob, versioned) ||
           g_pattern_match_simple(glob, versioned_plain);
}

static bool target_matches(json_object *d, const char *architecture, const char *machine)
{
    json_object *targets;
    if (!json_object_object_get_ex(d, "targets", &targets) ||
        !json_object_is_type(targets, json_type_array))
        return false;
    for (size_t i = 0; i < json_object_array_length(targets); i++) {
        json_object *t = json_object_array_get_idx(targets, i), *machines;
        if (g_strcmp0(member_string(t, "architecture"), architecture) != 0 ||
            !json_object_object_get_ex(t, "machines", &machines) ||
            !json_object_is_type(machines, json_type_array))
            continue;
        for (size_t m = 0; m < json_object_array_length(machines); m++)
            if (machine_matches(json_object_get_string(json_object_array_get_idx(machines, m)),
                                machine))
                return true;
    }
    return false;
}

/* The descriptor files in effect: name -> path, later folders overriding earlier. */
static GHashTable *effective_files(const char *const *dirs)
{
    GHashTable *files = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);

    for (size_t d = 0; dirs[d]; d++) {
        g_autoptr(GDir) dir = g_dir_open(dirs[d], 0, NULL);
        for (const char *name; dir && (name = g_dir_read_name(dir));) {
            if (!g_str_has_suffix(name, ".json"))
                continue;
            g_hash_table_insert(files, g_strdup(name), g_build_filename(dirs[d], name, NULL));
        }
    }
    return files;
}

typedef struct Candidate {
    char *name;
    char *descriptor;
    char *path;
    bool flash;
    char *nvram_template;
} Candidate;

/* Reads one descriptor into @ret; false when it is disabled, unfit or (with
 * *ret_malformed) malformed. */
static bool read_descriptor(const char *name, const char *path, const char *architecture,
                            const char *machine, const char *const *features,
                            Candidate *ret, bool *ret_malformed)
{
    g_autofree char *text = NULL;
    gsize size = 0;

    *ret_malformed = false;
    if (!g_file_get_contents(path, &text, &size, NULL) || size == 0)
        return false; /* unreadable, or empty: a disabled name */
    if (size > DESCRIPTOR_MAX_SIZE) {
        *ret_malformed = true;
        return false;
    }
    json_object *d = json_tokener_parse(text);
    if (!d || !json_object_is_type(d, json_type_object)) {
        json_object_put(d);
        *ret_malformed = true;
        return false;
    }

    json_object *mapping;
    bool ok = array_has(d, "interface-types", "uefi") && target_matches(d, architecture, machine);
    for (size_t i = 0; ok && features && features[i]; i++)
        ok = array_has(d, "features", features[i]);
    if (ok && !json_object_object_get_ex(d, "mapping", &mapping)) {
        *ret_malformed = true;
        ok = false;
    }
    if (ok) {
        const char *device = member_string(mapping, "device");
        json_object *exe = NULL, *nvram = NULL;
        const char *image = NULL;
        if (g_strcmp0(device, "memory") == 0) {
            image = member_string(mapping, "filename");
        } else if (g_strcmp0(device, "flash") == 0 &&
                   json_object_object_get_ex(mapping, "executable", &exe)) {
            image = member_string(exe, "filename");
            if (json_object_object_get_ex(mapping, "nvram-template", &nvram))
                ret->nvram_template = g_strdup(member_string(nvram, "filename"));
            ret->flash = true;
        }
        if (!image) {
            *ret_malformed = true; /* no usable mapping */
            ok = false;
        } else if (!g_file_test(image, G_FILE_TEST_IS_REGULAR)) {
            ok = false; /* described, but not installed */
        } else {
            ret->path = g_strdup(image);
        }
    }
    json_object_put(d);
    if (!ok) {
        g_clear_pointer(&ret->nvram_template, g_free);
        return false;
    }
    ret->name = g_strdup(name);
    ret->descriptor = g_strdup(path);
    return true;
}

/* qsort() hands pointers to the elements: compare the strings they point at. */
static int compare_names(const void *a, const void *b)
{
    return strcmp(*(const char *const *) a, *(const char *const *) b);
}

static void candidate_clear(Candidate *c)
{
    g_free(c->name);
    g_free(c->descriptor);
    g_free(c->path);
    g_free(c->nvram_template);
}

CcmFirmwareChoice *ccm_firmware_descriptor_select(const char *const *dirs,
                                                  const char *architecture,
                                                  const char *machine,
                                                  const char *const *features,
                                                  bool prefer_memory, GError **error)
{
    g_auto(GStrv) default_dirs = NULL;
    if (!dirs)
        dirs = (const char *const *) (default_dirs = ccm_firmware_descriptor_default_dirs());

    g_autoptr(GHashTable) files = effective_files(dirs);
    g_autofree const char **names =
        (const char **) g_hash_table_get_keys_as_array(files, NULL);
    size_t n = g_hash_table_size(files);
    qsort(names, n, sizeof(*names), compare_names);

    Candidate best = { 0 };
    bool found = false;
    unsigned malformed = 0;
    for (size_t i = 0; i < n; i++) {
        Candidate c = { 0 };
        bool bad;
        if (!read_descriptor(names[i], g_hash_table_lookup(files, names[i]), architecture,
                             machine, features, &c, &bad)) {
            malformed += bad;
            continue;
        }
        if (!found || (prefer_memory && best.flash && !c.flash)) {
            candidate_clear(&best);
            best = c;
            found = true;
            if (!prefer_memory || !best.flash)
                break;
        } else {
            candidate_clear(&c);
        }
    }

    g_autofree char *wanted = features && features[0] ? g_strjoinv(", ", (char **) features)
                                                      : g_strdup("UEFI");
    if (!found) {
        g_autofree char *where = g_strjoinv(", ", (char **) dirs);
        g_set_error(error, CCM_FIRMWARE_ERROR, CCM_FIRMWARE_ERROR_NOT_FOUND,
                    "no firmware descriptor lists %s for %s %s with an installed image (%zu "
                    "descriptors in %s, %u of them malformed)",
                    wanted, architecture, machine, n, where, malformed);
        return NULL;
    }

    CcmFirmwareChoice *choice = g_new0(CcmFirmwareChoice, 1);
    choice->descriptor = g_steal_pointer(&best.descriptor);
    choice->path = g_steal_pointer(&best.path);
    choice->flash = best.flash;
    choice->nvram_template = g_steal_pointer(&best.nvram_template);
    choice->reason = g_strdup_printf("%s: the first descriptor listing %s for %s %s (%s)",
                                     best.name, wanted, architecture, machine,
                                     best.flash ? "flash mapping, loaded as pflash"
                                                : "memory mapping, loaded with -bios");
    candidate_clear(&best);
    return choice;
}
