/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* manager-api.h - the io.ccm.Manager Varlink interface of ccmd */
#pragma once

#include "manager.h"
#include "varlink-server.h"

typedef struct CcmManagerApi {
    CcmManager *manager;
    GSList *monitors;
} CcmManagerApi;

/* Registers io.ccm.Manager's methods on @server. */
CcmManagerApi *ccm_manager_api_new(CcmManager *manager, CcmVarlinkServer *server);
void ccm_manager_api_free(CcmManagerApi *api);
