/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * qemu-caps.c - what one QEMU binary can do, as read from a probe transcript
 *
 * Requests and replies are paired by id; each reply is read by the handler for its
 * command, which checks its shape. Replies ccm does not need are ignored, commands
 * that failed are kept as "unknown" (for SEV capabilities, with QEMU's reason).
 */
#include <string.h>

#include <gio/gio.h>

#include "qemu-caps.h"

void ccm_qemu_caps_free(CcmQemuCaps *caps)
{
    if (!caps)
        return;
    g_free(caps->source);
    g_free(caps->binary);
    g_free(caps->accel);
    g_free(caps->package);
    g_free(caps->sev_capabilities_error);
    g_clear_pointer(&caps->commands, g_hash_table_unref);
    g_clear_pointer(&caps->cc_types, g_hash_table_unref);
    g_clear_pointer(&caps->machines, g_hash_table_unref);
    g_clear_pointer(&caps->cpu_models, g_hash_table_unref);
    g_free(caps);
}

static const char *string_member(json_object *o, const char *key)
{
    json_object *v;
    return o && json_object_is_type(o, json_type_object) && json_object_object_get_ex(o, key, &v) &&
                   json_object_is_type(v, json_type_string)
               ? json_object_get_string(v)
               : NULL;
}

static gboolean bad_shape(GError **error, const CcmQemuCaps *caps, const char *command,
                          const char *expected)
{
    g_set_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                "%s: the reply to %s has the wrong shape: expected %s", caps->source, command,
                expected);
    return FALSE;
}

/* Adds @key of every object in array @ret to @set. */
static gboolean names_into(json_object *ret, const char *key, GHashTable *set,
                           const CcmQemuCaps *caps, const char *command, GError **error)
{
    if (!json_object_is_type(ret, json_type_array))
        return bad_shape(error, caps, command, "an array");
    for (size_t i = 0; i < json_object_array_length(ret); i++) {
        json_object *item = json_object_array_get_idx(ret, i);
        const char *name = string_member(item, key);
        if (!name)
            return bad_shape(error, caps, command, "objects with a string \"name\"");
        g_hash_table_add(set, g_strdup(name));
    }
    return TRUE;
}

static gboolean handle(CcmQemuCaps *caps, const char *command, json_object *arguments,
                       json_object *ret, json_object *err, GError **error)
{
    if (strcmp(command, "query-sev-capabilities") == 0) {
        if (err) {
            caps->sev_capabilities_error = g_strdup(string_member(err, "desc"));
            return TRUE;
        }
        json_object *v;
        if (!json_object_is_type(ret, json_type_object) ||
            !json_object_object_get_ex(ret, "cbitpos", &v) ||
            !json_object_is_type(v, json_type_int))
            return bad_shape(error, caps, command, "an object with an integer \"cbitpos\"");
        caps->cbitpos = (uint32_t) json_object_get_int(v);
        if (!json_object_object_get_ex(ret, "reduced-phys-bits", &v) ||
            !json_object_is_type(v, json_type_int))
            return bad_shape(error, caps, command, "an integer \"reduced-phys-bits\"");
        caps->reduced_phys_bits = (uint32_t) json_object_get_int(v);
        caps->sev_capabilities = true;
        return TRUE;
    }
    if (err)
        return TRUE; /* a command this QEMU refused: the capability is simply absent */

    if (strcmp(command, "query-qmp-schema") == 0) {
        if (!json_object_is_type(ret, json_type_array))
            return bad_shape(error, caps, command, "an array");
        for (size_t i = 0; i < json_object_array_length(ret); i++) {
            json_object *entity = json_object_array_get_idx(ret, i);
            const char *meta = string_member(entity, "meta-type");
            const char *name = string_member(entity, "name");
            if (!meta || !name)
                return bad_shape(error, caps, command, "entities with \"name\" and \"meta-type\"");
            if (strcmp(meta, "command") == 0)
                g_hash_table_add(caps->commands, g_strdup(name));
        }
    } else if (strcmp(command, "qom-list-types") == 0) {
        if (!json_object_is_type(ret, json_type_array))
            return bad_shape(error, caps, command, "an array");
        for (size_t i = 0; i < json_object_array_length(ret); i++) {
            json_object *item = json_object_array_get_idx(ret, i), *abstract;
            const char *name = string_member(item, "name");
            if (!name)
                return bad_shape(error, caps, command, "objects with a string \"name\"");
            if (json_object_object_get_ex(item, "abstract", &abstract) &&
                json_object_get_boolean(abstract))
                continue;
            if (!g_hash_table_contains(caps->cc_types, name))
                g_hash_table_insert(caps->cc_types, g_strdup(name),
                                    g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free));
        }
    } else if (strcmp(command, "qom-list-properties") == 0) {
        const char *type = string_member(arguments, "typename");
        GHashTable *props = type ? g_hash_table_lookup(caps->cc_types, type) : NULL;
        if (!props)
            return TRUE;
        if (!json_object_is_type(ret, json_type_array))
            return bad_shape(error, caps, command, "an array");
        for (size_t i = 0; i < json_object_array_length(ret); i++) {
            json_object *item = json_object_array_get_idx(ret, i);
            const char *name = string_member(item, "name");
            const char *ptype = string_member(item, "type");
            if (!name || !ptype)
                return bad_shape(error, caps, command, "objects with \"name\" and \"type\"");
            g_hash_table_insert(props, g_strdup(name), g_strdup(ptype));
        }
    } else if (strcmp(command, "query-machines") == 0) {
        if (!names_into(ret, "name", caps->machines, caps, command, error))
            return FALSE;
        for (size_t i = 0; i < json_object_array_length(ret); i++) {
            const char *alias = string_member(json_object_array_get_idx(ret, i), "alias");
            if (alias)
                g_hash_table_add(caps->machines, g_strdup(alias));
        }
    } else if (strcmp(command, "query-cpu-definitions") == 0) {
        return names_into(ret, "name", caps->cpu_models, caps, command, error);
    }
    return TRUE;
}

CcmQemuCaps *ccm_qemu_caps_from_transcript(const CcmQmpTranscript *t, GError **error)
{
    g_autoptr(CcmQemuCaps) caps = g_new0(CcmQemuCaps, 1);
    g_autoptr(GHashTable) requests = g_hash_table_new(g_str_hash, g_str_equal);
    bool greeting = false;

    caps->source = g_strdup(t->path ? t->path : "QEMU probe");
    caps->binary = g_strdup(string_member(t->header, "binary"));
    caps->accel = g_strdup(string_member(t->header, "accel"));
    caps->commands = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    caps->cc_types = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
                                           (GDestroyNotify) g_hash_table_unref);
    caps->machines = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    caps->cpu_models = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);

    for (guint i = 0; i < t->messages->len; i++) {
        json_object *m = t->messages->pdata[i], *qmp, *v;

        if (json_object_object_get_ex(m, "QMP", &qmp)) {
            json_object *qemu = NULL;
            if (json_object_object_get_ex(qmp, "version", &v) &&
                json_object_object_get_ex(v, "qemu", &qemu)) {
                json_object *n;
                if (json_object_object_get_ex(qemu, "major", &n))
                    caps->major = json_object_get_int(n);
                if (json_object_object_get_ex(qemu, "minor", &n))
                    caps->minor = json_object_get_int(n);
                if (json_object_object_get_ex(qemu, "micro", &n))
                    caps->micro = json_object_get_int(n);
                caps->package = g_strdup(string_member(v, "package"));
                greeting = true;
            }
            continue;
        }
        const char *id = string_member(m, "id");
        if (!ccm_qmp_transcript_is_from_qemu(m)) {
            if (id)
                g_hash_table_insert(requests, (gpointer) id, m);
            continue;
        }
        json_object *request = id ? g_hash_table_lookup(requests, id) : NULL;
        if (!request)
            continue; /* events, and the capabilities negotiation */
        json_object *ret = NULL, *err = NULL, *args = NULL;
        json_object_object_get_ex(m, "return", &ret);
        json_object_object_get_ex(m, "error", &err);
        json_object_object_get_ex(request, "arguments", &args);
        if (!handle(caps, string_member(request, "execute"), args, ret, err, error))
            return NULL;
    }
    if (!greeting) {
        g_set_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                    "%s: no QMP greeting with QEMU's version", caps->source);
        return NULL;
    }
    return g_steal_pointer(&caps);
}

char *ccm_qemu_caps_version_string(const CcmQemuCaps *caps)
{
    return g_strdup_printf("%d.%d.%d", caps->major, caps->minor, caps->micro);
}

bool ccm_qemu_caps_version_at_least(const CcmQemuCaps *caps, int major, int minor)
{
    return caps->major > major || (caps->major == major && caps->minor >= minor);
}

bool ccm_qemu_caps_has_command(const CcmQemuCaps *caps, const char *command)
{
    return g_hash_table_contains(caps->commands, command);
}

bool ccm_qemu_caps_has_type(const CcmQemuCaps *caps, const char *type)
{
    return g_hash_table_contains(caps->cc_types, type);
}

bool ccm_qemu_caps_has_property(const CcmQemuCaps *caps, const char *type, const char *property)
{
    GHashTable *props = g_hash_table_lookup(caps->cc_types, type);
    return props && g_hash_table_contains(props, property);
}

bool ccm_qemu_caps_has_machine(const CcmQemuCaps *caps, const char *machine)
{
    return g_hash_table_contains(caps->machines, machine);
}

bool ccm_qemu_caps_has_cpu_model(const CcmQemuCaps *caps, const char *model)
{
    return g_hash_table_contains(caps->cpu_models, model);
}
