/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* sev-ca-verify-json.c - a legacy SEV CA chain verification as JSON */
#include <json-c/json.h>

#include "sev-ca-verify.h"

static json_object *cert_json(const CcmSevCaCertInfo *c)
{
    if (!c->given)
        return NULL;
    json_object *o = json_object_new_object();
    g_autofree char *usage = g_strdup_printf("0x%x", c->usage);
    json_object_object_add(o, "source", json_object_new_string(c->source));
    json_object_object_add(o, "key_id", json_object_new_string(c->key_id));
    json_object_object_add(o, "certifying_id", json_object_new_string(c->certifying_id));
    json_object_object_add(o, "usage", json_object_new_string(usage));
    json_object_object_add(o, "bits", json_object_new_int((int) c->bits));
    return o;
}

json_object *ccm_sev_ca_verification_to_json(const CcmSevCaVerification *v)
{
    json_object *o = json_object_new_object();
    json_object_object_add(o, "verified", json_object_new_boolean(v->verified));
    json_object_object_add(o, "generation",
                           v->generation == _CCM_SEV_GENERATION_INVALID
                               ? NULL
                               : json_object_new_string(
                                     ccm_sev_generation_to_string(v->generation)));
    json_object_object_add(o, "roots", json_object_new_string(v->roots_source));
    json_object_object_add(o, "ark", cert_json(&v->ark));
    json_object_object_add(o, "ask", cert_json(&v->ask));
    json_object *checks = json_object_new_array();
    for (guint i = 0; i < v->checks->len; i++) {
        const CcmSevCaCheck *c = v->checks->pdata[i];
        json_object *item = json_object_new_object();
        json_object_object_add(item, "name", json_object_new_string(c->name));
        json_object_object_add(item, "result", json_object_new_string(
                                                   ccm_sev_ca_check_result_to_string(c->result)));
        json_object_object_add(item, "detail", json_object_new_string(c->detail));
        json_object_array_add(checks, item);
    }
    json_object_object_add(o, "checks", checks);
    json_object_object_add(o, "first_failure",
                           v->first_failure ? json_object_new_string(v->first_failure) : NULL);
    return o;
}
