/*
 * test_sim.c - the simulator: deterministic for a seed, different for
 * another, and its output passes the checks with no error and no warning.
 */
#include "helpers.h"

#include "balist/io.h"
#include "balist/sim.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const files[] = {
    "dm.csv", "ds.csv",        "ex.csv", "tu.csv", "tr.csv",
    "rs.csv", "cm.csv",        "pr.csv", "ae.csv", "suppae.csv",
    "ss.csv", "protocol.json", NULL};

static char *slurp(const char *dir, const char *name, size_t *len)
{
    char p[4096];
    snprintf(p, sizeof p, "%s/%s", dir, name);
    char *t = read_file(p, len);
    assert_non_null(t);
    return t;
}

static void make(const char *dir, long n, uint64_t seed)
{
    struct sim_options o;
    sim_options_init(&o);
    o.subjects = n;
    o.seed = seed;
    struct diags d;
    diags_init(&d, 0);
    assert_int_equal(sim_write(dir, &o, &d), 0);
    assert_int_equal(d.n_errors, 0);
    diags_release(&d);
}

static void test_deterministic(void **state)
{
    (void)state;
    char *a = tmpdir_make(), *b = tmpdir_make(), *c = tmpdir_make();
    make(a, 60, 11);
    make(b, 60, 11);
    make(c, 60, 12);
    int differ = 0;
    for (int i = 0; files[i]; i++) {
        size_t la, lb, lc;
        char *ta = slurp(a, files[i], &la), *tb = slurp(b, files[i], &lb),
             *tc = slurp(c, files[i], &lc);
        assert_int_equal(la, lb);
        assert_memory_equal(ta, tb, la);
        differ += la != lc || memcmp(ta, tc, la) != 0;
        free(ta);
        free(tb);
        free(tc);
    }
    /* Another seed: every subject-level file differs. */
    assert_true(differ >= 9);
    tmpdir_remove(a);
    tmpdir_remove(b);
    tmpdir_remove(c);
}

static void test_passes_check(void **state)
{
    (void)state;
    char *dir = tmpdir_make();
    make(dir, 300, 5);
    struct study s;
    struct diags d;
    study_init(&s);
    diags_init(&d, 0);
    struct load_options o;
    load_options_init(&o);
    int rc = sdtm_load(dir, &o, &s, &d);
    if (d.n)
        dump_diags(&d);
    assert_int_equal(rc, 0);
    assert_int_equal(d.n_errors, 0);
    assert_int_equal(d.n_warnings, 0);
    assert_int_equal(s.n_subjects, 300);
    /* It looks like this trial: brain targets, nodes, new lesions,
     * steroids, deaths, both drugs, AEs with per-drug relatedness. */
    size_t brain_targets = 0, nodes = 0, new_lesions = 0, deaths = 0,
           steroid = 0, aes = 0, rel_quals = 0, tstm = 0, not_done = 0;
    for (size_t i = 0; i < s.n_subjects; i++) {
        const struct subject *sj = &s.subjects[i];
        size_t bt = 0;
        for (size_t k = 0; k < sj->n_lesions; k++) {
            const struct lesion *l = &sj->lesions[k];
            bt += l->is_cns && l->cls[CRIT_RANOBM] == LC_TARGET;
            nodes += l->is_nodal;
            new_lesions += l->cls[CRIT_RECIST] == LC_NEW;
        }
        assert_true(bt >= 1 && bt <= 5);
        brain_targets += bt;
        deaths += sj->death != DATE_NONE;
        for (size_t k = 0; k < sj->n_cm; k++)
            steroid += !strcmp(sj->cm[k].decod, "DEXAMETHASONE") &&
                       !strcmp(sj->cm[k].indc, "CEREBRAL OEDEMA");
        aes += sj->n_aes;
        for (size_t k = 0; k < sj->n_aes; k++)
            rel_quals += sj->aes[k].n_quals;
        for (size_t k = 0; k < sj->n_meas; k++) {
            tstm += sj->meas[k].kind == MV_TSTM;
            not_done += sj->meas[k].kind == MV_NOT_DONE;
        }
        /* Enrolment before first dose, by a few days. */
        assert_true(sj->first_dose - sj->origin >= 1 &&
                    sj->first_dose - sj->origin <= 6);
    }
    assert_true(brain_targets > 300);
    assert_true(nodes > 10);
    assert_true(new_lesions > 10);
    assert_true(deaths > 10 && deaths < 300);
    assert_true(steroid > 50);
    assert_true(aes > 300);
    assert_int_equal(rel_quals, 4 * aes);
    assert_true(tstm > 0);
    assert_true(not_done > 0);
    diags_release(&d);
    study_release(&s);
    tmpdir_remove(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_deterministic),
        cmocka_unit_test(test_passes_check),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
