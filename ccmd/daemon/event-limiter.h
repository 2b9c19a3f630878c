/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* event-limiter.h - one guest's QEMU state events: rate-limited, a storm coalesced */
#pragma once

#include <glib.h>

/* Up to this many state changes are applied as they come... */
#define CCM_EVENT_LIMITER_BURST 4
/* ...then at most this many a second... */
#define CCM_EVENT_LIMITER_PER_SECOND 1
/* ...and the events beyond the rate are applied together, as one change, this long after
 * the first of them. */
#define CCM_EVENT_LIMITER_FLUSH_MS 1000
/* At most one warning about a storm per guest in this long. */
#define CCM_EVENT_LIMITER_WARN_INTERVAL_MS 10000

/* Before any of that: ccmd reads at most this many QMP messages a second from one QEMU
 * (ccm_qmp_client_set_message_rate()); a QEMU that sends more waits on its socket. */
#define CCM_EVENT_LIMITER_QMP_MESSAGES_PER_SECOND 2000

typedef struct CcmEventLimiter CcmEventLimiter;

/* Applies @state (the caller's enum) with @reason; may decide that nothing changes. */
typedef void (*CcmEventLimiterApply)(int state, const char *reason, void *userdata);

/* @guest names the guest in the log; @apply is called from ccm_event_limiter_offer() or
 * from the flush timer in the thread-default main context. */
CcmEventLimiter *ccm_event_limiter_new(const char *guest, CcmEventLimiterApply apply,
                                       void *userdata);
void ccm_event_limiter_free(CcmEventLimiter *l);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(CcmEventLimiter, ccm_event_limiter_free)

/* One event that asks for @state; @reason (copied) says why. Applied at once while the
 * rate allows, else remembered: the latest @state wins and is applied by the flush. */
void ccm_event_limiter_offer(CcmEventLimiter *l, int state, const char *reason);

/* TRUE while coalesced events wait for the flush: the guest's recorded state is then not
 * QEMU's state, and an event that repeats the recorded state must still be offered. */
gboolean ccm_event_limiter_pending(const CcmEventLimiter *l);

/* Forgets the waiting events (QEMU has exited, or the guest crashed). */
void ccm_event_limiter_cancel(CcmEventLimiter *l);

/* For events that only log: TRUE if this one's log line may be written. Beyond the burst
 * and rate above, lines are dropped, and one rate-limited warning counts them. */
gboolean ccm_event_limiter_may_log(CcmEventLimiter *l, const char *event);
