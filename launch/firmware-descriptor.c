/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * firmware-descriptor.c - choosing firmware from QEMU's firmware descriptors
 *
 * Theory of operation: distributions describe each firmware build in a JSON file (QEMU
 * docs/interop/firmware.json) under /usr/share/qemu/firmware; administrators and users
 * override them by file name in /etc/qemu/firmware and ~/.config/qemu/firmware, and an
 * empty file (or a link to /dev/null) hides a name. The remaining files are read in
 * name order, each one checked against the schema's shape first (a file that fails is
 * skipped, never fatal). A descriptor fits when it is UEFI firmware, one of its targets
 * names the architecture with a machine glob that matches the machine, it lists every
 * feature asked for, its image is one ccm can load (memory, or split raw pflash) and
 * the image exists. The first fit wins, as in libvirt; with prefer_memory the first
 * memory mapping wins over any flash one. When nothing fits, the error tells what was
 * read and why each near miss was passed over, so the user can see which package or
 * override is missing.
 */
#include <errno.h>
#include <string.h>
#include <sys/stat.h>

#include <glib/gstdio.h>
#include <json-c/json.h>

#include "ccm-autocleanups.h"
#include "firmware-descriptor.h"
#include "json-text.h"

G_DEFINE_QUARK(ccm-firmware-error-quark, ccm_firmware_error)

/* Real descriptors are under 1 KiB; anything near this limit is not a descriptor. */
#define DESCRIPTOR_MAX_SIZE (1u << 20)
#define DESCRIPTOR_MAX_DEPTH 16

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

GStrv ccm_firmware_descriptor_search_path(const char *root)
{
    g_autoptr(GStrvBuilder) b = g_strv_builder_new();
    g_autofree char *share = g_build_filename(root ? root : "/", "usr/share/qemu/firmware", NULL);
    g_autofree char *etc = g_build_filename(root ? root : "/", "etc/qemu/firmware", NULL);
    g_autofree char *user = g_build_filename(g_get_user_config_dir(), "qemu", "firmware", NULL);

    g_strv_builder_add(b, share);
    g_strv_builder_add(b, etc);
    if (!root)
        g_strv_builder_add(b, user);
    return g_strv_builder_end(b);
}

/* ---- reading and checking one file ---------------------------------------------- */

/* A descriptor that passed the shape checks; every pointer points into @root. */
typedef struct Descriptor {
    json_object *root;
    json_object *interface_types;  /* array of strings */
    json_object *targets;          /* array of {architecture, machines[]} */
    json_object *features;         /* array of strings, or NULL */
    const char *device;            /* "flash", "memory", or a device ccm does not load */
    const char *image;             /* flash executable or memory filename */
    const char *image_format;      /* flash: "raw" when absent */
    const char *mode;              /* flash: "split" when absent */
    const char *nvram_template;    /* flash: or NULL */
    const char *nvram_format;      /* flash: "raw" when absent */
} Descriptor;

static void descriptor_clear(Descriptor *d)
{
    g_clear_pointer(&d->root, json_object_put);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC(Descriptor, descriptor_clear)

/* Whether @st is /dev/null, reached directly or by a link (QEMU's second way to hide a name). */
static bool is_dev_null(const GStatBuf *st)
{
    GStatBuf null_st;
    return S_ISCHR(st->st_mode) && g_stat("/dev/null", &null_st) == 0 &&
           st->st_rdev == null_st.st_rdev;
}

/* Reads @path whole. Returns NULL with *ret_disabled for an empty file or /dev/null,
 * NULL with @error (a reason, without the file name) for anything unreadable. */
static char *read_file(const char *path, size_t *ret_size, bool *ret_disabled, GError **error)
{
    GStatBuf st;
    g_autofree char *text = NULL;
    gsize size = 0;

    *ret_disabled = false;
    /* stat() first: a FIFO or a device must not be opened, a huge file not read. */
    if (g_stat(path, &st) < 0) {
        int e = errno;
        g_set_error(error, CCM_FIRMWARE_ERROR, CCM_FIRMWARE_ERROR_INVALID,
                    "cannot be read: %s", g_strerror(e));
        return NULL;
    }
    if (is_dev_null(&st) || (S_ISREG(st.st_mode) && st.st_size == 0)) {
        *ret_disabled = true;
        return NULL;
    }
    if (!S_ISREG(st.st_mode)) {
        g_set_error_literal(error, CCM_FIRMWARE_ERROR, CCM_FIRMWARE_ERROR_INVALID,
                            "not a regular file");
        return NULL;
    }
    if ((guint64) st.st_size > DESCRIPTOR_MAX_SIZE) {
        g_set_error(error, CCM_FIRMWARE_ERROR, CCM_FIRMWARE_ERROR_INVALID,
                    "larger than %u bytes", DESCRIPTOR_MAX_SIZE);
        return NULL;
    }
    g_autoptr(GError) e = NULL;
    if (!g_file_get_contents(path, &text, &size, &e)) {
        g_set_error(error, CCM_FIRMWARE_ERROR, CCM_FIRMWARE_ERROR_INVALID,
                    "cannot be read: %s", e->message);
        return NULL;
    }
    /* Emptied or grown since the stat(): judge what was read. */
    if (size == 0) {
        *ret_disabled = true;
        return NULL;
    }
    if (size > DESCRIPTOR_MAX_SIZE) {
        g_set_error(error, CCM_FIRMWARE_ERROR, CCM_FIRMWARE_ERROR_INVALID,
                    "larger than %u bytes", DESCRIPTOR_MAX_SIZE);
        return NULL;
    }
    *ret_size = size;
    return g_steal_pointer(&text);
}

/* Parses exactly one JSON object, with nothing but white space after it. */
static json_object *parse_object(const char *text, size_t size, GError **error)
{
    if (memchr(text, '\0', size)) {
        g_set_error_literal(error, CCM_FIRMWARE_ERROR, CCM_FIRMWARE_ERROR_INVALID,
                            "contains NUL bytes: not JSON");
        return NULL;
    }

    json_tokener *tok = json_tokener_new_ex(DESCRIPTOR_MAX_DEPTH);
    g_autoptr(json_object) o = json_tokener_parse_ex(tok, text, (int) size);
    enum json_tokener_error jerr = json_tokener_get_error(tok);
    size_t end = json_tokener_get_parse_end(tok);
    json_tokener_free(tok);

    if (!o || jerr != json_tokener_success) {
        g_set_error(error, CCM_FIRMWARE_ERROR, CCM_FIRMWARE_ERROR_INVALID,
                    "not JSON: at byte %zu, %s", end, ccm_json_error_text(jerr));
        return NULL;
    }
    for (size_t i = end; i < size; i++) {
        if (!g_ascii_isspace(text[i])) {
            g_set_error(error, CCM_FIRMWARE_ERROR, CCM_FIRMWARE_ERROR_INVALID,
                        "not JSON: text after the object at byte %zu", i);
            return NULL;
        }
    }
    if (!json_object_is_type(o, json_type_object)) {
        g_set_error_literal(error, CCM_FIRMWARE_ERROR, CCM_FIRMWARE_ERROR_INVALID,
                            "not a JSON object");
        return NULL;
    }
    return g_steal_pointer(&o);
}

/* @o's member @key if it has @type; NULL if it is absent or of another type. */
static json_object *member(json_object *o, const char *key, json_type type)
{
    json_object *v;
    if (!json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, type))
        return NULL;
    return v;
}

static const char *member_string(json_object *o, const char *key)
{
    json_object *v = member(o, key, json_type_string);
    return v ? json_object_get_string(v) : NULL;
}

static bool is_string_array(json_object *a)
{
    for (size_t i = 0; i < json_object_array_length(a); i++)
        if (!json_object_is_type(json_object_array_get_idx(a, i), json_type_string))
            return false;
    return true;
}

/* Whether @key is absent, or present with @type. */
static bool absent_or(json_object *o, const char *key, json_type type)
{
    json_object *v;
    return !json_object_object_get_ex(o, key, &v) || json_object_is_type(v, type);
}

/* A flash mapping's "executable" or "nvram-template": {filename, format}. */
static bool check_flash_file(json_object *mapping, const char *key, bool required,
                             const char **ret_filename, const char **ret_format, GError **error)
{
    json_object *f = member(mapping, key, json_type_object);

    *ret_filename = NULL;
    *ret_format = "raw";
    if (!f && !required && absent_or(mapping, key, json_type_object))
        return true;
    if (!f || !(*ret_filename = member_string(f, "filename")) ||
        !absent_or(f, "format", json_type_string)) {
        g_set_error(error, CCM_FIRMWARE_ERROR, CCM_FIRMWARE_ERROR_INVALID,
                    "\"mapping\": \"%s\" is not an object with a \"filename\" string", key);
        return false;
    }
    if (member_string(f, "format"))
        *ret_format = member_string(f, "format");
    return true;
}

static bool check_mapping(json_object *mapping, Descriptor *d, GError **error)
{
    d->device = member_string(mapping, "device");
    if (!d->device) {
        g_set_error_literal(error, CCM_FIRMWARE_ERROR, CCM_FIRMWARE_ERROR_INVALID,
                            "\"mapping\" has no \"device\" string");
        return false;
    }
    if (strcmp(d->device, "memory") == 0) {
        d->image = member_string(mapping, "filename");
        if (!d->image) {
            g_set_error_literal(error, CCM_FIRMWARE_ERROR, CCM_FIRMWARE_ERROR_INVALID,
                                "\"mapping\" of device \"memory\" has no \"filename\" string");
            return false;
        }
        return true;
    }
    if (strcmp(d->device, "flash") != 0)
        return true; /* "kernel", or a device newer than this code: valid, not for us */

    d->mode = "split";
    if (!absent_or(mapping, "mode", json_type_string)) {
        g_set_error_literal(error, CCM_FIRMWARE_ERROR, CCM_FIRMWARE_ERROR_INVALID,
                            "\"mapping\": \"mode\" is not a string");
        return false;
    }
    if (member_string(mapping, "mode"))
        d->mode = member_string(mapping, "mode");
    return check_flash_file(mapping, "executable", true, &d->image, &d->image_format,
                            error) &&
           check_flash_file(mapping, "nvram-template", false, &d->nvram_template,
                            &d->nvram_format, error);
}

static bool check_targets(json_object *targets, GError **error)
{
    for (size_t i = 0; i < json_object_array_length(targets); i++) {
        json_object *t = json_object_array_get_idx(targets, i);
        json_object *machines = NULL;
        if (!json_object_is_type(t, json_type_object) || !member_string(t, "architecture") ||
            !(machines = member(t, "machines", json_type_array)) || !is_string_array(machines)) {
            g_set_error(error, CCM_FIRMWARE_ERROR, CCM_FIRMWARE_ERROR_INVALID,
                        "\"targets\"[%zu] is not an object with an \"architecture\" string and "
                        "a \"machines\" array of strings",
                        i);
            return false;
        }
    }
    return true;
}

/* Checks the members selection relies on; "description" and "tags" are not needed. */
static bool descriptor_check(json_object *root, Descriptor *d, GError **error)
{
    json_object *mapping;

    d->interface_types = member(root, "interface-types", json_type_array);
    if (!d->interface_types || !is_string_array(d->interface_types)) {
        g_set_error_literal(error, CCM_FIRMWARE_ERROR, CCM_FIRMWARE_ERROR_INVALID,
                            "no \"interface-types\" array of strings");
        return false;
    }
    mapping = member(root, "mapping", json_type_object);
    if (!mapping) {
        g_set_error_literal(error, CCM_FIRMWARE_ERROR, CCM_FIRMWARE_ERROR_INVALID,
                            "no \"mapping\" object");
        return false;
    }
    if (!check_mapping(mapping, d, error))
        return false;
    d->targets = member(root, "targets", json_type_array);
    if (!d->targets) {
        g_set_error_literal(error, CCM_FIRMWARE_ERROR, CCM_FIRMWARE_ERROR_INVALID,
                            "no \"targets\" array");
        return false;
    }
    if (!check_targets(d->targets, error))
        return false;
    /* The schema requires "features"; a missing one is read as "none" (older files). */
    d->features = member(root, "features", json_type_array);
    if ((!d->features && !absent_or(root, "features", json_type_array)) ||
        (d->features && !is_string_array(d->features))) {
        g_set_error_literal(error, CCM_FIRMWARE_ERROR, CCM_FIRMWARE_ERROR_INVALID,
                            "\"features\" is not an array of strings");
        return false;
    }
    return true;
}

/* ---- matching ------------------------------------------------------------------- */

static bool array_has(json_object *a, const char *value)
{
    for (size_t i = 0; a && i < json_object_array_length(a); i++)
        if (strcmp(json_object_get_string(json_object_array_get_idx(a, i)), value) == 0)
            return true;
    return false;
}

/* Descriptors list versioned machine types ("pc-q35-*"); a guest may name the
 * unversioned alias ("q35", "pc", "virt"). Match the name itself and a made-up recent
 * version of it, the way QEMU resolves the alias. */
static bool machine_matches(const char *glob, const char *machine)
{
    const char *base = strcmp(machine, "pc") == 0 ? "i440fx" : machine;
    g_autofree char *pc_versioned = g_strdup_printf("pc-%s-99.0", base);
    g_autofree char *versioned = g_strdup_printf("%s-99.0", machine);

    return g_pattern_match_simple(glob, machine) || g_pattern_match_simple(glob, pc_versioned) ||
           g_pattern_match_simple(glob, versioned);
}

static bool target_matches(const Descriptor *d, const char *architecture, const char *machine)
{
    for (size_t i = 0; i < json_object_array_length(d->targets); i++) {
        json_object *t = json_object_array_get_idx(d->targets, i);
        json_object *machines = member(t, "machines", json_type_array);
        if (strcmp(member_string(t, "architecture"), architecture) != 0)
            continue;
        for (size_t m = 0; m < json_object_array_length(machines); m++) {
            const char *glob = json_object_get_string(json_object_array_get_idx(machines, m));
            if (machine_matches(glob, machine))
                return true;
        }
    }
    return false;
}

typedef enum Outcome {
    OUTCOME_FIT,
    OUTCOME_DISABLED,     /* empty file or /dev/null */
    OUTCOME_MALFORMED,    /* unreadable, not JSON, or not shaped like a descriptor */
    OUTCOME_UNFIT,        /* another interface, target or feature set */
    OUTCOME_UNSUPPORTED,  /* fits, but its image is not one ccm can load */
    OUTCOME_NOT_INSTALLED,  /* fits, but its image is missing */
} Outcome;

/* Judges one file. For OUTCOME_FIT fills @ret (whose root the caller then owns); for
 * MALFORMED, UNSUPPORTED and NOT_INSTALLED sets *ret_why to a short reason. */
static Outcome examine(const char *path, const char *architecture, const char *machine,
                       const char *const *features, Descriptor *ret, char **ret_why)
{
    g_auto(Descriptor) d = { 0 };
    g_autoptr(GError) error = NULL;
    g_autofree char *text = NULL;
    size_t size = 0;
    bool disabled;

    text = read_file(path, &size, &disabled, &error);
    if (disabled)
        return OUTCOME_DISABLED;
    if (text)
        d.root = parse_object(text, size, &error);
    if (!d.root || !descriptor_check(d.root, &d, &error)) {
        *ret_why = g_strdup(error->message);
        return OUTCOME_MALFORMED;
    }

    if (!array_has(d.interface_types, "uefi") || !target_matches(&d, architecture, machine))
        return OUTCOME_UNFIT;
    for (size_t i = 0; features && features[i]; i++)
        if (!array_has(d.features, features[i]))
            return OUTCOME_UNFIT;

    /* The renderer loads memory images with -bios, flash as two raw pflash drives. */
    if (!d.image) {
        *ret_why = g_strdup_printf("device \"%s\"", d.device);
        return OUTCOME_UNSUPPORTED;
    }
    if (strcmp(d.device, "flash") == 0) {
        if (strcmp(d.mode, "split") != 0) {
            *ret_why = g_strdup_printf("flash mode \"%s\"", d.mode);
            return OUTCOME_UNSUPPORTED;
        }
        if (strcmp(d.image_format, "raw") != 0) {
            *ret_why = g_strdup_printf("%s executable", d.image_format);
            return OUTCOME_UNSUPPORTED;
        }
        if (d.nvram_template && strcmp(d.nvram_format, "raw") != 0) {
            *ret_why = g_strdup_printf("%s variable store", d.nvram_format);
            return OUTCOME_UNSUPPORTED;
        }
    }
    if (!g_file_test(d.image, G_FILE_TEST_IS_REGULAR)) {
        *ret_why = g_strdup(d.image);
        return OUTCOME_NOT_INSTALLED;
    }
    *ret = d;
    d.root = NULL;
    return OUTCOME_FIT;
}

/* ---- selection ------------------------------------------------------------------ */

/* The descriptor files in effect: name -> path, a later folder's file replacing an
 * earlier one of the same name. @ret_found collects the folders that could be read. */
static GHashTable *effective_files(const char *const *dirs, GPtrArray *ret_found)
{
    GHashTable *files = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);

    for (size_t i = 0; dirs[i]; i++) {
        g_autoptr(GDir) dir = g_dir_open(dirs[i], 0, NULL);
        if (!dir)
            continue;
        g_ptr_array_add(ret_found, g_strdup(dirs[i]));
        for (const char *name; (name = g_dir_read_name(dir));) {
            if (g_str_has_suffix(name, ".json"))
                g_hash_table_insert(files, g_strdup(name), g_build_filename(dirs[i], name, NULL));
        }
    }
    return files;
}

static int compare_names(gconstpointer a, gconstpointer b)
{
    return strcmp(*(const char *const *) a, *(const char *const *) b);
}


/* Everything a NOT_FOUND message reports, file names only. */
typedef struct Tally {
    GPtrArray *read;           /* every file read (all but the disabled ones) */
    GPtrArray *disabled;
    GPtrArray *malformed;      /* "name (why)" */
    GPtrArray *unsupported;    /* "name (why)" */
    GPtrArray *not_installed;  /* "name (image)" */
} Tally;

static void tally_clear(Tally *t)
{
    g_clear_pointer(&t->read, g_ptr_array_unref);
    g_clear_pointer(&t->disabled, g_ptr_array_unref);
    g_clear_pointer(&t->malformed, g_ptr_array_unref);
    g_clear_pointer(&t->unsupported, g_ptr_array_unref);
    g_clear_pointer(&t->not_installed, g_ptr_array_unref);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC(Tally, tally_clear)

static char *describe_wanted(const char *const *features)
{
    if (!features || !features[0])
        return g_strdup("UEFI firmware");
    return g_strjoinv(", ", (char **) features);
}

/* @items joined with ", " (a GPtrArray of strings). */
static char *join(GPtrArray *items)
{
    g_autoptr(GString) s = g_string_new(NULL);
    for (unsigned i = 0; i < items->len; i++)
        g_string_append_printf(s, "%s%s", i ? ", " : "", (const char *) items->pdata[i]);
    return g_string_free(g_steal_pointer(&s), FALSE);
}

/* Appends "; @label: a, b" to @s when @items is not empty. */
static void append_list(GString *s, const char *label, GPtrArray *items)
{
    if (items->len == 0)
        return;
    g_autofree char *list = join(items);
    g_string_append_printf(s, "; %s: %s", label, list);
}

static void set_not_found(GError **error, const char *const *dirs, GPtrArray *found_dirs,
                          const char *architecture, const char *machine,
                          const char *const *features, const Tally *t)
{
    g_autofree char *wanted = describe_wanted(features);
    g_autoptr(GString) s = g_string_new("no firmware descriptor in ");

    if (found_dirs->len == 0) {
        g_autofree char *all = g_strjoinv(" or ", (char **) dirs);
        g_string_append_printf(s, "%s lists %s for %s %s (none of these folders exists)", all,
                               wanted, architecture, machine);
    } else {
        g_autofree char *where = join(found_dirs);
        g_autofree char *read = join(t->read);
        g_string_append_printf(s, "%s lists %s for %s %s (", where, wanted, architecture,
                               machine);
        if (t->read->len == 0)
            g_string_append(s, "no descriptors read");
        else
            g_string_append_printf(s, "%u descriptor%s read: %s", t->read->len,
                                   t->read->len == 1 ? "" : "s", read);
        append_list(s, "skipped as malformed", t->malformed);
        append_list(s, "not loadable by ccm", t->unsupported);
        append_list(s, "image not installed", t->not_installed);
        append_list(s, "disabled by an empty file", t->disabled);
        g_string_append_c(s, ')');
    }
    g_set_error_literal(error, CCM_FIRMWARE_ERROR, CCM_FIRMWARE_ERROR_NOT_FOUND, s->str);
}

static char *describe_choice(const char *name, const Descriptor *d, const char *architecture,
                             const char *machine, const char *const *features,
                             bool prefer_memory, const char *passed_flash)
{
    g_autofree char *wanted = describe_wanted(features);
    g_autofree char *how = NULL;

    if (strcmp(d->device, "memory") != 0 && prefer_memory)
        how = g_strdup("flash mapping, loaded as pflash; no memory mapping fits");
    else if (strcmp(d->device, "memory") != 0)
        how = g_strdup("flash mapping, loaded as pflash");
    else if (passed_flash)
        how = g_strdup_printf("memory mapping, loaded with -bios; preferred over the flash "
                              "mapping of %s", passed_flash);
    else
        how = g_strdup("memory mapping, loaded with -bios");

    return g_strdup_printf("%s: the first descriptor listing %s for %s %s (%s)", name, wanted,
                           architecture, machine, how);
}

CcmFirmwareChoice *ccm_firmware_descriptor_select(const char *const *dirs,
                                                  const char *architecture,
                                                  const char *machine,
                                                  const char *const *features,
                                                  bool prefer_memory, GError **error)
{
    g_return_val_if_fail(architecture && machine, NULL);

    g_auto(GStrv) default_dirs = NULL;
    if (!dirs) {
        default_dirs = ccm_firmware_descriptor_search_path(NULL);
        dirs = (const char *const *) default_dirs;
    }

    g_autoptr(GPtrArray) found_dirs = g_ptr_array_new_with_free_func(g_free);
    g_autoptr(GHashTable) files = effective_files(dirs, found_dirs);
    g_autoptr(GPtrArray) names = g_ptr_array_new();
    GHashTableIter iter;
    gpointer key;
    g_hash_table_iter_init(&iter, files);
    while (g_hash_table_iter_next(&iter, &key, NULL))
        g_ptr_array_add(names, key);
    g_ptr_array_sort(names, compare_names);

    g_auto(Tally) t = {
        .read = g_ptr_array_new(),
        .disabled = g_ptr_array_new(),
        .malformed = g_ptr_array_new_with_free_func(g_free),
        .unsupported = g_ptr_array_new_with_free_func(g_free),
        .not_installed = g_ptr_array_new_with_free_func(g_free),
    };
    g_auto(Descriptor) best = { 0 };
    const char *best_name = NULL;
    const char *passed_flash = NULL;  /* the flash fit a memory fit was preferred over */

    for (unsigned i = 0; i < names->len; i++) {
        const char *name = names->pdata[i];
        g_auto(Descriptor) d = { 0 };
        g_autofree char *why = NULL;

        Outcome outcome = examine(g_hash_table_lookup(files, name), architecture, machine,
                                  features, &d, &why);
        if (outcome == OUTCOME_DISABLED) {
            g_ptr_array_add(t.disabled, (char *) name);
            continue;
        }
        g_ptr_array_add(t.read, (char *) name);
        if (outcome == OUTCOME_MALFORMED)
            g_ptr_array_add(t.malformed, g_strdup_printf("%s (%s)", name, why));
        else if (outcome == OUTCOME_UNSUPPORTED)
            g_ptr_array_add(t.unsupported, g_strdup_printf("%s (%s)", name, why));
        else if (outcome == OUTCOME_NOT_INSTALLED)
            g_ptr_array_add(t.not_installed, g_strdup_printf("%s (%s)", name, why));
        if (outcome != OUTCOME_FIT)
            continue;

        bool memory = strcmp(d.device, "memory") == 0;
        if (best_name && memory)
            passed_flash = best_name;
        if (!best_name || memory) {
            descriptor_clear(&best);
            best = d;
            d.root = NULL;
            best_name = name;
        }
        if (!prefer_memory || memory)
            break;
    }

    if (!best_name) {
        set_not_found(error, dirs, found_dirs, architecture, machine, features, &t);
        return NULL;
    }

    CcmFirmwareChoice *choice = g_new0(CcmFirmwareChoice, 1);
    choice->descriptor = g_strdup(g_hash_table_lookup(files, best_name));
    choice->path = g_strdup(best.image);
    choice->flash = strcmp(best.device, "flash") == 0;
    choice->nvram_template = g_strdup(best.nvram_template);
    choice->reason = describe_choice(best_name, &best, architecture, machine, features,
                                     prefer_memory, passed_flash);
    return choice;
}
