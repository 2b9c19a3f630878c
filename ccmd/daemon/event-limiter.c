/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * event-limiter.c - one guest's QEMU state events: rate-limited, a storm coalesced
 *
 * Theory of operation. QEMU reports vCPU state changes (STOP, RESUME) as QMP events,
 * and a QEMU (a bug, a hostile guest driving it, a broken build) can send thousands a
 * second. Each recorded change is a database transaction, a journal line and a Monitor
 * notification, so a storm must not become thousands of them. A token bucket per guest
 * decides: CCM_EVENT_LIMITER_BURST changes pass at once, then the bucket refills at
 * CCM_EVENT_LIMITER_PER_SECOND. An event that finds the bucket empty is not dropped but
 * remembered, and so is every event after it until the flush: the latest requested
 * state wins, and CCM_EVENT_LIMITER_FLUSH_MS after the first of them the flush timer
 * applies it once, with a reason that counts the events it stands for ("resumed; 3998
 * events coalesced in the last 1.0 s"). So the recorded state always ends equal to the
 * last state QEMU reported, at most one flush interval late, and a storm of any length
 * costs about one change a second. Events that only log (RESET, say) share the idea: a
 * second bucket limits their lines. Whenever events are coalesced or lines dropped, one
 * warning naming the guest says so, at most once per CCM_EVENT_LIMITER_WARN_INTERVAL_MS.
 * The limiter knows nothing of guest states: its owner decides, when a change is
 * applied, whether it still means anything.
 */
#include "event-limiter.h"
#include "log.h"

typedef struct Bucket {
    double tokens;
    gint64 refilled;            /* monotonic µs */
} Bucket;

struct CcmEventLimiter {
    char *guest;
    CcmEventLimiterApply apply;
    void *userdata;
    Bucket changes;
    Bucket logs;
    guint flush_timer;          /* non-zero while events wait */
    int pending_state;
    char *pending_reason;
    guint coalesced;            /* events the flush stands for */
    gint64 first_coalesced;
    gint64 last_warning;        /* 0: never warned */
    guint64 unreported;         /* events coalesced or lines dropped since the warning */
};

static void bucket_init(Bucket *b, gint64 now)
{
    b->tokens = CCM_EVENT_LIMITER_BURST;
    b->refilled = now;
}

static gboolean bucket_take(Bucket *b, gint64 now)
{
    b->tokens = MIN((double) CCM_EVENT_LIMITER_BURST,
                    b->tokens + (double) (now - b->refilled) * CCM_EVENT_LIMITER_PER_SECOND /
                                    G_USEC_PER_SEC);
    b->refilled = now;
    if (b->tokens < 1.0)
        return FALSE;
    b->tokens -= 1.0;
    return TRUE;
}

CcmEventLimiter *ccm_event_limiter_new(const char *guest, CcmEventLimiterApply apply,
                                       void *userdata)
{
    CcmEventLimiter *l = g_new0(CcmEventLimiter, 1);
    gint64 now = g_get_monotonic_time();

    l->guest = g_strdup(guest);
    l->apply = apply;
    l->userdata = userdata;
    bucket_init(&l->changes, now);
    bucket_init(&l->logs, now);
    return l;
}

void ccm_event_limiter_cancel(CcmEventLimiter *l)
{
    if (l->flush_timer) {
        g_source_remove(l->flush_timer);
        l->flush_timer = 0;
    }
    g_clear_pointer(&l->pending_reason, g_free);
    l->coalesced = 0;
}

void ccm_event_limiter_free(CcmEventLimiter *l)
{
    if (!l)
        return;
    ccm_event_limiter_cancel(l);
    g_free(l->guest);
    g_free(l);
}

gboolean ccm_event_limiter_pending(const CcmEventLimiter *l)
{
    return l->flush_timer != 0;
}

/* One more event beyond the rate; warns if the last warning is old enough. */
static void count_excess(CcmEventLimiter *l, gint64 now, const char *what)
{
    l->unreported++;
    if (l->last_warning &&
        now - l->last_warning < (gint64) CCM_EVENT_LIMITER_WARN_INTERVAL_MS * 1000)
        return;
    if (l->last_warning)
        ccm_log_warning(l->guest,
                        "QEMU of '%s' still floods ccmd with events (%s now): %" G_GUINT64_FORMAT
                        " events coalesced or not logged in the last %.0f s",
                        l->guest, what, l->unreported,
                        (double) (now - l->last_warning) / G_USEC_PER_SEC);
    else
        ccm_log_warning(l->guest,
                        "QEMU of '%s' sends events faster than ccmd records them (%s): state "
                        "changes are coalesced to about %d a second, event log lines limited "
                        "alike",
                        l->guest, what, CCM_EVENT_LIMITER_PER_SECOND);
    l->last_warning = now;
    l->unreported = 0;
}

static gboolean flush(gpointer userdata)
{
    CcmEventLimiter *l = userdata;
    gint64 now = g_get_monotonic_time();

    l->flush_timer = 0;
    /* The flush is one change too: it uses a token if there is one, so a steady storm
     * gets about one change per flush interval. */
    (void) bucket_take(&l->changes, now);
    g_autofree char *reason =
        g_strdup_printf("%s; %u event%s coalesced in the last %.1f s", l->pending_reason,
                        l->coalesced, l->coalesced == 1 ? "" : "s",
                        (double) (now - l->first_coalesced) / G_USEC_PER_SEC);
    int state = l->pending_state;
    g_clear_pointer(&l->pending_reason, g_free);
    l->coalesced = 0;
    l->apply(state, reason, l->userdata);
    return G_SOURCE_REMOVE;
}

void ccm_event_limiter_offer(CcmEventLimiter *l, int state, const char *reason)
{
    gint64 now = g_get_monotonic_time();

    if (!l->flush_timer && bucket_take(&l->changes, now)) {
        l->apply(state, reason, l->userdata);
        return;
    }
    if (!l->flush_timer) {
        l->first_coalesced = now;
        l->flush_timer = g_timeout_add(CCM_EVENT_LIMITER_FLUSH_MS, flush, l);
    }
    l->pending_state = state;
    g_free(l->pending_reason);
    l->pending_reason = g_strdup(reason);
    l->coalesced++;
    count_excess(l, now, "state changes");
}

gboolean ccm_event_limiter_may_log(CcmEventLimiter *l, const char *event)
{
    gint64 now = g_get_monotonic_time();

    if (bucket_take(&l->logs, now))
        return TRUE;
    count_excess(l, now, event);
    return FALSE;
}
