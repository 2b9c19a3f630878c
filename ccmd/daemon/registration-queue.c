/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* registration-queue.c - one guest's registrations reach the backend one at a time */
#include "registration-queue.h"

typedef struct Queued {
    CcmRegistration base;
    CcmRegistrationOps ops;     /* the backend's, with the operations queued */
    CcmRegistration *backend;
    GHashTable *waiting;    /* guest -> GQueue of Operation; the head is under way */
} Queued;

typedef struct Operation {
    Queued *owner;
    bool withdraw;
    char *guest;
    char *scope;
    GHashTable *values;     /* registrations only */
    GCancellable *cancellable;
    GTask *task;            /* the caller's */
} Operation;

static void operation_free(Operation *op)
{
    g_free(op->guest);
    g_free(op->scope);
    g_clear_pointer(&op->values, g_hash_table_unref);
    g_clear_object(&op->cancellable);
    g_clear_object(&op->task);
    g_free(op);
}

static void queue_free(gpointer p)
{
    g_queue_free_full(p, (GDestroyNotify) operation_free);
}

static void start(Operation *op);

static void finished(GObject *source, GAsyncResult *result, gpointer userdata)
{
    Operation *op = userdata;
    Queued *q = op->owner;
    GError *error = NULL;

    if (ccm_registration_finish(result, &error))
        g_task_return_boolean(op->task, TRUE);
    else
        g_task_return_error(op->task, error);

    GQueue *queue = g_hash_table_lookup(q->waiting, op->guest);
    g_assert(queue && g_queue_peek_head(queue) == op);
    g_queue_pop_head(queue);
    Operation *next = g_queue_peek_head(queue);
    if (next)
        start(next);
    else
        g_hash_table_remove(q->waiting, op->guest);
    operation_free(op);
}

static void start(Operation *op)
{
    CcmRegistration *b = op->owner->backend;
    if (op->withdraw)
        b->ops->withdraw_async(b, op->guest, op->scope, op->cancellable, finished, op);
    else
        b->ops->register_async(b, op->guest, op->scope, op->values, op->cancellable, finished,
                               op);
}

static void enqueue(Queued *q, Operation *op)
{
    GQueue *queue = g_hash_table_lookup(q->waiting, op->guest);
    if (!queue) {
        queue = g_queue_new();
        g_hash_table_insert(q->waiting, g_strdup(op->guest), queue);
    }
    g_queue_push_tail(queue, op);
    if (g_queue_get_length(queue) == 1)
        start(op);
}

static Operation *operation_new(Queued *q, const char *guest, const char *scope,
                                GCancellable *cancellable, GAsyncReadyCallback callback,
                                gpointer userdata)
{
    Operation *op = g_new0(Operation, 1);
    op->owner = q;
    op->guest = g_strdup(guest);
    op->scope = g_strdup(scope);
    op->cancellable = cancellable ? g_object_ref(cancellable) : NULL;
    op->task = g_task_new(NULL, cancellable, callback, userdata);
    return op;
}

static void queued_register(CcmRegistration *r, const char *guest, const char *scope,
                            GHashTable *values, GCancellable *cancellable,
                            GAsyncReadyCallback callback, gpointer userdata)
{
    Queued *q = (Queued *) r;
    Operation *op = operation_new(q, guest, scope, cancellable, callback, userdata);
    op->values = g_hash_table_ref(values);
    enqueue(q, op);
}

static void queued_withdraw(CcmRegistration *r, const char *guest, const char *scope,
                            GCancellable *cancellable, GAsyncReadyCallback callback,
                            gpointer userdata)
{
    Queued *q = (Queued *) r;
    Operation *op = operation_new(q, guest, scope, cancellable, callback, userdata);
    op->withdraw = true;
    enqueue(q, op);
}

static char *queued_scope(CcmRegistration *r, const CcmGuestSpec *spec)
{
    CcmRegistration *b = ((Queued *) r)->backend;
    return b->ops->scope ? b->ops->scope(b, spec) : NULL;
}

static gboolean queued_sync(CcmRegistration *r, GError **error)
{
    CcmRegistration *b = ((Queued *) r)->backend;
    return b->ops->sync(b, error);
}

static void queued_free(CcmRegistration *r)
{
    Queued *q = (Queued *) r;
    /* Operations still under way or waiting at ccmd's exit end with it, unanswered. */
    g_hash_table_unref(q->waiting);
    ccm_registration_free(q->backend);
    g_free(q);
}

CcmRegistration *ccm_registration_queue_new(CcmRegistration *backend)
{
    Queued *q = g_new0(Queued, 1);
    q->ops = *backend->ops;
    q->ops.scope = backend->ops->scope ? queued_scope : NULL;
    q->ops.register_async = queued_register;
    q->ops.withdraw_async = queued_withdraw;
    q->ops.sync = queued_sync;
    q->ops.free = queued_free;
    q->base.ops = &q->ops;
    q->backend = backend;
    q->waiting = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, queue_free);
    return &q->base;
}
