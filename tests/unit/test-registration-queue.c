/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * test-registration-queue.c - a backend that finishes operations in any order (as the KBS
 * backend's threads do) still applies one guest's operations in the order they were asked
 * for, while other guests' operations run beside them
 */
#include <string.h>

#include "registration-queue.h"

/* A backend whose operations take the time the test gives them, each in a timeout. */
typedef struct Slow {
    CcmRegistration base;
    GQueue delays;          /* milliseconds for the next operations, in the order started */
    GString *applied;       /* "register:GUEST:N " or "withdraw:GUEST " as each one lands */
    guint running;
    guint most_running;
} Slow;

typedef struct Pending {
    Slow *slow;
    char *what;
    GTask *task;
} Pending;

static gboolean land(gpointer p)
{
    Pending *op = p;
    g_string_append_printf(op->slow->applied, "%s ", op->what);
    op->slow->running--;
    if (strstr(op->what, ":fail"))
        g_task_return_new_error(op->task, CCM_REGISTRATION_ERROR, CCM_REGISTRATION_ERROR_FAILED,
                                "the broker said no to %s", op->what);
    else
        g_task_return_boolean(op->task, TRUE);
    g_object_unref(op->task);
    g_free(op->what);
    g_free(op);
    return G_SOURCE_REMOVE;
}

static void begin(Slow *s, char *what, GCancellable *c, GAsyncReadyCallback cb, gpointer data)
{
    Pending *op = g_new0(Pending, 1);
    op->slow = s;
    op->what = what;
    op->task = g_task_new(NULL, c, cb, data);
    s->running++;
    s->most_running = MAX(s->most_running, s->running);
    g_timeout_add(GPOINTER_TO_UINT(g_queue_pop_head(&s->delays)), land, op);
}

static void slow_register(CcmRegistration *r, const char *guest, const char *scope,
                          GHashTable *values, GCancellable *c, GAsyncReadyCallback cb,
                          gpointer data)
{
    const char *n = g_hash_table_lookup(values, "n");
    begin((Slow *) r, g_strdup_printf("register:%s:%s", guest, n), c, cb, data);
}

static void slow_withdraw(CcmRegistration *r, const char *guest, const char *scope,
                          GCancellable *c, GAsyncReadyCallback cb, gpointer data)
{
    begin((Slow *) r, g_strdup_printf("withdraw:%s", guest), c, cb, data);
}

static gboolean slow_sync(CcmRegistration *r, GError **error)
{
    return TRUE;
}

static void slow_free(CcmRegistration *r)
{
    Slow *s = (Slow *) r;
    g_queue_clear(&s->delays);
    g_string_free(s->applied, TRUE);
    g_free(s);
}

static const CcmRegistrationOps slow_ops = {
    .name = "slow",
    .register_async = slow_register,
    .withdraw_async = slow_withdraw,
    .sync = slow_sync,
    .free = slow_free,
};

static Slow *slow_new(const guint *delays, size_t n)
{
    Slow *s = g_new0(Slow, 1);
    s->base.ops = &slow_ops;
    g_queue_init(&s->delays);
    for (size_t i = 0; i < n; i++)
        g_queue_push_tail(&s->delays, GUINT_TO_POINTER(delays[i]));
    s->applied = g_string_new(NULL);
    return s;
}

typedef struct Caller {
    GString *answered;      /* "GUEST:N:ok " or "GUEST:N:failed " in callback order */
    guint outstanding;
} Caller;

typedef struct Asked {
    Caller *caller;
    char *label;
} Asked;

static void answered(GObject *source, GAsyncResult *res, gpointer p)
{
    Asked *a = p;
    g_autoptr(GError) error = NULL;
    gboolean ok = ccm_registration_finish(res, &error);
    g_assert_true(ok || error);
    g_string_append_printf(a->caller->answered, "%s:%s ", a->label, ok ? "ok" : "failed");
    a->caller->outstanding--;
    g_free(a->label);
    g_free(a);
}

static void ask_register(CcmRegistration *r, Caller *c, const char *guest, const char *n)
{
    g_autoptr(GHashTable) values = g_hash_table_new(g_str_hash, g_str_equal);
    g_hash_table_insert(values, "n", (gpointer) n);
    Asked *a = g_new0(Asked, 1);
    a->caller = c;
    a->label = g_strdup_printf("%s:%s", guest, n);
    c->outstanding++;
    r->ops->register_async(r, guest, NULL, values, NULL, answered, a);
}

static void ask_withdraw(CcmRegistration *r, Caller *c, const char *guest)
{
    Asked *a = g_new0(Asked, 1);
    a->caller = c;
    a->label = g_strdup_printf("%s:withdraw", guest);
    c->outstanding++;
    r->ops->withdraw_async(r, guest, NULL, NULL, answered, a);
}

static void wait_for(Caller *c)
{
    while (c->outstanding)
        g_main_context_iteration(NULL, TRUE);
}

/* Three operations on one guest, the first slowest: they land in the order asked. */
static void test_one_guest_in_order(void)
{
    static const guint delays[] = { 150, 30, 0 };
    Slow *slow = slow_new(delays, G_N_ELEMENTS(delays));
    g_autoptr(CcmRegistration) q = ccm_registration_queue_new(&slow->base);
    g_autoptr(GString) answers = g_string_new(NULL);
    Caller c = { .answered = answers };

    ask_register(q, &c, "web1", "both");
    ask_register(q, &c, "web1", "new");
    ask_withdraw(q, &c, "web1");
    wait_for(&c);
    g_assert_cmpstr(slow->applied->str, ==, "register:web1:both register:web1:new withdraw:web1 ");
    g_assert_cmpstr(answers->str, ==, "web1:both:ok web1:new:ok web1:withdraw:ok ");
    g_assert_cmpuint(slow->most_running, ==, 1);
}

/* Another guest's operation does not wait: the fast one lands first. */
static void test_guests_side_by_side(void)
{
    static const guint delays[] = { 150, 10 };
    Slow *slow = slow_new(delays, G_N_ELEMENTS(delays));
    g_autoptr(CcmRegistration) q = ccm_registration_queue_new(&slow->base);
    g_autoptr(GString) answers = g_string_new(NULL);
    Caller c = { .answered = answers };

    ask_register(q, &c, "web1", "1");
    ask_register(q, &c, "db1", "1");
    wait_for(&c);
    g_assert_cmpstr(slow->applied->str, ==, "register:db1:1 register:web1:1 ");
    g_assert_cmpuint(slow->most_running, ==, 2);
}

/* A failure is the caller's to see, and the next operation still runs after it. */
static void test_failure_passed_on(void)
{
    static const guint delays[] = { 50, 0 };
    Slow *slow = slow_new(delays, G_N_ELEMENTS(delays));
    g_autoptr(CcmRegistration) q = ccm_registration_queue_new(&slow->base);
    g_autoptr(GString) answers = g_string_new(NULL);
    Caller c = { .answered = answers };

    ask_register(q, &c, "web1", "1:fail");
    ask_register(q, &c, "web1", "2");
    wait_for(&c);
    g_assert_cmpstr(slow->applied->str, ==, "register:web1:1:fail register:web1:2 ");
    g_assert_cmpstr(answers->str, ==, "web1:1:fail:failed web1:2:ok ");
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/registration-queue/one-guest-in-order", test_one_guest_in_order);
    g_test_add_func("/registration-queue/guests-side-by-side", test_guests_side_by_side);
    g_test_add_func("/registration-queue/failure-passed-on", test_failure_passed_on);
    return g_test_run();
}
