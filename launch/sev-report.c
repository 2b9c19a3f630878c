/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * sev-report.c - a SEV-family measurement with every step that produced it, and its
 *                renderings
 *
 * The library reports each step through a callback; this file keeps owned copies of
 * them and renders them either as the --explain text (one line per page range, table
 * entry or VMSA, each with the running digest, so a user can see which input moved
 * the result) or as JSON for --output json and --batch.
 */
#include <string.h>

#include "sev-report.h"

CcmSevReport *ccm_sev_report_new(void)
{
    CcmSevReport *report = g_new0(CcmSevReport, 1);
    report->steps = g_array_new(FALSE, TRUE, sizeof(CcmSevReportStep));
    return report;
}

void ccm_sev_report_free(CcmSevReport *report)
{
    if (!report)
        return;
    for (guint i = 0; i < report->steps->len; i++) {
        CcmSevReportStep *s = &g_array_index(report->steps, CcmSevReportStep, i);
        g_free(s->stage);
        g_free(s->detail);
    }
    g_array_unref(report->steps);
    g_free(report->name);
    g_free(report->firmware);
    g_free(report->firmware_reason);
    g_free(report->cpu);
    g_free(report->kernel);
    g_free(report->initrd);
    g_free(report->append);
    g_free(report);
}

void ccm_sev_report_add_step(const CcmStep *step, void *userdata)
{
    CcmSevReport *report = userdata;
    CcmSevReportStep s = {
        .kind = step->kind,
        .stage = g_strdup(step->stage),
        .detail = g_strdup(step->detail),
        .index = step->index,
        .gpa = step->gpa,
        .size = step->size,
        .n_pages = step->n_pages,
        .page_type = step->page_type,
    };

    if (step->content_hash) {
        s.content_hash_size = MIN(step->content_hash_size, sizeof(s.content_hash));
        memcpy(s.content_hash, step->content_hash, s.content_hash_size);
    }
    if (step->digest) {
        s.digest_size = MIN(step->digest_size, sizeof(s.digest));
        memcpy(s.digest, step->digest, s.digest_size);
    }
    g_array_append_val(report->steps, s);
}


static const char *hash_name(size_t size)
{
    return size == CCM_SHA384_SIZE ? "sha384" : "sha256";
}

static const char *step_kind_name(CcmStepKind kind)
{
    switch (kind) {
    case CCM_STEP_SEED:
        return "seed";
    case CCM_STEP_PAGES:
        return "pages";
    case CCM_STEP_BYTES:
        return "bytes";
    case CCM_STEP_KERNEL_HASH:
        return "kernel-hash";
    case CCM_STEP_VMSA:
        return "vmsa";
    case CCM_STEP_TDX_SECTION:
        return "tdx-section";
    case CCM_STEP_CCA_REALM:
        return "cca-realm";
    case CCM_STEP_CCA_RIPAS:
        return "cca-ripas";
    case CCM_STEP_CCA_DATA:
        return "cca-data";
    case CCM_STEP_CCA_REC:
        return "cca-rec";
    }
    return "unknown";
}

static void print_inputs(const CcmSevReport *r, GString *out)
{
    g_string_append_printf(out, "platform       %s (VMM %s)\n", ccm_platform_to_string(r->platform),
            ccm_vmm_to_string(r->vmm));
    g_string_append_printf(out, "firmware       %s: %" G_GUINT64_FORMAT " bytes at GPA 0x%08" G_GINT64_MODIFIER
                 "x%s\n",
            r->firmware, r->firmware_size, r->firmware_gpa,
            r->seeded ? " (pages not hashed: seeded with --firmware-digest)" : "");
    if (r->firmware_reason)
        g_string_append_printf(out, "               %s\n", r->firmware_reason);
    if (r->firmware_digest_only)
        return;
    if (r->platform != CCM_PLATFORM_SEV) {
        g_string_append_printf(out, "vCPUs          %u", r->vcpus);
        if (r->vmm == CCM_VMM_QEMU)
            g_string_append_printf(out, ", RDX 0x%08x%s%s%s", r->vcpu_sig, r->cpu ? " (-cpu " : "",
                    r->cpu ? r->cpu : "", r->cpu ? ")" : "");
        else
            g_string_append_printf(out, ", RDX fixed by the VMM%s%s%s", r->cpu ? "; -cpu " : "",
                    r->cpu ? r->cpu : "", r->cpu ? " not measured" : "");
        g_string_append_printf(out, "\n");
    }
    if (r->platform == CCM_PLATFORM_SEV_SNP)
        g_string_append_printf(out, "guest features 0x%" G_GINT64_MODIFIER "x (SEV_FEATURES in each VMSA)\n",
                r->guest_features);
    if (r->platform == CCM_PLATFORM_SEV_ES)
        g_string_append_printf(out, "VMSA variant   %s\n", ccm_sev_es_vmsa_to_string(r->sev_es_vmsa));
    if (r->kernel) {
        g_string_append_printf(out, "kernel         %s\n", r->kernel);
        g_string_append_printf(out, "initrd         %s\n", r->initrd ? r->initrd : "(none)");
        g_string_append_printf(out, "append         %s%s%s\n", r->append ? "'" : "",
                r->append ? r->append : "(none)", r->append ? "'" : "");
    } else {
        g_string_append_printf(out, "kernel         (none: no measured direct boot)\n");
    }
}

void ccm_sev_report_explain(const CcmSevReport *r, GString *out)
{
    const char *digest_label = r->platform == CCM_PLATFORM_SEV_SNP
                                   ? "launch digest after the step"
                                   : "SHA-256 of everything so far";

    print_inputs(r, out);
    g_string_append_printf(out, "\n%-3s %-22s %-18s %-10s %6s  %s\n", "#", "stage", "GPA", "type", "pages",
            digest_label);

    guint number = 0;
    for (guint i = 0; i < r->steps->len; i++) {
        const CcmSevReportStep *s = &g_array_index(r->steps, CcmSevReportStep, i);
        g_autofree char *digest = ccm_hex_encode(s->digest, s->digest_size);
        g_autofree char *content = ccm_hex_encode(s->content_hash, s->content_hash_size);
        g_autofree char *stage = NULL;
        const char *type = s->page_type ? ccm_snp_page_type_to_string(s->page_type) : "data";

        switch (s->kind) {
        case CCM_STEP_KERNEL_HASH: {
            g_autofree char *source = NULL;
            if (strcmp(s->stage, "cmdline") == 0)
                source = g_strdup_printf("'%s' + NUL", s->detail);
            else if (s->detail)
                source = g_strdup(s->detail);
            else
                source = g_strdup("none given: empty input");
            g_string_append_printf(out, "    kernel-hashes table: %-7s sha256 %s  %s\n", s->stage, content,
                    source);
            continue;
        }
        case CCM_STEP_SEED:
            g_string_append_printf(out, "%-3u %-22s %-18s %-10s %6s  %s\n", ++number, "firmware (seed)", "-",
                    "-", "-", digest);
            continue;
        case CCM_STEP_VMSA:
            stage = g_strdup_printf("vmsa %u (%s)", s->index, s->detail);
            break;
        case CCM_STEP_PAGES:
            stage = strcmp(s->stage, "firmware") == 0
                        ? g_strdup(s->stage)
                        : g_strdup_printf("%s [%u]", s->stage, s->index);
            break;
        case CCM_STEP_BYTES:
        case CCM_STEP_TDX_SECTION:
        case CCM_STEP_CCA_REALM:
        case CCM_STEP_CCA_RIPAS:
        case CCM_STEP_CCA_DATA:
        case CCM_STEP_CCA_REC:
            stage = g_strdup(s->stage);
            break;
        }

        g_autofree char *gpa = s->gpa || s->kind != CCM_STEP_VMSA
                                   ? g_strdup_printf("0x%" G_GINT64_MODIFIER "x", s->gpa)
                                   : g_strdup("-");
        g_autofree char *pages = s->n_pages
                                     ? g_strdup_printf("%" G_GUINT64_FORMAT, s->n_pages)
                                     : g_strdup_printf("%" G_GUINT64_FORMAT "B", s->size);
        g_string_append_printf(out, "%-3u %-22s %-18s %-10s %6s  %s\n", ++number, stage, gpa, type, pages,
                digest);
        if (s->kind == CCM_STEP_VMSA)
            g_string_append_printf(out, "    VMSA page %s %s\n", hash_name(s->content_hash_size), content);
    }

    g_autofree char *final = ccm_hex_encode(r->digest, r->digest_size);
    g_string_append_printf(out, "\n%s %s\n", r->firmware_digest_only ? "firmware digest" : "measurement",
            final);
}

static json_object *hex_json(const uint8_t *data, size_t size)
{
    g_autofree char *hex = ccm_hex_encode(data, size);
    return json_object_new_string(hex);
}

static json_object *u64_hex_json(uint64_t value)
{
    g_autofree char *s = g_strdup_printf("0x%" G_GINT64_MODIFIER "x", value);
    return json_object_new_string(s);
}

static json_object *step_to_json(const CcmSevReportStep *s, guint number)
{
    json_object *o = json_object_new_object();

    json_object_object_add(o, "step", json_object_new_int((int) number));
    json_object_object_add(o, "kind", json_object_new_string(step_kind_name(s->kind)));
    switch (s->kind) {
    case CCM_STEP_KERNEL_HASH:
        json_object_object_add(o, "entry", json_object_new_string(s->stage));
        json_object_object_add(o, "source", s->detail ? json_object_new_string(s->detail) : NULL);
        json_object_object_add(o, "sha256", hex_json(s->content_hash, s->content_hash_size));
        return o;
    case CCM_STEP_VMSA:
        json_object_object_add(o, "vcpu", json_object_new_int((int) s->index));
        json_object_object_add(o, "role", json_object_new_string(s->detail));
        break;
    case CCM_STEP_SEED:
    case CCM_STEP_PAGES:
    case CCM_STEP_BYTES:
    case CCM_STEP_TDX_SECTION:
    case CCM_STEP_CCA_REALM:
    case CCM_STEP_CCA_RIPAS:
    case CCM_STEP_CCA_DATA:
    case CCM_STEP_CCA_REC:
        json_object_object_add(o, "stage", json_object_new_string(s->stage));
        if (s->kind == CCM_STEP_PAGES && strcmp(s->stage, "firmware") != 0)
            json_object_object_add(o, "section", json_object_new_int((int) s->index));
        break;
    }
    if (s->kind != CCM_STEP_SEED && (s->gpa || s->kind != CCM_STEP_VMSA))
        json_object_object_add(o, "gpa", u64_hex_json(s->gpa));
    if (s->kind != CCM_STEP_SEED)
        json_object_object_add(o, "size", json_object_new_int64((int64_t) s->size));
    if (s->page_type && s->kind != CCM_STEP_SEED) {
        json_object_object_add(o, "page_type",
                               json_object_new_string(ccm_snp_page_type_to_string(s->page_type)));
        json_object_object_add(o, "pages", json_object_new_int64((int64_t) s->n_pages));
    }
    if (s->content_hash_size)
        json_object_object_add(o, hash_name(s->content_hash_size),
                               hex_json(s->content_hash, s->content_hash_size));
    if (s->digest_size)
        json_object_object_add(o, "digest", hex_json(s->digest, s->digest_size));
    return o;
}

static void add_string(json_object *o, const char *key, const char *value)
{
    json_object_object_add(o, key, value ? json_object_new_string(value) : NULL);
}

json_object *ccm_sev_report_to_json(const CcmSevReport *r, bool with_steps)
{
    json_object *o = json_object_new_object();

    if (r->name)
        add_string(o, "name", r->name);
    add_string(o, "platform", ccm_platform_to_string(r->platform));
    add_string(o, "vmm", ccm_vmm_to_string(r->vmm));
    json_object_object_add(o, r->firmware_digest_only ? "firmware_digest" : "measurement",
                           hex_json(r->digest, r->digest_size));

    json_object *fw = json_object_new_object();
    add_string(fw, "path", r->firmware);
    json_object_object_add(fw, "size", json_object_new_int64((int64_t) r->firmware_size));
    json_object_object_add(fw, "gpa", u64_hex_json(r->firmware_gpa));
    json_object_object_add(fw, "seeded", json_object_new_boolean(r->seeded));
    if (r->firmware_reason)
        add_string(fw, "reason", r->firmware_reason);
    json_object_object_add(o, "firmware", fw);

    if (!r->firmware_digest_only) {
        json_object *in = json_object_new_object();
        if (r->platform != CCM_PLATFORM_SEV) {
            json_object_object_add(in, "vcpus", json_object_new_int((int) r->vcpus));
            add_string(in, "cpu", r->cpu);
            if (r->vmm == CCM_VMM_QEMU)
                json_object_object_add(in, "vcpu_sig", u64_hex_json(r->vcpu_sig));
        }
        if (r->platform == CCM_PLATFORM_SEV_SNP)
            json_object_object_add(in, "guest_features", u64_hex_json(r->guest_features));
        if (r->platform == CCM_PLATFORM_SEV_ES)
            add_string(in, "sev_es_vmsa", ccm_sev_es_vmsa_to_string(r->sev_es_vmsa));
        add_string(in, "kernel", r->kernel);
        add_string(in, "initrd", r->initrd);
        add_string(in, "append", r->append);
        json_object_object_add(o, "inputs", in);
    }

    if (with_steps) {
        json_object *steps = json_object_new_array();
        for (guint i = 0; i < r->steps->len; i++)
            json_object_array_add(steps,
                                  step_to_json(&g_array_index(r->steps, CcmSevReportStep, i), i + 1));
        json_object_object_add(o, "steps", steps);
    }
    return o;
}
