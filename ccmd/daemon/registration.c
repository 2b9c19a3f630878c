/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* registration.c - where a guest's expected values go before it may start */
#include "registration.h"

G_DEFINE_QUARK(ccm-registration-error-quark, ccm_registration_error)

gboolean ccm_registration_finish(GAsyncResult *result, GError **error)
{
    return g_task_propagate_boolean(G_TASK(result), error);
}

void ccm_registration_free(CcmRegistration *r)
{
    if (r)
        r->ops->free(r);
}
