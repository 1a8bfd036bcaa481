/*
 * perm.c - who may do what: the one permission table. Each action names
 * the roles that may do it and the sentence that refuses the others. The
 * server checks its routes against it, the per-domain writes against
 * store_domain_action(), the store's signatures against it, and the web
 * page receives it (GET /api/v1/me) to show or hide what a role may do,
 * so that no role is written anywhere else.
 */
#include "store_int.h"

#include <string.h>

static const struct {
    const char *name;
    unsigned bit;
} role_table[] = {
    {"admin", ROLE_ADMIN},
    {"investigator", ROLE_INVESTIGATOR},
    {"coordinator", ROLE_COORDINATOR},
    {"radiologist", ROLE_RADIOLOGIST},
    {"monitor", ROLE_MONITOR},
    {"statistician", ROLE_STATISTICIAN},
};

#define SITE (ROLE_INVESTIGATOR | ROLE_COORDINATOR)
#define IMAGING (ROLE_INVESTIGATOR | ROLE_RADIOLOGIST)
#define READERS                                                                \
    (ROLE_INVESTIGATOR | ROLE_COORDINATOR | ROLE_RADIOLOGIST | ROLE_MONITOR |  \
     ROLE_STATISTICIAN)

/* In the order of enum store_action. */
static const struct store_permission perms[PERM_COUNT] = {
    [PERM_SIGNED_IN] = {PERM_SIGNED_IN, "signed_in", ROLES_ALL,
                        "sign in first"},
    [PERM_ACCOUNTS] = {PERM_ACCOUNTS, "accounts", ROLE_ADMIN,
                       "only the admin manages accounts"},
    [PERM_READ] = {PERM_READ, "read", READERS,
                   "only the study's roles read its data"},
    [PERM_ENROL] = {PERM_ENROL, "enrol", SITE,
                    "only the site's coordinator or investigator enrols"},
    [PERM_ASSESS] = {PERM_ASSESS, "assess", IMAGING,
                     "only a radiologist or the investigator enters tumour "
                     "assessments"},
    [PERM_WRITE_SITE] = {PERM_WRITE_SITE, "write_site", SITE,
                         "only the site's coordinator or investigator enters "
                         "these"},
    [PERM_WRITE_IMAGING] = {PERM_WRITE_IMAGING, "write_imaging", IMAGING,
                            "only a radiologist or the investigator enters "
                            "these"},
    [PERM_WRITE] = {PERM_WRITE, "write", SITE | IMAGING,
                    "only the site's roles enter data"},
    [PERM_EXPORT] = {PERM_EXPORT, "export",
                     ROLE_STATISTICIAN | ROLE_INVESTIGATOR | ROLE_MONITOR,
                     "only a statistician, the investigator or a monitor "
                     "exports"},
    [PERM_QUERY_RAISE] = {PERM_QUERY_RAISE, "query_raise",
                          ROLE_MONITOR | ROLE_INVESTIGATOR,
                          "only a monitor or the investigator raises a query"},
    [PERM_QUERY_ANSWER] = {PERM_QUERY_ANSWER, "query_answer", SITE | IMAGING,
                           "only the site answers a query"},
    [PERM_QUERY_CLOSE] = {PERM_QUERY_CLOSE, "query_close", ROLE_MONITOR,
                          "only a monitor closes a query"},
    [PERM_SIGN] = {PERM_SIGN, "sign", ROLE_INVESTIGATOR,
                   "only an investigator signs"},
    [PERM_VERIFY] = {PERM_VERIFY, "verify", ROLE_MONITOR,
                     "only a monitor marks data verified"},
    [PERM_LOCK] = {PERM_LOCK, "lock", ROLE_INVESTIGATOR | ROLE_MONITOR,
                   "only an investigator or a monitor locks data"},
};

unsigned store_role_bit(const char *role)
{
    for (size_t i = 0; i < sizeof role_table / sizeof role_table[0]; i++)
        if (!strcmp(role_table[i].name, role))
            return role_table[i].bit;
    return 0;
}

const char *store_role_name(size_t i)
{
    return i < sizeof role_table / sizeof role_table[0] ? role_table[i].name
                                                        : NULL;
}

bool store_role_valid(const char *role)
{
    return store_role_bit(role) != 0;
}

const struct store_permission *store_permission(enum store_action a)
{
    return a >= 0 && a < PERM_COUNT ? &perms[a] : NULL;
}

bool store_may(const char *role, enum store_action a)
{
    const struct store_permission *p = store_permission(a);
    return p && (p->roles & store_role_bit(role));
}

enum store_action store_domain_action(const char *domain)
{
    /* What the site enters (dosing, AEs, medication, disposition...) and
     * what the imaging side enters (lesions, measurements, responses). */
    static const char *const site[] = {"dm",     "ds", "ie", "ex", "ae",
                                       "suppae", "cm", "pr", "ss", NULL};
    static const char *const imaging[] = {"tu", "tr", "rs", NULL};
    for (int i = 0; site[i]; i++)
        if (!strcmp(site[i], domain))
            return PERM_WRITE_SITE;
    for (int i = 0; imaging[i]; i++)
        if (!strcmp(imaging[i], domain))
            return PERM_WRITE_IMAGING;
    return PERM_NONE;
}
