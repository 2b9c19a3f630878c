/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * host-tdx.c - this host's Intel TDX state: kvm_intel, the TDX module, the QGS
 *
 * The TDX module is described in sysfs in two places, depending on the kernel: upstream
 * Linux's tdx_host device (/sys/devices/faux/tdx_host: version "major.minor.update",
 * seamldr_version, num_remaining_updates) and Intel's TDX kernels
 * (/sys/firmware/tdx/tdx_module: status, attributes, vendor_id, build_date, build_num,
 * major_version, minor_version, update_version). Whichever exists is read. The quote
 * generation service is reachable when its UNIX socket or its vsock port (4050, asked
 * on the local CID) accepts a connection.
 */
#include <string.h>

#include "host-tdx.h"

#define FAUX "sys/devices/faux/tdx_host"
#define FIRMWARE "sys/firmware/tdx/tdx_module"

void ccm_host_tdx_free(CcmHostTdx *tdx)
{
    if (!tdx)
        return;
    g_free(tdx->absent);
    g_free(tdx->kvm_tdx);
    g_free(tdx->module_source);
    g_free(tdx->status);
    g_free(tdx->attributes);
    g_free(tdx->vendor_id);
    g_free(tdx->build_date);
    g_free(tdx->build_num);
    g_free(tdx->version);
    g_free(tdx->seamldr_version);
    g_free(tdx->num_remaining_updates);
    g_free(tdx->qgs_socket);
    g_free(tdx->qgs_error);
    g_free(tdx);
}

static char *read_attr(CcmHostProbe *probe, const char *dir, const char *name)
{
    g_autofree char *path = g_build_filename(dir, name, NULL);
    char *text = ccm_host_probe_read_text(probe, path, NULL);
    return text ? g_strstrip(text) : NULL;
}

static int parse_number(const char *text)
{
    guint64 v;
    if (!text || !g_ascii_string_to_unsigned(text, 10, 0, 65535, &v, NULL))
        return -1;
    return (int) v;
}

static void read_module(CcmHostTdx *tdx, CcmHostProbe *probe)
{
    g_autoptr(GString) source = g_string_new(NULL);
    g_autofree char *faux = ccm_host_probe_path(probe, FAUX);
    g_autofree char *firmware = ccm_host_probe_path(probe, FIRMWARE);

    tdx->major = tdx->minor = tdx->update = -1;
    if (g_file_test(faux, G_FILE_TEST_IS_DIR)) {
        g_string_append(source, faux);
        tdx->version = read_attr(probe, FAUX, "version");
        tdx->seamldr_version = read_attr(probe, FAUX, "seamldr_version");
        tdx->num_remaining_updates = read_attr(probe, FAUX, "num_remaining_updates");
        if (tdx->version) {
            g_auto(GStrv) parts = g_strsplit(tdx->version, ".", -1);
            if (g_strv_length(parts) == 3) {
                tdx->major = parse_number(parts[0]);
                tdx->minor = parse_number(parts[1]);
                tdx->update = parse_number(parts[2]);
            }
        }
    }
    if (g_file_test(firmware, G_FILE_TEST_IS_DIR)) {
        g_string_append_printf(source, "%s%s", source->len ? ", " : "", firmware);
        tdx->status = read_attr(probe, FIRMWARE, "status");
        tdx->attributes = read_attr(probe, FIRMWARE, "attributes");
        tdx->vendor_id = read_attr(probe, FIRMWARE, "vendor_id");
        tdx->build_date = read_attr(probe, FIRMWARE, "build_date");
        tdx->build_num = read_attr(probe, FIRMWARE, "build_num");
        g_autofree char *major = read_attr(probe, FIRMWARE, "major_version");
        g_autofree char *minor = read_attr(probe, FIRMWARE, "minor_version");
        g_autofree char *update = read_attr(probe, FIRMWARE, "update_version");
        if (tdx->major < 0 && major && minor) {
            tdx->major = parse_number(major);
            tdx->minor = parse_number(minor);
            tdx->update = update ? parse_number(update) : 0;
            if (tdx->major >= 0 && tdx->minor >= 0 && tdx->update >= 0)
                tdx->version = g_strdup_printf("%d.%d.%02d", tdx->major, tdx->minor,
                                               tdx->update);
        }
    }
    if (source->len)
        tdx->module_source = g_string_free(g_steal_pointer(&source), FALSE);
}

static char *absent_reason(const CcmHostTdx *tdx, const CcmHostCpu *cpu)
{
    if (!tdx->intel)
        return g_strdup_printf("not an Intel CPU (%s)", cpu->vendor_name);
    g_autoptr(GPtrArray) why = g_ptr_array_new_with_free_func(g_free);
    if (!tdx->kvm_tdx)
        g_ptr_array_add(why, g_strdup("kvm_intel not loaded or without a tdx parameter"));
    else
        g_ptr_array_add(why, g_strdup_printf("kvm_intel.tdx=%s", tdx->kvm_tdx));
    if (!tdx->cpu_tdx_host)
        g_ptr_array_add(why, g_strdup("CPU flag tdx_host_platform missing"));
    if (!tdx->module_source)
        g_ptr_array_add(why, g_strdup("no TDX module in sysfs"));
    g_ptr_array_add(why, NULL);
    return g_strjoinv(", ", (char **) why->pdata);
}

CcmHostTdx *ccm_host_tdx_read(CcmHostProbe *probe)
{
    CcmHostTdx *tdx = g_new0(CcmHostTdx, 1);
    const CcmHostCpu *cpu = ccm_host_probe_cpu(probe);
    g_autoptr(GError) error = NULL;

    tdx->intel_known = cpu->vendor == CCM_CPU_INTEL;
    tdx->intel = tdx->intel_known || cpu->vendor == CCM_CPU_UNKNOWN;
    tdx->cpu_tdx_host = ccm_host_cpu_has(cpu, "tdx_host_platform");
    tdx->cpu_tdx_guest = ccm_host_cpu_has(cpu, "tdx_guest");
    tdx->kvm_tdx = ccm_host_probe_module_param(probe, "kvm_intel", "tdx");
    read_module(tdx, probe);
    tdx->qgs_socket = ccm_host_probe_path(probe, CCM_TDX_QGS_SOCKET);
    g_autoptr(GError) vsock_error = NULL;
    tdx->qgs_socket_reachable = ccm_host_probe_connect_unix(probe, CCM_TDX_QGS_SOCKET, &error);
    /* Only where TDX may be: a vsock connect can wait for its timeout. */
    if (tdx->intel)
        tdx->qgs_vsock_reachable = ccm_host_probe_connect_vsock(probe, CCM_TDX_QGS_VSOCK_PORT,
                                                                1000, &vsock_error);
    tdx->qgs_reachable = tdx->qgs_socket_reachable || tdx->qgs_vsock_reachable;
    if (!tdx->qgs_reachable)
        tdx->qgs_error = vsock_error ? g_strdup_printf("%s; %s", error->message,
                                                       vsock_error->message)
                                     : g_strdup(error->message);
    tdx->present = tdx->intel && ccm_host_param_on(tdx->kvm_tdx);
    if (!tdx->present)
        tdx->absent = absent_reason(tdx, cpu);
    return tdx;
}

static json_object *string_or_null(const char *s)
{
    return s ? json_object_new_string(s) : NULL;
}

static json_object *number_or_null(int n)
{
    return n >= 0 ? json_object_new_int(n) : NULL;
}

json_object *ccm_host_tdx_to_json(const CcmHostTdx *tdx)
{
    json_object *o = json_object_new_object();
    json_object *flags = json_object_new_object();
    json_object *kvm = json_object_new_object();
    json_object *qgs = json_object_new_object();

    json_object_object_add(o, "present", json_object_new_boolean(tdx->present));
    json_object_object_add(o, "absent_reason", string_or_null(tdx->absent));
    json_object_object_add(flags, "tdx_host_platform",
                           json_object_new_boolean(tdx->cpu_tdx_host));
    json_object_object_add(flags, "tdx_guest", json_object_new_boolean(tdx->cpu_tdx_guest));
    json_object_object_add(o, "cpu_flags", flags);
    json_object_object_add(kvm, "tdx", string_or_null(tdx->kvm_tdx));
    json_object_object_add(o, "kvm_intel", kvm);
    if (tdx->module_source) {
        json_object *m = json_object_new_object();
        json_object_object_add(m, "source", json_object_new_string(tdx->module_source));
        json_object_object_add(m, "version", string_or_null(tdx->version));
        json_object_object_add(m, "major_version", number_or_null(tdx->major));
        json_object_object_add(m, "minor_version", number_or_null(tdx->minor));
        json_object_object_add(m, "update_version", number_or_null(tdx->update));
        json_object_object_add(m, "status", string_or_null(tdx->status));
        json_object_object_add(m, "attributes", string_or_null(tdx->attributes));
        json_object_object_add(m, "vendor_id", string_or_null(tdx->vendor_id));
        json_object_object_add(m, "build_date", string_or_null(tdx->build_date));
        json_object_object_add(m, "build_num", string_or_null(tdx->build_num));
        json_object_object_add(m, "seamldr_version", string_or_null(tdx->seamldr_version));
        json_object_object_add(m, "num_remaining_updates",
                               string_or_null(tdx->num_remaining_updates));
        json_object_object_add(o, "module", m);
    } else {
        json_object_object_add(o, "module", NULL);
    }
    json_object_object_add(qgs, "socket", json_object_new_string(tdx->qgs_socket));
    json_object_object_add(qgs, "socket_reachable",
                           json_object_new_boolean(tdx->qgs_socket_reachable));
    json_object_object_add(qgs, "vsock_port", json_object_new_int(CCM_TDX_QGS_VSOCK_PORT));
    json_object_object_add(qgs, "vsock_reachable",
                           json_object_new_boolean(tdx->qgs_vsock_reachable));
    json_object_object_add(qgs, "reachable", json_object_new_boolean(tdx->qgs_reachable));
    json_object_object_add(qgs, "error", string_or_null(tdx->qgs_error));
    json_object_object_add(o, "qgs", qgs);
    return o;
}
