/*
 * seccomp_profile.c: an OCI seccomp profile (config.json's linux.seccomp)
 * compiled into a filter with libseccomp, as 06-privileges teaches it.
 *
 * `run` keeps its short denylist (privileges.c). A config.json brings a
 * whole profile instead — Docker's default is an allowlist of about 350
 * calls, some allowed only with certain arguments:
 *
 *   defaultAction   what any call not listed gets (SCMP_ACT_ERRNO: EPERM)
 *   architectures   the ABIs the filter covers (x86_64, x86, x32 ...)
 *   syscalls        names, an action, and optional argument comparisons
 *                   ({"index": 0, "value": 2080505856, "op":
 *                   "SCMP_CMP_MASKED_EQ"}: arg0 & value == valueTwo)
 *
 * A name this libseccomp or this kernel does not know is skipped, as runc
 * skips it: profiles list calls newer than the machine. A rule whose
 * action is the default action adds nothing and is skipped too (and
 * libseccomp would refuse it).
 *
 * Read: seccomp(2), seccomp_init(3), seccomp_rule_add(3),
 *       seccomp_arch_add(3), runtime-spec config-linux.md "Seccomp".
 */
#include "minictr.h"

#include <errno.h>
#include <seccomp.h>
#include <stdio.h>
#include <string.h>

int
seccomp_profile_load(const struct seccomp_profile *p, bool no_new_privs)
{
    scmp_filter_ctx ctx = seccomp_init(p->default_action);
    int rc = 0, added = 0;

    if (!ctx)
        return ct_fail("seccomp_init failed (linux.seccomp.defaultAction)");
    /* no_new_privs: libseccomp sets it itself unless told not to. */
    if (seccomp_attr_set(ctx, SCMP_FLTATR_CTL_NNP, no_new_privs) < 0 ||
        ((p->flags & 1) && seccomp_attr_set(ctx, SCMP_FLTATR_CTL_LOG, 1) < 0) ||
        ((p->flags & 4) && seccomp_attr_set(ctx, SCMP_FLTATR_CTL_SSB, 1) < 0)) {
        rc = ct_fail("seccomp_attr_set failed (linux.seccomp.flags)");
        goto out;
    }
    for (int i = 0; i < p->narches; i++) {
        int r = seccomp_arch_add(ctx, p->arches[i]);
        if (r < 0 && r != -EEXIST) {
            errno = -r;
            rc = ct_fail_errno("seccomp_arch_add "
                               "(linux.seccomp.architectures[%d])",
                               i);
            goto out;
        }
    }
    for (int i = 0; i < p->nrules; i++) {
        const struct seccomp_rule *r = &p->rules[i];
        struct scmp_arg_cmp cmp[6];

        if (r->action == p->default_action)
            continue;
        for (int a = 0; a < r->nargs; a++)
            cmp[a] =
                (struct scmp_arg_cmp){r->args[a].index, r->args[a].op,
                                      r->args[a].value, r->args[a].value_two};
        for (char **name = r->names; *name; name++) {
            int nr = seccomp_syscall_resolve_name(*name), e;
            if (nr == __NR_SCMP_ERROR)
                continue; /* not on this machine */
            e = seccomp_rule_add_array(ctx, r->action, nr, (unsigned)r->nargs,
                                       cmp);
            if (e < 0) {
                errno = -e;
                rc = ct_fail_errno("seccomp_rule_add '%s' "
                                   "(linux.seccomp.syscalls[%d])",
                                   *name, i);
                goto out;
            }
            added++;
        }
    }
    ct_trace(NULL, "seccomp_load(the profile: %d rules, default %#x)", added,
             p->default_action);
    if ((rc = seccomp_load(ctx)) < 0) {
        errno = -rc;
        rc = ct_fail_errno("seccomp_load (linux.seccomp)");
    }
out:
    seccomp_release(ctx);
    return rc;
}
