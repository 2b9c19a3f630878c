/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* libvirt-guests.h - the guests libvirt launches, kept in step by ccm's libvirt hook */
#pragma once

#include <gio/gio.h>

#include "manager.h"

/* One call of libvirt's QEMU hook, as ccmd-libvirt-hook forwards it. */
typedef struct CcmLibvirtHookCall {
    const char *domain;      /* $1 */
    const char *operation;   /* $2: prepare, start, started, stopped, release, reconnect, ... */
    const char *phase;       /* $3: begin, end */
    const char *extra;       /* $4: release's reason from libvirt 10.5, else "-" */
    const char *xml;         /* the domain XML on the hook's stdin */
} CcmLibvirtHookCall;

/**
 * ccm_manager_libvirt_hook_async() - act on one hook call
 *
 * prepare: read the domain XML as a spec, compute its expectation, register it (fail
 * closed: an error here makes libvirt refuse the start) and record the guest, marked
 * as launched by libvirt; started, stopped: record the state; release: withdraw the
 * values and forget the guest; reconnect (libvirtd restarted): register and record the
 * guest if ccmd does not know it. Every other operation does nothing.
 */
void ccm_manager_libvirt_hook_async(CcmManager *manager, const CcmLibvirtHookCall *call,
                                    GAsyncReadyCallback callback, gpointer userdata);
gboolean ccm_manager_libvirt_hook_finish(GAsyncResult *result, GError **error);
