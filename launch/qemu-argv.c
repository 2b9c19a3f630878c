/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * qemu-argv.c - the QEMU command line of a launch plan, checked against QEMU's capabilities
 *
 * Theory of operation: the argv is built from the plan alone; every option that only
 * some QEMU versions have is looked up in the probed capabilities first, and a missing
 * one stops rendering with a sentence naming the QEMU version and what is needed.
 * Confidential-guest objects are written in QEMU's JSON -object syntax (QEMU >= 6.0),
 * which needs no comma escaping and is the only syntax TDX's quote-generation-socket
 * accepts. Plain options that carry user text (file names) escape commas as QEMU does
 * (",,").
 */
#include <string.h>

#include "ccm-autocleanups.h"
#include "plan-id-block.h"
#include "qemu-argv.h"

static void add(GPtrArray *argv, const char *arg)
{
    g_ptr_array_add(argv, g_strdup(arg));
}

static void addf(GPtrArray *argv, const char *format, ...) G_GNUC_PRINTF(2, 3);
static void addf(GPtrArray *argv, const char *format, ...)
{
    va_list ap;
    va_start(ap, format);
    g_ptr_array_add(argv, g_strdup_vprintf(format, ap));
    va_end(ap);
}

/* A value inside a QEMU "key=value,..." option: commas are doubled. */
static char *opt_escape(const char *value)
{
    GString *s = g_string_new(NULL);
    for (const char *p = value; *p; p++) {
        g_string_append_c(s, *p);
        if (*p == ',')
            g_string_append_c(s, ',');
    }
    return g_string_free(s, FALSE);
}

static gboolean unsupported(GError **error, const CcmQemuCaps *caps, const char *format, ...)
    G_GNUC_PRINTF(3, 4);
static gboolean unsupported(GError **error, const CcmQemuCaps *caps, const char *format, ...)
{
    va_list ap;
    g_autofree char *version = ccm_qemu_caps_version_string(caps);

    va_start(ap, format);
    g_autofree char *message = g_strdup_vprintf(format, ap);
    va_end(ap);
    g_set_error(error, CCM_LAUNCH_ERROR, CCM_LAUNCH_ERROR_UNSUPPORTED, "QEMU %s %s", version,
                message);
    return FALSE;
}

static gboolean need_type(const CcmQemuCaps *caps, const char *type, const char *needs,
                          GError **error)
{
    if (ccm_qemu_caps_has_type(caps, type))
        return TRUE;
    return unsupported(error, caps, "has no %s object; %s", type, needs);
}

static gboolean need_property(const CcmQemuCaps *caps, const char *type, const char *property,
                              const char *key, GError **error)
{
    if (ccm_qemu_caps_has_property(caps, type, property))
        return TRUE;
    return unsupported(error, caps, "has no '%s' property on %s, which %s needs", property,
                       type, key);
}

static const char *b64(GBytes *bytes, char **store)
{
    gsize n;
    const guchar *data = g_bytes_get_data(bytes, &n);
    *store = g_base64_encode(data, n);
    return *store;
}

static void add_b64(json_object *o, const char *key, GBytes *bytes)
{
    g_autofree char *s = NULL;
    if (bytes)
        json_object_object_add(o, key, json_object_new_string(b64(bytes, &s)));
}

static gboolean sev_cbitpos(const CcmLaunchPlan *plan, const CcmQemuCaps *caps,
                            const char *section, uint32_t spec_cbitpos,
                            uint32_t spec_reduced, json_object *o, GError **error)
{
    const CcmGuestSpec *spec = plan->spec;
    bool have_c = ccm_guest_spec_given(spec, section, "CBitPos", NULL);
    bool have_r = ccm_guest_spec_given(spec, section, "ReducedPhysBits", NULL);

    if ((!have_c || !have_r) && !caps->sev_capabilities) {
        g_set_error(error, CCM_LAUNCH_ERROR, CCM_LAUNCH_ERROR_UNSUPPORTED,
                    "%s: the C-bit position is unknown: %s could not report SEV capabilities "
                    "(%s); set CBitPos= and ReducedPhysBits= in [%s]",
                    spec->path, caps->binary ? caps->binary : "QEMU",
                    caps->sev_capabilities_error ? caps->sev_capabilities_error : "no answer",
                    section);
        return FALSE;
    }
    json_object_object_add(o, "cbitpos",
                           json_object_new_int((int) (have_c ? spec_cbitpos : caps->cbitpos)));
    json_object_object_add(o, "reduced-phys-bits",
                           json_object_new_int((int) (have_r ? spec_reduced
                                                             : caps->reduced_phys_bits)));
    return TRUE;
}

static json_object *sev_object(const CcmLaunchPlan *plan, const CcmQemuCaps *caps,
                               GError **error)
{
    const CcmGuestSpec *spec = plan->spec;
    const char *type = "sev-guest";

    if (!need_type(caps, type, "SEV needs QEMU 2.12 or later", error))
        return NULL;
    g_autoptr(json_object) o = json_object_new_object();
    json_object_object_add(o, "qom-type", json_object_new_string(type));
    json_object_object_add(o, "id", json_object_new_string("cc0"));
    if (!sev_cbitpos(plan, caps, "SEV", spec->sev.cbitpos, spec->sev.reduced_phys_bits, o,
                     error))
        return NULL;
    json_object_object_add(o, "policy", json_object_new_int64(spec->sev.policy));
    if (spec->sev.kernel_hashes) {
        if (!need_property(caps, type, "kernel-hashes", "KernelHashes=yes", error))
            return NULL;
        json_object_object_add(o, "kernel-hashes", json_object_new_boolean(1));
    }
    if (spec->sev.legacy_vm_type != CCM_AUTO) {
        if (!need_property(caps, type, "legacy-vm-type", "LegacyVMType= (QEMU 9.1 or later)",
                           error))
            return NULL;
        GHashTable *props = g_hash_table_lookup(caps->cc_types, type);
        bool on = spec->sev.legacy_vm_type == CCM_ON;
        /* 9.1 made it a bool; 10.0 an OnOffAuto. */
        if (g_strcmp0(g_hash_table_lookup(props, "legacy-vm-type"), "bool") == 0)
            json_object_object_add(o, "legacy-vm-type", json_object_new_boolean(on));
        else
            json_object_object_add(o, "legacy-vm-type", json_object_new_string(on ? "on" : "off"));
    }
    return g_steal_pointer(&o);
}

static gboolean snp_id_block(const CcmLaunchPlan *plan, json_object *o, const CcmQemuCaps *caps,
                             GError **error)
{
    const char *type = "sev-snp-guest";
    g_autoptr(CcmPlanIdBlock) id = NULL;

    if (!ccm_plan_id_block(plan, &id, error))
        return FALSE;
    if (!id)
        return TRUE;
    if (!need_property(caps, type, "id-block", "an ID block", error) ||
        !need_property(caps, type, "id-auth", "an ID block", error))
        return FALSE;
    json_object_object_add(o, "id-block", json_object_new_string(id->id_block));
    json_object_object_add(o, "id-auth", json_object_new_string(id->id_auth));
    if (id->author_key_enabled) {
        if (!need_property(caps, type, "author-key-enabled", "AuthorKey=", error))
            return FALSE;
        json_object_object_add(o, "author-key-enabled", json_object_new_boolean(1));
    }
    return TRUE;
}

static json_object *snp_object(const CcmLaunchPlan *plan, const CcmQemuCaps *caps,
                               GError **error)
{
    const CcmGuestSpec *spec = plan->spec;
    const char *type = "sev-snp-guest";

    if (!need_type(caps, type, "SEV-SNP needs QEMU 9.1 or later", error))
        return NULL;
    g_autoptr(json_object) o = json_object_new_object();
    json_object_object_add(o, "qom-type", json_object_new_string(type));
    json_object_object_add(o, "id", json_object_new_string("cc0"));
    if (!sev_cbitpos(plan, caps, "SEV-SNP", spec->snp.cbitpos, spec->snp.reduced_phys_bits, o,
                     error))
        return NULL;
    json_object_object_add(o, "policy", json_object_new_int64((int64_t) spec->snp.policy));
    if (spec->snp.kernel_hashes) {
        if (!need_property(caps, type, "kernel-hashes", "KernelHashes=yes", error))
            return NULL;
        json_object_object_add(o, "kernel-hashes", json_object_new_boolean(1));
    }
    if (spec->snp.host_data && !need_property(caps, type, "host-data", "HostData=", error))
        return NULL;
    add_b64(o, "host-data", spec->snp.host_data);
    if (spec->snp.guest_visible_workarounds &&
        !need_property(caps, type, "guest-visible-workarounds", "GuestVisibleWorkarounds=",
                       error))
        return NULL;
    add_b64(o, "guest-visible-workarounds", spec->snp.guest_visible_workarounds);
    if (!spec->snp.vcek) {
        if (!need_property(caps, type, "vcek-disabled", "VCEK=no", error))
            return NULL;
        json_object_object_add(o, "vcek-disabled", json_object_new_boolean(1));
    }
    if (spec->snp.guest_features != 0x1) {
        /* QEMU passes only what its own options imply to KVM; a different
         * SEV_FEATURES would be measured but not launched. */
        g_set_error(error, CCM_LAUNCH_ERROR, CCM_LAUNCH_ERROR_UNSUPPORTED,
                    "%s: [SEV-SNP] GuestFeatures=0x%" G_GINT64_MODIFIER
                    "x cannot be requested on the QEMU command line; QEMU launches SNP guests "
                    "with 0x1 on current host kernels",
                    spec->path, spec->snp.guest_features);
        return NULL;
    }
    if (!snp_id_block(plan, o, caps, error))
        return NULL;
    return g_steal_pointer(&o);
}

static json_object *tdx_object(const CcmLaunchPlan *plan, const CcmQemuCaps *caps,
                               GError **error)
{
    const CcmGuestSpec *spec = plan->spec;
    const char *type = "tdx-guest";

    if (!need_type(caps, type, "TDX needs QEMU 10.1 or later", error))
        return NULL;
    g_autoptr(json_object) o = json_object_new_object();
    json_object_object_add(o, "qom-type", json_object_new_string(type));
    json_object_object_add(o, "id", json_object_new_string("cc0"));
    json_object_object_add(o, "attributes", json_object_new_int64((int64_t) spec->tdx.attributes));
    json_object_object_add(o, "sept-ve-disable", json_object_new_boolean(spec->tdx.sept_ve_disable));
    struct {
        const char *property, *key;
        GBytes *value;
    } digests[] = { { "mrconfigid", "MRConfigId=", spec->tdx.mrconfigid },
                    { "mrowner", "MROwner=", spec->tdx.mrowner },
                    { "mrownerconfig", "MROwnerConfig=", spec->tdx.mrownerconfig } };
    for (size_t i = 0; i < G_N_ELEMENTS(digests); i++) {
        if (!digests[i].value)
            continue;
        if (!need_property(caps, type, digests[i].property, digests[i].key, error))
            return NULL;
        add_b64(o, digests[i].property, digests[i].value);
    }
    if (spec->tdx.quote_generation_socket) {
        if (!need_property(caps, type, "quote-generation-socket", "QuoteGenerationSocket=",
                           error))
            return NULL;
        json_object *addr = json_object_new_object();
        const char *qgs = spec->tdx.quote_generation_socket;
        if (g_str_has_prefix(qgs, "vsock:")) {
            g_auto(GStrv) parts = g_strsplit(qgs, ":", 3);
            json_object_object_add(addr, "type", json_object_new_string("vsock"));
            json_object_object_add(addr, "cid", json_object_new_string(parts[1]));
            json_object_object_add(addr, "port", json_object_new_string(parts[2]));
        } else {
            json_object_object_add(addr, "type", json_object_new_string("unix"));
            json_object_object_add(addr, "path", json_object_new_string(qgs));
        }
        json_object_object_add(o, "quote-generation-socket", addr);
    }
    return g_steal_pointer(&o);
}

static json_object *cca_object(const CcmLaunchPlan *plan, const CcmQemuCaps *caps,
                               GError **error)
{
    const CcmGuestSpec *spec = plan->spec;
    const char *type = "rme-guest";

    if (!need_type(caps, type,
                   "Arm CCA needs a QEMU build with the Realm (rme-guest) series, which is not "
                   "in upstream QEMU",
                   error))
        return NULL;
    if (!spec->cca.dtb) {
        g_set_error(error, CCM_LAUNCH_ERROR, CCM_LAUNCH_ERROR_INPUT,
                    "%s: [CCA] DTB= is needed: a realm's device tree is measured, so it must "
                    "be a fixed file (generate it once with QEMU -machine dumpdtb=FILE) that "
                    "both the launch (-dtb) and the measurement read",
                    spec->path);
        return NULL;
    }
    g_autoptr(json_object) o = json_object_new_object();
    json_object_object_add(o, "qom-type", json_object_new_string(type));
    json_object_object_add(o, "id", json_object_new_string("cc0"));
    /* The series renamed this property and its 2026 ports have none (their realms use
     * SHA-256): set it when the spec chose, with the name this build has. */
    const char *alg = ccm_qemu_caps_has_property(caps, type, "measurement-algo")
                          ? "measurement-algo"
                          : "measurement-algorithm";
    bool settable = ccm_qemu_caps_has_property(caps, type, alg);
    if (spec->cca.measurement_algorithm &&
        (settable || strcmp(spec->cca.measurement_algorithm, "sha256") != 0)) {
        if (!need_property(caps, type, alg, "MeasurementAlgorithm=", error))
            return NULL;
        json_object_object_add(o, alg, json_object_new_string(spec->cca.measurement_algorithm));
    }
    if (spec->cca.measurement_log) {
        if (!need_property(caps, type, "measurement-log", "MeasurementLog=", error))
            return NULL;
        json_object_object_add(o, "measurement-log", json_object_new_boolean(1));
    }
    if (spec->cca.personalization_value) {
        if (!need_property(caps, type, "personalization-value", "PersonalizationValue=", error))
            return NULL;
        add_b64(o, "personalization-value", spec->cca.personalization_value);
    }
    return g_steal_pointer(&o);
}

static gboolean add_firmware(const CcmLaunchPlan *plan, const CcmQemuArgvOptions *options,
                             GPtrArray *argv, GError **error)
{
    const CcmFirmwareChoice *fw = plan->firmware;
    if (!fw->path)
        return TRUE; /* a realm that boots its kernel directly */
    g_autofree char *code = opt_escape(fw->path);

    if (!fw->flash) {
        add(argv, "-bios");
        add(argv, fw->path);
        return TRUE;
    }
    if (!options->nvram) {
        g_set_error(error, CCM_LAUNCH_ERROR, CCM_LAUNCH_ERROR_INPUT,
                    "%s: the firmware %s is a pflash image and needs a variable store; the "
                    "caller must give its path (the template is %s)",
                    plan->spec->path, fw->path, fw->nvram_template ? fw->nvram_template : "none");
        return FALSE;
    }
    g_autofree char *vars = opt_escape(options->nvram);
    add(argv, "-drive");
    addf(argv, "if=pflash,format=raw,unit=0,readonly=on,file=%s", code);
    add(argv, "-drive");
    addf(argv, "if=pflash,format=raw,unit=1,file=%s", vars);
    return TRUE;
}

static const char *default_cpu(const CcmLaunchPlan *plan)
{
    if (plan->spec->platform == CCM_GUEST_PLATFORM_TDX ||
        plan->spec->platform == CCM_GUEST_PLATFORM_CCA)
        return "host";
    return strcmp(plan->accelerator, "kvm") == 0 ? "host" : "max";
}

/*
 * The guest's devices. With @placeholders the backends are stand-ins that open nothing
 * (a null block driver, user networking, a null serial): the shape QEMU builds its ACPI
 * tables from is the same, and a dump can run while the guest itself is running.
 */
static void add_devices(const CcmLaunchPlan *plan, gboolean placeholders, GPtrArray *argv)
{
    const CcmGuestSpec *spec = plan->spec;
    bool confidential = spec->platform != CCM_GUEST_PLATFORM_NONE;
    /* Confidential guests only reach virtio devices through bounce buffers. */
    const char *virtio_cc = confidential ? ",iommu_platform=on,disable-legacy=on" : "";
    for (guint i = 0; i < spec->disks->len; i++) {
        const CcmGuestDisk *d = spec->disks->pdata[i];
        g_autofree char *file = opt_escape(d->path);
        add(argv, "-drive");
        if (placeholders)
            addf(argv, "driver=null-co,if=none,id=disk%u%s", i, d->readonly ? ",readonly=on" : "");
        else
            addf(argv, "file=%s,format=%s,if=none,id=disk%u%s", file, d->format, i,
                 d->readonly ? ",readonly=on" : "");
        add(argv, "-device");
        addf(argv, "virtio-blk-pci,drive=disk%u%s", i, virtio_cc);
    }
    if (spec->network != CCM_NETWORK_NONE) {
        add(argv, "-netdev");
        if (spec->network == CCM_NETWORK_USER || placeholders)
            add(argv, "user,id=net0");
        else
            addf(argv, "tap,id=net0,ifname=%s,script=no,downscript=no", spec->network_ifname);
        add(argv, "-device");
        addf(argv, "virtio-net-pci,netdev=net0%s", virtio_cc);
    }
    if (spec->serial_log) {
        g_autofree char *log = opt_escape(spec->serial_log);
        add(argv, "-chardev");
        if (placeholders)
            add(argv, "null,id=serial0");
        else
            addf(argv, "file,id=serial0,path=%s", log);
        add(argv, "-serial");
        add(argv, "chardev:serial0");
    }
}

/* The -machine value: the board and what the platform needs of it. */
static char *machine_option(const CcmLaunchPlan *plan, gboolean with_guest_support)
{
    const CcmGuestSpec *spec = plan->spec;
    bool confidential = spec->platform != CCM_GUEST_PLATFORM_NONE;
    GString *machine = g_string_new(plan->machine);
    if (confidential && with_guest_support)
        g_string_append(machine, ",confidential-guest-support=cc0");
    if (spec->platform == CCM_GUEST_PLATFORM_TDX)
        g_string_append(machine, ",kernel-irqchip=split");
    if (confidential && spec->platform != CCM_GUEST_PLATFORM_CCA)
        g_string_append(machine, ",smm=off");
    return g_string_free(machine, FALSE);
}

GPtrArray *ccm_qemu_argv_acpi_shape(const CcmLaunchPlan *plan)
{
    const CcmGuestSpec *spec = plan->spec;
    GPtrArray *argv = g_ptr_array_new_with_free_func(g_free);
    add(argv, "-machine");
    g_ptr_array_add(argv, machine_option(plan, FALSE));
    add(argv, "-smp");
    addf(argv, "%u", spec->vcpus);
    add(argv, "-m");
    addf(argv, "%" G_GUINT64_FORMAT "M", spec->memory >> 20);
    add(argv, "-nodefaults");
    add(argv, "-no-user-config");
    add_devices(plan, TRUE, argv);
    g_ptr_array_add(argv, NULL);
    return argv;
}

GPtrArray *ccm_qemu_argv_render(const CcmLaunchPlan *plan, const CcmQemuCaps *caps,
                                const CcmQemuArgvOptions *options, GError **error)
{
    const CcmGuestSpec *spec = plan->spec;
    CcmQemuArgvOptions defaults = CCM_QEMU_ARGV_OPTIONS_INIT;
    g_autoptr(GPtrArray) argv = g_ptr_array_new_with_free_func(g_free);
    g_autoptr(json_object) cc = NULL;
    bool confidential = spec->platform != CCM_GUEST_PLATFORM_NONE;

    if (!options)
        options = &defaults;

    switch (spec->platform) {
    case CCM_GUEST_PLATFORM_SEV:
    case CCM_GUEST_PLATFORM_SEV_ES:
        cc = sev_object(plan, caps, error);
        break;
    case CCM_GUEST_PLATFORM_SEV_SNP:
        cc = snp_object(plan, caps, error);
        break;
    case CCM_GUEST_PLATFORM_TDX:
        cc = tdx_object(plan, caps, error);
        break;
    case CCM_GUEST_PLATFORM_CCA:
        cc = cca_object(plan, caps, error);
        break;
    default:
        break;
    }
    if (confidential && !cc)
        return NULL;

    if (!ccm_qemu_caps_has_machine(caps, plan->machine)) {
        unsupported(error, caps, "has no machine type '%s'", plan->machine);
        return NULL;
    }
    bool bare = strcmp(plan->machine, "none") == 0; /* no board: no CPU, firmware, devices */
    const char *cpu = spec->cpu_model ? spec->cpu_model : default_cpu(plan);
    if (!bare && g_hash_table_size(caps->cpu_models) > 0 &&
        !ccm_qemu_caps_has_cpu_model(caps, cpu)) {
        unsupported(error, caps, "has no CPU model '%s' (from [Guest] CPUModel=)", cpu);
        return NULL;
    }

    add(argv, plan->qemu_binary);
    add(argv, "-name");
    g_autofree char *name = opt_escape(spec->name);
    addf(argv, "guest=%s,debug-threads=on", name);

    add(argv, "-machine");
    g_ptr_array_add(argv, machine_option(plan, TRUE));
    add(argv, "-accel");
    add(argv, plan->accelerator);
    if (!bare) {
        add(argv, "-cpu");
        if (spec->platform == CCM_GUEST_PLATFORM_TDX) {
            addf(argv, "%s,pmu=off", cpu);
        } else if (spec->platform == CCM_GUEST_PLATFORM_CCA) {
            /* The realm's PMU and SVE are measured (RealmParams): say them, so the
             * host's defaults cannot add what the expected RIM leaves out. */
            g_autoptr(GString) c = g_string_new(cpu);
            if (spec->cca.pmu_counters)
                g_string_append_printf(c, ",pmu=on,num-pmu-counters=%u", spec->cca.pmu_counters);
            else
                g_string_append(c, ",pmu=off");
            if (spec->cca.sve_vector_length)
                g_string_append_printf(c, ",sve=on,sve%u=on", spec->cca.sve_vector_length);
            else
                g_string_append(c, ",sve=off");
            add(argv, c->str);
        } else {
            add(argv, cpu);
        }
        add(argv, "-smp");
        addf(argv, "%u", spec->vcpus);
    }
    add(argv, "-m");
    addf(argv, "%" G_GUINT64_FORMAT "M", spec->memory >> 20);
    add(argv, "-nodefaults");
    add(argv, "-no-user-config");
    add(argv, "-display");
    add(argv, "none");
    if (options->paused)
        add(argv, "-S");
    if (options->no_shutdown)
        add(argv, "-no-shutdown");

    if (cc) {
        add(argv, "-object");
        add(argv, json_object_to_json_string_ext(cc, JSON_C_TO_STRING_PLAIN |
                                                         JSON_C_TO_STRING_NOSLASHESCAPE));
    }
    if (!bare && !add_firmware(plan, options, argv, error))
        return NULL;
    if (spec->cca.dtb) {
        add(argv, "-dtb");
        add(argv, spec->cca.dtb);
    }
    if (spec->kernel) {
        add(argv, "-kernel");
        add(argv, spec->kernel);
    }
    if (spec->initrd) {
        add(argv, "-initrd");
        add(argv, spec->initrd);
    }
    if (spec->cmdline) {
        add(argv, "-append");
        add(argv, spec->cmdline);
    }

    add_devices(plan, FALSE, argv);
    if (options->qmp_socket || options->qmp_fd >= 0) {
        add(argv, "-chardev");
        if (options->qmp_fd >= 0) {
            addf(argv, "socket,id=qmp,fd=%d,server=off", options->qmp_fd);
        } else {
            g_autofree char *sock = opt_escape(options->qmp_socket);
            addf(argv, "socket,id=qmp,path=%s,server=on,wait=off", sock);
        }
        add(argv, "-mon");
        add(argv, "chardev=qmp,mode=control");
    }
    g_ptr_array_add(argv, NULL);
    return g_steal_pointer(&argv);
}
