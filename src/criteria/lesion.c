/*
 * lesion.c - what a lesion is, for the criteria: CNS or not, lymph node or
 * not, which criteria see it, and which diameter test measures it
 * (shared/spec/response-criteria.md a.1, a.2, b.1; data-format.md
 * "Tumours" and "Measurements"). The loader calls these as it reads TU
 * and TR rows; nothing else decides these questions.
 */
#include "criteria_int.h"

#include <assert.h>
#include <math.h>
#include <string.h>

void lesion_locate(struct lesion *les, const struct protocol *p, char *loc)
{
    les->loc = loc;
    /* Rule LESION-CNS: a lesion is intracranial when its location is one
     * of the protocol's cns_locations, alone or followed by a comma or a
     * space ("FRONTAL LOBE, LEFT") (data-format.md "Tumours"). */
    les->is_cns = protocol_is_cns(p, loc);
    /* Rule LESION-NODAL: a lymph node is a lesion whose location names a
     * LYMPH NODE; it is measured by its short axis (a.2). */
    les->is_nodal = strstr(loc, "LYMPH NODE") != NULL;
}

void lesion_classify(struct lesion *les, int crit, enum lesion_class cls)
{
    /* Rule LESION-CRITERION: the criterion column names the criterion a
     * lesion's class is for; without one, RECIST 1.1 sees every lesion
     * and RANO-BM the CNS lesions only (a.1: extracranial disease is
     * ignored by RANO-BM; data-format.md "Tumours"). */
    assert(crit >= -1 && crit < CRIT_N);
    if (crit >= 0) {
        les->cls[crit] = cls;
    } else {
        les->cls[CRIT_RECIST] = cls;
        les->cls[CRIT_RANOBM] = les->is_cns ? cls : LC_NONE;
    }
}

int32_t lesion_tstm_value(const struct protocol *p)
{
    /* Rule TSTM-VALUE: a lesion too small to measure counts as the
     * sponsor's number when TRSTRESN holds one, else as the protocol's
     * tstm_value_mm (5 mm by default) (b.1; data-format.md "Too small to
     * measure"). */
    return (int32_t)floor(p->tstm_value_mm * DIAM_SCALE + 0.5);
}

int lesion_test_rank(enum diam_test t, bool nodal)
{
    /* Rule MEAS-TEST: one diameter test per lesion and assessment, never
     * two axes added: a node by its short axis (LPERP, else SAXIS, else
     * DIAMETER), any other lesion by its longest diameter (LDIAM, else
     * DIAMETER) (b.1, a.2; data-format.md "Measurements"). */
    if (nodal)
        return t == DT_LPERP ? 1 : t == DT_SAXIS ? 2 : t == DT_DIAMETER ? 3 : 0;
    return t == DT_LDIAM ? 1 : t == DT_DIAMETER ? 2 : 0;
}
