/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* registration-queue.h - one guest's registrations reach the backend one at a time */
#pragma once

#include "registration.h"

/*
 * ccm_registration_queue_new() - @backend (owned), with each guest's operations in order
 *
 * A backend may finish its operations in any order (the KBS backend runs each in a thread
 * of its own), yet for one guest the last operation asked for must be the one that stays:
 * a start's registration after the drift guard's old-plus-new one, a withdrawal after
 * both. So an operation for a guest that has one under way waits, and starts (with what
 * the backend knows then) when that one has finished; operations of different guests run
 * side by side. Callbacks are called in the order the operations were asked for.
 */
CcmRegistration *ccm_registration_queue_new(CcmRegistration *backend);
