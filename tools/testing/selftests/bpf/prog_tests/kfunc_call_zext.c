// SPDX-License-Identifier: GPL-2.0
#include <test_progs.h>
#include "kfunc_call_zext.skel.h"

void test_kfunc_call_zext(void)
{
	RUN_TESTS(kfunc_call_zext);
}
