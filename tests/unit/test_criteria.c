/*
 * test_criteria.c - the response rules of shared/spec/response-criteria.md,
 * one case per rule and per [CHOICE] setting, with the boundaries. Each
 * case is a small subject written as data: lesions, then visits (day from
 * the origin, which is also the first dose) with each lesion's value; the
 * expected per-visit overall responses and best responses were worked out
 * by hand from the spec (the arithmetic is in the comment of each case),
 * never by running the code.
 *
 * Visit tokens: T01=20 (mm), T01=ND (not done), T01=TSTM (too small, no
 * number), T01=TSTM3 (too small, sponsor's 3 mm), NT01=PRESENT|ABSENT|UPD|
 * ND, NEW01=EQUIVOCAL|UNEQUIVOCAL|ABSENT, CLIN=STABLE|IMPROVED|WORSE,
 * DEX=4 (dexamethasone mg/day on that day).
 */
#include "helpers.h"

#include "balist/criteria.h"
#include "fixture.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void join(const struct crit_result *r, char *buf, size_t size)
{
    buf[0] = '\0';
    for (size_t t = 1; t < r->n_tp; t++)
        reason_append(buf, size, "%s%s", t > 1 ? " " : "",
                      resp_name(r->tp[t].overall, r->irecist));
}

static void run_case(const struct ccase *c)
{
    struct study s;
    fixture_build(&s, c);
    struct crit_result r;
    crit_derive(&s, &s.subjects[0], c->crit, &r);
    char got[256];
    join(&r, got, sizeof got);
    bool ok = !strcmp(got, c->tp) &&
              !strcmp(resp_name(r.cbor.resp, false), c->cbor) &&
              (!c->bor || !strcmp(resp_name(r.bor.resp, false), c->bor)) &&
              (!c->cb || !strcmp(r.cb ? "Y" : "N", c->cb));
    struct crit_result ir;
    memset(&ir, 0, sizeof ir);
    char igot[256] = "";
    if (c->itp) {
        irecist_derive(&s, &s.subjects[0], &r, &ir);
        join(&ir, igot, sizeof igot);
        ok = ok && !strcmp(igot, c->itp) &&
             !strcmp(resp_name(ir.cbor.resp, true), c->icbor);
    }
    if (!ok) {
        fprintf(stderr,
                "case %s\n  visits %s (want %s)\n  CBOR %s (want %s)"
                "\n  BOR %s (want %s)\n  CB %s (want %s)\n",
                c->name, got, c->tp, resp_name(r.cbor.resp, false), c->cbor,
                resp_name(r.bor.resp, false), c->bor ? c->bor : "-",
                r.cb ? "Y" : "N", c->cb ? c->cb : "-");
        for (size_t t = 0; t < r.n_tp; t++)
            fprintf(stderr, "  | %s: %s\n", r.tp[t].visit, r.tp[t].reason);
        fprintf(stderr, "  | CBOR: %s\n  | BOR: %s\n  | CB: %s\n",
                r.cbor.reason, r.bor.reason, r.cb_reason);
        if (c->itp) {
            fprintf(stderr, "  iRECIST %s (want %s), ICBOR %s (want %s)\n",
                    igot, c->itp, resp_name(ir.cbor.resp, true), c->icbor);
            for (size_t t = 0; t < ir.n_tp; t++)
                fprintf(stderr, "  | %s: %s\n", ir.tp[t].visit,
                        ir.tp[t].reason);
        }
    }
    crit_result_release(&r);
    crit_result_release(&ir);
    study_release(&s);
    assert_true(ok);
}

/* ---- RECIST 1.1 target response (b.2) ---- */

static const struct ccase recist_cases[] = {
    /* EVIDENCE: PR-RELATIVE. 100 -> 70 is exactly -30 %: PR; confirmed
     * 42 days later. */
    /* EVIDENCE: BOR-CONFIRMED, BOR-UNCONFIRMED, CBR. */
    {"PR-RELATIVE exactly -30%",
     CRIT_RECIST,
     "T01:T:LIVER",
     {{-7, "T01=100"}, {42, "T01=70"}, {84, "T01=70"}},
     NULL,
     "PR PR",
     "PR",
     "PR",
     "Y",
     NULL,
     NULL,
     false},
    /* The spec's own example: 143.0 -> 100.2 is -29.93 %: SD, although
     * it displays as 29.9 %. SD on day 42 meets the 42-day minimum. */
    {"PR-RELATIVE -29.93% is SD",
     CRIT_RECIST,
     "T01:T:LIVER",
     {{-7, "T01=143"}, {42, "T01=100.2"}, {84, "T01=100.2"}},
     NULL,
     "SD SD",
     "SD",
     "SD",
     "Y",
     NULL,
     NULL,
     false},
    /* EVIDENCE: RECIST-PD-SUM, PD-RELATIVE, NADIR. 50 -> 40 (SD, -20 %)
     * -> 48: +20.0 % over the nadir 40 (not the baseline 50) and +8 mm:
     * PD. CBOR SD (day 42). */
    {"RECIST-PD-SUM exactly +20%",
     CRIT_RECIST,
     "T01:T:LIVER",
     {{-7, "T01=50"}, {42, "T01=40"}, {84, "T01=48"}},
     NULL,
     "SD PD",
     "SD",
     "SD",
     "Y",
     NULL,
     NULL,
     false},
    /* 40 -> 47.9 is +19.75 %: not PD. */
    {"RECIST-PD-SUM +19.75% is SD",
     CRIT_RECIST,
     "T01:T:LIVER",
     {{-7, "T01=50"}, {42, "T01=40"}, {84, "T01=47.9"}},
     NULL,
     "SD SD",
     "SD",
     "SD",
     "Y",
     NULL,
     NULL,
     false},
    /* 20 -> 24 is +20 % but only +4 mm: SD; 25 is +25 % and +5 mm
     * exactly: PD. */
    {"RECIST-PD-SUM +5 mm exactly",
     CRIT_RECIST,
     "T01:T:LIVER",
     {{-7, "T01=20"}, {42, "T01=24"}, {84, "T01=25"}},
     NULL,
     "SD PD",
     "SD",
     "SD",
     "Y",
     NULL,
     NULL,
     false},
    /* EVIDENCE: RECIST-CR. Node 9.9 mm short axis and the other target
     * gone: CR; node back at 10.0: not CR, sum 10 of 35 is -71 %: PR. A CR
     * followed 42 days later by a PR is a confirmed PR (f.1
     * [DISAGREE]); unconfirmed best is CR. */
    {"RECIST-CR node 9.9 vs 10",
     CRIT_RECIST,
     "T01:T:LIVER T02:T:LYMPH_NODE",
     {{-7, "T01=20 T02=15"}, {42, "T01=0 T02=9.9"}, {84, "T01=0 T02=10"}},
     NULL,
     "CR PR",
     "PR",
     "CR",
     "Y",
     NULL,
     NULL,
     false},
    /* A too-small-to-measure non-nodal target is not CR: 5 mm, -75 %:
     * PR. */
    {"TSTM non-nodal is PR",
     CRIT_RECIST,
     "T01:T:LIVER",
     {{-7, "T01=20"}, {42, "T01=TSTM"}, {84, "T01=TSTM3"}},
     NULL,
     "PR PR",
     "PR",
     "PR",
     "Y",
     NULL,
     NULL,
     false},
    /* EVIDENCE: RECIST-NE. T02 missing: partial sum 20 cannot prove PD
     * over nadir 60: NE. */
    {"RECIST-NE missing target",
     CRIT_RECIST,
     "T01:T:LIVER T02:T:LUNG",
     {{-7, "T01=30 T02=30"}, {42, "T01=20 T02=ND"}},
     NULL,
     "NE",
     "NE",
     "NE",
     "N",
     NULL,
     NULL,
     false},
    /* NE pre-check: T01 alone is 30 against a nadir of 20 (+50 %, +10
     * mm): PD whatever T02 measures. */
    {"RECIST-NE partial sum proves PD",
     CRIT_RECIST,
     "T01:T:LIVER T02:T:LUNG",
     {{-7, "T01=10 T02=10"}, {42, "T01=30 T02=ND"}},
     NULL,
     "PD",
     "PD",
     "PD",
     "N",
     NULL,
     NULL,
     false},
    /* cr_before_pd: the node shrinks to 4 then comes back to 9.5 (+5.5
     * mm, +137 % over the nadir 4): CR first (default) keeps CR; with
     * cr_before_pd false it is PD. */
    {"cr_before_pd true",
     CRIT_RECIST,
     "T01:T:LIVER T02:T:LYMPH_NODE",
     {{-7, "T01=20 T02=15"}, {42, "T01=0 T02=4"}, {84, "T01=0 T02=9.5"}},
     NULL,
     "CR CR",
     "CR",
     "CR",
     "Y",
     NULL,
     NULL,
     false},
    {"cr_before_pd false",
     CRIT_RECIST,
     "T01:T:LIVER T02:T:LYMPH_NODE",
     {{-7, "T01=20 T02=15"}, {42, "T01=0 T02=4"}, {84, "T01=0 T02=9.5"}},
     "{\"cr_before_pd\": false}",
     "CR PD",
     "SD",
     "CR",
     "Y",
     NULL,
     NULL,
     false},
    /* EVIDENCE: REAPPEAR-TARGET. CR confirmed on day 84; on day 126 the
     * target is back at 3 mm: PD (default), whatever the sums. With
     * "never", the sum rules: 3 mm over a nadir of 0 is +3 mm (not PD),
     * -85 % from baseline: PR. */
    {"REAPPEAR-TARGET confirmed_cr",
     CRIT_RECIST,
     "T01:T:LIVER",
     {{-7, "T01=20"}, {42, "T01=0"}, {84, "T01=0"}, {126, "T01=3"}},
     NULL,
     "CR CR PD",
     "CR",
     "CR",
     "Y",
     NULL,
     NULL,
     false},
    {"REAPPEAR-TARGET never",
     CRIT_RECIST,
     "T01:T:LIVER",
     {{-7, "T01=20"}, {42, "T01=0"}, {84, "T01=0"}, {126, "T01=3"}},
     "{\"pd_on_reappearance_after_cr\": \"never\"}",
     "CR CR PR",
     "CR",
     "CR",
     "Y",
     NULL,
     NULL,
     false},
    /* EVIDENCE: SPLIT-ADD. 30 -> fragments 10 + 8 = 18: -40 %: PR. */
    {"SPLIT-ADD",
     CRIT_RECIST,
     "T01:T:LIVER T01.1:T:LIVER T01.2:T:LIVER",
     {{-7, "T01=30"}, {42, "T01.1=10 T01.2=8"}, {84, "T01.1=9 T01.2=8"}},
     NULL,
     "PR PR",
     "PR",
     "PR",
     "Y",
     NULL,
     NULL,
     false},
    /* EVIDENCE: MERGE-FIRST. 20 + 20 -> merged 30 on T01, T02 counts 0:
     * sum 30, -25 %: SD. */
    {"MERGE-FIRST",
     CRIT_RECIST,
     "T01:T:LIVER T02:T:LIVER T01/T02:T:LIVER",
     {{-7, "T01=20 T02=20"}, {42, "T01/T02=30"}},
     NULL,
     "SD",
     "SD",
     "SD",
     "Y",
     NULL,
     NULL,
     false},
    /* EVIDENCE: STICKY-PR. 100 -> 60 (PR) -> 60 (PR, confirmed) -> 71:
     * -29 % from baseline, +18.3 % over nadir 60: SD by default; PR with
     * sticky_pr after the confirmed PR. */
    {"STICKY-PR off",
     CRIT_RECIST,
     "T01:T:LIVER",
     {{-7, "T01=100"}, {42, "T01=60"}, {84, "T01=60"}, {126, "T01=71"}},
     NULL,
     "PR PR SD",
     "PR",
     "PR",
     "Y",
     NULL,
     NULL,
     false},
    {"STICKY-PR confirmed_pr",
     CRIT_RECIST,
     "T01:T:LIVER",
     {{-7, "T01=100"}, {42, "T01=60"}, {84, "T01=60"}, {126, "T01=71"}},
     "{\"sticky_pr\": true}",
     "PR PR PR",
     "PR",
     "PR",
     "Y",
     NULL,
     NULL,
     false},
    /* PR -> -29 %: with sticky_from first_pr the second visit is PR and
     * confirms the first (CBOR PR); with confirmed_pr it stays SD (the PR
     * was never confirmed), CBOR SD. */
    {"STICKY-PR first_pr changes CBOR",
     CRIT_RECIST,
     "T01:T:LIVER",
     {{-7, "T01=100"}, {42, "T01=70"}, {84, "T01=71"}},
     "{\"sticky_pr\": true, \"sticky_from\": \"first_pr\"}",
     "PR PR",
     "PR",
     "PR",
     "Y",
     NULL,
     NULL,
     false},
    {"STICKY-PR confirmed_pr leaves CBOR",
     CRIT_RECIST,
     "T01:T:LIVER",
     {{-7, "T01=100"}, {42, "T01=70"}, {84, "T01=71"}},
     "{\"sticky_pr\": true}",
     "PR SD",
     "SD",
     "PR",
     "Y",
     NULL,
     NULL,
     false},
};

/* ---- non-target and new lesions (c), overall (e.1, e.2) ---- */

static const struct ccase lesion_cases[] = {
    /* EVIDENCE: NT-UPD. Targets stable, non-target unequivocal
     * progression: PD. */
    /* EVIDENCE: RECIST-E1-PD. */
    {"NT-UPD",
     CRIT_RECIST,
     "T01:T:LIVER NT01:NT:BONE",
     {{-7, "T01=20 NT01=PRESENT"}, {42, "T01=20 NT01=UPD"}},
     NULL,
     "PD",
     "PD",
     "PD",
     "N",
     NULL,
     NULL,
     false},
    /* EVIDENCE: NT-NE. Non-target not assessed, target SD: SD (e.1). */
    {"NT-NE with target SD",
     CRIT_RECIST,
     "T01:T:LIVER NT01:NT:BONE",
     {{-7, "T01=20 NT01=PRESENT"}, {42, "T01=18 NT01=ND"}},
     NULL,
     "SD",
     "SD",
     "SD",
     "Y",
     NULL,
     NULL,
     false},
    /* EVIDENCE: NT-CR. Target CR with a non-target present: PR; absent:
     * CR. CR -> PR 42 days later: confirmed PR. */
    /* EVIDENCE: RECIST-E1. */
    {"NT-CR target CR",
     CRIT_RECIST,
     "T01:T:LIVER NT01:NT:BONE",
     {{-7, "T01=20 NT01=PRESENT"},
      {42, "T01=0 NT01=ABSENT"},
      {84, "T01=0 NT01=PRESENT"}},
     NULL,
     "CR PR",
     "PR",
     "CR",
     "Y",
     NULL,
     NULL,
     false},
    /* EVIDENCE: REAPPEAR-NT. CR confirmed (day 84), then the non-target
     * is present again: PD. */
    {"REAPPEAR-NT",
     CRIT_RECIST,
     "T01:T:LIVER NT01:NT:BONE",
     {{-7, "T01=20 NT01=PRESENT"},
      {42, "T01=0 NT01=ABSENT"},
      {84, "T01=0 NT01=ABSENT"},
      {126, "T01=0 NT01=PRESENT"}},
     NULL,
     "CR CR PD",
     "CR",
     "CR",
     "Y",
     NULL,
     NULL,
     false},
    /* e.2, non-target disease only: present -> NON-CR/NON-PD (day 42,
     * counts); absent on day 84 -> CR, unconfirmed. */
    /* EVIDENCE: RECIST-E2. */
    {"non-target only (e.2)",
     CRIT_RECIST,
     "NT01:NT:BONE",
     {{-7, "NT01=PRESENT"}, {42, "NT01=PRESENT"}, {84, "NT01=ABSENT"}},
     NULL,
     "NON-CR/NON-PD CR",
     "NON-CR/NON-PD",
     "CR",
     "N",
     NULL,
     NULL,
     false},
    /* EVIDENCE: NEW-UNEQUIVOCAL. An unequivocal new lesion: PD. */
    {"new lesion unequivocal",
     CRIT_RECIST,
     "T01:T:LIVER NEW01:NEW:LUNG",
     {{-7, "T01=20"}, {42, "T01=10 NEW01=UNEQUIVOCAL"}},
     NULL,
     "PD",
     "PD",
     "PD",
     "N",
     NULL,
     NULL,
     false},
    /* EVIDENCE: NEW-BACKDATE. Equivocal on day 42 (PR stands
     * provisionally), unequivocal on day 84: PD as of day 42. */
    {"NEW-BACKDATE",
     CRIT_RECIST,
     "T01:T:LIVER NEW01:NEW:LUNG",
     {{-7, "T01=20"},
      {42, "T01=10 NEW01=EQUIVOCAL"},
      {84, "T01=10 NEW01=UNEQUIVOCAL"}},
     NULL,
     "PD PD",
     "PD",
     "PD",
     "N",
     NULL,
     NULL,
     false},
    /* Equivocal, then gone: ignored; PR confirmed. */
    {"equivocal never confirmed",
     CRIT_RECIST,
     "T01:T:LIVER NEW01:NEW:LUNG",
     {{-7, "T01=20"},
      {42, "T01=10 NEW01=EQUIVOCAL"},
      {84, "T01=10 NEW01=ABSENT"}},
     NULL,
     "PR PR",
     "PR",
     "PR",
     "Y",
     NULL,
     NULL,
     false},
    /* Baseline 35 days before the first dose: no evaluable baseline. */
    /* EVIDENCE: BOR-NO-BASELINE. */
    {"baseline too early (a)",
     CRIT_RECIST,
     "T01:T:LIVER",
     {{-35, "T01=20"}, {42, "T01=10"}},
     NULL,
     "NE",
     "NE",
     "NE",
     "N",
     NULL,
     NULL,
     false},
    /* A target without a baseline value (a.3): NE throughout. */
    /* EVIDENCE: BASELINE-COMPLETE. */
    {"baseline incomplete (a.3)",
     CRIT_RECIST,
     "T01:T:LIVER T02:T:LUNG",
     {{-7, "T01=20 T02=ND"}, {42, "T01=10 T02=10"}},
     NULL,
     "NE",
     "NE",
     "NE",
     "N",
     NULL,
     NULL,
     false},
};

/* ---- best overall response (f) ---- */

static const struct ccase bor_cases[] = {
    /* EVIDENCE: CONFIRM-BETWEEN. PR, NE, PR: confirmed with
     * allow_ne_between (default); not with false -> SD (the PR on day 42
     * meets the minimum). */
    {"CONFIRM-BETWEEN NE allowed",
     CRIT_RECIST,
     "T01:T:LIVER T02:T:LUNG",
     {{-7, "T01=50 T02=50"},
      {42, "T01=30 T02=30"},
      {63, "T01=30 T02=ND"},
      {84, "T01=30 T02=30"}},
     NULL,
     "PR NE PR",
     "PR",
     "PR",
     "Y",
     NULL,
     NULL,
     false},
    {"CONFIRM-BETWEEN NE not allowed",
     CRIT_RECIST,
     "T01:T:LIVER T02:T:LUNG",
     {{-7, "T01=50 T02=50"},
      {42, "T01=30 T02=30"},
      {63, "T01=30 T02=ND"},
      {84, "T01=30 T02=30"}},
     "{\"allow_ne_between\": false}",
     "PR NE PR",
     "SD",
     "PR",
     "Y",
     NULL,
     NULL,
     false},
    /* sd_breaks_confirmation: PR (-40 %), SD (71: -29 % from baseline,
     * +18.3 % over the nadir 60, not PD), PR: SD breaks it (default) ->
     * SD; not with false -> PR. */
    {"sd_breaks_confirmation true",
     CRIT_RECIST,
     "T01:T:LIVER",
     {{-7, "T01=100"}, {42, "T01=60"}, {63, "T01=71"}, {84, "T01=60"}},
     NULL,
     "PR SD PR",
     "SD",
     "PR",
     "Y",
     NULL,
     NULL,
     false},
    {"sd_breaks_confirmation false",
     CRIT_RECIST,
     "T01:T:LIVER",
     {{-7, "T01=100"}, {42, "T01=60"}, {63, "T01=71"}, {84, "T01=60"}},
     "{\"sd_breaks_confirmation\": false}",
     "PR SD PR",
     "PR",
     "PR",
     "Y",
     NULL,
     NULL,
     false},
    /* EVIDENCE: CONFIRM-DAYS. 27 days apart: unconfirmed (the PR on day
     * 42 counts as SD); 28 days: confirmed. */
    {"CONFIRM-DAYS 27",
     CRIT_RECIST,
     "T01:T:LIVER",
     {{-7, "T01=100"}, {42, "T01=60"}, {69, "T01=60"}},
     NULL,
     "PR PR",
     "SD",
     "PR",
     "Y",
     NULL,
     NULL,
     false},
    {"CONFIRM-DAYS 28",
     CRIT_RECIST,
     "T01:T:LIVER",
     {{-7, "T01=100"}, {42, "T01=60"}, {70, "T01=60"}},
     NULL,
     "PR PR",
     "PR",
     "PR",
     "Y",
     NULL,
     NULL,
     false},
    /* EVIDENCE: BOR-SD-MIN. Unconfirmed PR then PD: SD if the PR was on
     * day >= 42, else PD. With sd_min_window_days 7, day 35 counts. */
    {"BOR-SD-MIN PR day 42 then PD",
     CRIT_RECIST,
     "T01:T:LIVER",
     {{-7, "T01=100"}, {42, "T01=60"}, {84, "T01=80"}},
     NULL,
     "PR PD",
     "SD",
     "PR",
     "Y",
     NULL,
     NULL,
     false},
    {"BOR-SD-MIN PR day 35 then PD",
     CRIT_RECIST,
     "T01:T:LIVER",
     {{-7, "T01=100"}, {35, "T01=60"}, {84, "T01=80"}},
     NULL,
     "PR PD",
     "PD",
     "PR",
     "N",
     NULL,
     NULL,
     false},
    {"BOR-SD-MIN window 7",
     CRIT_RECIST,
     "T01:T:LIVER",
     {{-7, "T01=100"}, {35, "T01=60"}, {84, "T01=80"}},
     "{\"sd_min_window_days\": 7}",
     "PR PD",
     "SD",
     "PR",
     "Y",
     NULL,
     NULL,
     false},
    /* SD too early and nothing later: NE. */
    {"SD too early, nothing later",
     CRIT_RECIST,
     "T01:T:LIVER",
     {{-7, "T01=100"}, {35, "T01=90"}},
     NULL,
     "SD",
     "NE",
     "NE",
     "N",
     NULL,
     NULL,
     false},
    /* bor_window_end_day 91: the first PR on day 98 does not count (CBOR
     * SD, from the SD on day 42); a first PR on day 84 confirmed on day
     * 126 does. */
    {"bor_window_end_day first PR late",
     CRIT_RECIST,
     "T01:T:LIVER",
     {{-7, "T01=100"}, {42, "T01=90"}, {98, "T01=60"}, {140, "T01=60"}},
     "{\"bor_window_end_day\": 91}",
     "SD PR PR",
     "SD",
     "SD",
     "Y",
     NULL,
     NULL,
     false},
    {"bor_window_end_day confirmation after",
     CRIT_RECIST,
     "T01:T:LIVER",
     {{-7, "T01=100"}, {84, "T01=60"}, {126, "T01=60"}},
     "{\"bor_window_end_day\": 91}",
     "PR PR",
     "PR",
     "PR",
     "Y",
     NULL,
     NULL,
     false},
    /* Data cut-off: the confirming scan after it is not used. */
    /* EVIDENCE: DATA-CUTOFF. */
    {"data cut-off",
     CRIT_RECIST,
     "T01:T:LIVER",
     {{-7, "T01=100"}, {42, "T01=60"}, {84, "T01=60"}},
     "{\"data_cutoff\": \"2025-03-01\"}",
     "PR",
     "SD",
     "PR",
     "Y",
     NULL,
     NULL,
     false},
};

/* ---- RANO-BM (b.3, d, e.3) ---- */

static const struct ccase rano_cases[] = {
    /* EVIDENCE: RANO-PD. 20 + 20 -> 24 + 24: +20 % over the nadir but
     * each lesion only +4 mm: SD; 25 + 23: T01 +5 mm: PD. */
    {"RANO-PD per lesion +4 each",
     CRIT_RANOBM,
     "T01:T:FRONTAL_LOBE T02:T:CEREBELLUM",
     {{-7, "T01=20 T02=20 CLIN=STABLE"}, {42, "T01=24 T02=24 CLIN=STABLE"}},
     NULL,
     "SD",
     "SD",
     "SD",
     "Y",
     NULL,
     NULL,
     false},
    {"RANO-PD per lesion +5",
     CRIT_RANOBM,
     "T01:T:FRONTAL_LOBE T02:T:CEREBELLUM",
     {{-7, "T01=20 T02=20 CLIN=STABLE"}, {42, "T01=25 T02=23 CLIN=STABLE"}},
     NULL,
     "PD",
     "PD",
     "PD",
     "N",
     NULL,
     NULL,
     false},
    /* rano_require_lesion_5mm false: the sum rule, +8 mm: PD. */
    {"RANO-PD sum rule",
     CRIT_RANOBM,
     "T01:T:FRONTAL_LOBE T02:T:CEREBELLUM",
     {{-7, "T01=20 T02=20 CLIN=STABLE"}, {42, "T01=24 T02=24 CLIN=STABLE"}},
     "{\"rano_require_lesion_5mm\": false}",
     "PD",
     "PD",
     "PD",
     "N",
     NULL,
     NULL,
     false},
    /* rano_lesion_ref. Sums 40, 37, 34 (nadir, day 84), 41: +20.6 % over
     * 34. Against the nadir visit T01 8 -> 11 (+3), T02 26 -> 30 (+4):
     * SD. Against each lesion's own minimum T01 4 -> 11 (+7): PD. */
    {"RANO lesion_ref nadir_visit",
     CRIT_RANOBM,
     "T01:T:FRONTAL_LOBE T02:T:CEREBELLUM",
     {{-7, "T01=10 T02=30 CLIN=STABLE"},
      {42, "T01=4 T02=33 CLIN=STABLE"},
      {84, "T01=8 T02=26 CLIN=STABLE"},
      {126, "T01=11 T02=30 CLIN=STABLE"}},
     NULL,
     "SD SD SD",
     "SD",
     "SD",
     "Y",
     NULL,
     NULL,
     false},
    {"RANO lesion_ref lesion_min",
     CRIT_RANOBM,
     "T01:T:FRONTAL_LOBE T02:T:CEREBELLUM",
     {{-7, "T01=10 T02=30 CLIN=STABLE"},
      {42, "T01=4 T02=33 CLIN=STABLE"},
      {84, "T01=8 T02=26 CLIN=STABLE"},
      {126, "T01=11 T02=30 CLIN=STABLE"}},
     "{\"rano_lesion_ref\": \"lesion_min\"}",
     "SD SD PD",
     "SD",
     "SD",
     "Y",
     NULL,
     NULL,
     false},
    /* Steroids (d): baseline 4 mg; imaging PR with 4 mg (stable): PR and
     * confirmed; with 8 mg (increased) the second is SD, not PD. */
    /* EVIDENCE: RANO-E3-6-PR. */
    {"RANO steroid stable",
     CRIT_RANOBM,
     "T01:T:FRONTAL_LOBE",
     {{-7, "T01=20 DEX=4 CLIN=STABLE"},
      {42, "T01=10 DEX=4 CLIN=STABLE"},
      {84, "T01=10 DEX=4 CLIN=STABLE"}},
     NULL,
     "PR PR",
     "PR",
     "PR",
     "Y",
     NULL,
     NULL,
     false},
    /* EVIDENCE: RANO-E3-4-STEROID-UP. */
    {"RANO steroid increased -> SD",
     CRIT_RANOBM,
     "T01:T:FRONTAL_LOBE",
     {{-7, "T01=20 DEX=4 CLIN=STABLE"},
      {42, "T01=10 DEX=4 CLIN=STABLE"},
      {84, "T01=10 DEX=8 CLIN=STABLE"}},
     NULL,
     "PR SD",
     "SD",
     "PR",
     "Y",
     NULL,
     NULL,
     false},
    {"RANO steroid increased, policy ne",
     CRIT_RANOBM,
     "T01:T:FRONTAL_LOBE",
     {{-7, "T01=20 DEX=4 CLIN=STABLE"},
      {42, "T01=10 DEX=4 CLIN=STABLE"},
      {84, "T01=10 DEX=8 CLIN=STABLE"}},
     "{\"rano_steroid_increase\": \"ne\"}",
     "PR NE",
     "SD",
     "PR",
     "Y",
     NULL,
     NULL,
     false},
    /* EVIDENCE: RANO-CR. Imaging CR with dexamethasone 2 mg (not
     * increased): PR; at 0: CR.
     * With rano_cr_max_steroid_mg 2 the first is CR too. */
    /* EVIDENCE: RANO-E3-5-CR, RANO-IMAGING. */
    {"RANO CR needs no steroids",
     CRIT_RANOBM,
     "T01:T:FRONTAL_LOBE",
     {{-7, "T01=20 DEX=4 CLIN=STABLE"},
      {42, "T01=0 DEX=2 CLIN=STABLE"},
      {84, "T01=0 CLIN=STABLE"}},
     NULL,
     "PR CR",
     "PR",
     "CR",
     "Y",
     NULL,
     NULL,
     false},
    {"RANO rano_cr_max_steroid_mg 2",
     CRIT_RANOBM,
     "T01:T:FRONTAL_LOBE",
     {{-7, "T01=20 DEX=4 CLIN=STABLE"},
      {42, "T01=0 DEX=2 CLIN=STABLE"},
      {84, "T01=0 CLIN=STABLE"}},
     "{\"rano_cr_max_steroid_mg\": 2}",
     "CR CR",
     "CR",
     "CR",
     "Y",
     NULL,
     NULL,
     false},
    /* Clinical deterioration is PD whatever the imaging. */
    /* EVIDENCE: RANO-E3-1-PD. */
    {"RANO clinical worse",
     CRIT_RANOBM,
     "T01:T:FRONTAL_LOBE",
     {{-7, "T01=20 CLIN=STABLE"}, {42, "T01=10 CLIN=WORSE"}},
     NULL,
     "PD",
     "PD",
     "PD",
     "N",
     NULL,
     NULL,
     false},
    /* rano_missing_policy: clinical status missing on day 84 with imaging
     * PR: NE (default); SD (downgrade_to_sd); PR (carry_forward, stable
     * on day 42). */
    /* EVIDENCE: RANO-E3-3-UNKNOWN. */
    {"RANO missing ne_if_response",
     CRIT_RANOBM,
     "T01:T:FRONTAL_LOBE",
     {{-7, "T01=20 CLIN=STABLE"}, {42, "T01=10 CLIN=STABLE"}, {84, "T01=10"}},
     NULL,
     "PR NE",
     "SD",
     "PR",
     "Y",
     NULL,
     NULL,
     false},
    {"RANO missing downgrade_to_sd",
     CRIT_RANOBM,
     "T01:T:FRONTAL_LOBE",
     {{-7, "T01=20 CLIN=STABLE"}, {42, "T01=10 CLIN=STABLE"}, {84, "T01=10"}},
     "{\"rano_missing_policy\": \"downgrade_to_sd\"}",
     "PR SD",
     "SD",
     "PR",
     "Y",
     NULL,
     NULL,
     false},
    {"RANO missing carry_forward",
     CRIT_RANOBM,
     "T01:T:FRONTAL_LOBE",
     {{-7, "T01=20 CLIN=STABLE"}, {42, "T01=10 CLIN=STABLE"}, {84, "T01=10"}},
     "{\"rano_missing_policy\": \"carry_forward\"}",
     "PR PR",
     "PR",
     "PR",
     "Y",
     NULL,
     NULL,
     false},
    /* Missing status with imaging SD: the SD stands. */
    /* EVIDENCE: RANO-E3-2-NE. T02 not measured on day 42: the partial
     * sum 10 proves neither PD nor PR, so target NE and overall NE (row
     * 2), whatever the steroids and the clinical status; NE alone is no
     * best response and no clinical benefit. */
    {"RANO target NE",
     CRIT_RANOBM,
     "T01:T:FRONTAL_LOBE T02:T:CEREBELLUM",
     {{-7, "T01=20 T02=20 CLIN=STABLE"}, {42, "T01=10 CLIN=STABLE"}},
     NULL,
     "NE",
     "NE",
     "NE",
     "N",
     NULL,
     NULL,
     false},
    /* EVIDENCE: RANO-E3-7-SD. */
    {"RANO missing with SD stands",
     CRIT_RANOBM,
     "T01:T:FRONTAL_LOBE",
     {{-7, "T01=20 CLIN=STABLE"}, {42, "T01=18"}},
     NULL,
     "SD",
     "SD",
     "SD",
     "Y",
     NULL,
     NULL,
     false},
    /* No cm.csv: the dose is unknown, imaging PR -> NE. */
    {"RANO steroid unknown",
     CRIT_RANOBM,
     "T01:T:FRONTAL_LOBE",
     {{-7, "T01=20 CLIN=STABLE"}, {42, "T01=10 CLIN=STABLE"}},
     NULL,
     "NE",
     "NE",
     "NE",
     "N",
     NULL,
     NULL,
     true},
    /* rano_steroid_ref: 4 -> 2 -> 3 mg. Against baseline 4: not
     * increased, PR PR. Against the previous assessment (2): increased,
     * SD. */
    /* EVIDENCE: RANO-STEROID-REF. */
    {"RANO steroid_ref baseline",
     CRIT_RANOBM,
     "T01:T:FRONTAL_LOBE",
     {{-7, "T01=20 DEX=4 CLIN=STABLE"},
      {42, "T01=10 DEX=2 CLIN=STABLE"},
      {84, "T01=10 DEX=3 CLIN=STABLE"}},
     NULL,
     "PR PR",
     "PR",
     "PR",
     "Y",
     NULL,
     NULL,
     false},
    {"RANO steroid_ref previous",
     CRIT_RANOBM,
     "T01:T:FRONTAL_LOBE",
     {{-7, "T01=20 DEX=4 CLIN=STABLE"},
      {42, "T01=10 DEX=2 CLIN=STABLE"},
      {84, "T01=10 DEX=3 CLIN=STABLE"}},
     "{\"rano_steroid_ref\": \"previous_assessment\"}",
     "PR SD",
     "SD",
     "PR",
     "Y",
     NULL,
     NULL,
     false},
    /* RANO-BM sees only CNS lesions: a growing liver lesion does not
     * matter; the brain target's -50 % is PR. */
    {"RANO ignores extracranial",
     CRIT_RANOBM,
     "T01:T:FRONTAL_LOBE T02:T:LIVER",
     {{-7, "T01=20 T02=20 CLIN=STABLE"},
      {42, "T01=10 T02=40 CLIN=STABLE"},
      {84, "T01=10 T02=60 CLIN=STABLE"}},
     NULL,
     "PR PR",
     "PR",
     "PR",
     "Y",
     NULL,
     NULL,
     false},
    /* CBR (h.2): SD on day 42, PD on day 84. from_origin: SD counts (day
     * 42 >= 28): Y. sustained: not held across two assessments 28 days
     * apart: N. */
    {"CBR from_origin",
     CRIT_RANOBM,
     "T01:T:FRONTAL_LOBE",
     {{-7, "T01=20 CLIN=STABLE"},
      {42, "T01=20 CLIN=STABLE"},
      {84, "T01=30 CLIN=STABLE"}},
     NULL,
     "SD PD",
     "SD",
     "SD",
     "Y",
     NULL,
     NULL,
     false},
    {"CBR sustained",
     CRIT_RANOBM,
     "T01:T:FRONTAL_LOBE",
     {{-7, "T01=20 CLIN=STABLE"},
      {42, "T01=20 CLIN=STABLE"},
      {84, "T01=30 CLIN=STABLE"}},
     "{\"cbr_sd_rule\": \"sustained\"}",
     "SD PD",
     "SD",
     "SD",
     "N",
     NULL,
     NULL,
     false},
    /* Non-measurable CNS disease only (e.3, below the table): present ->
     * NON-CR/NON-PD; absent with no steroid and stable status -> CR,
     * unconfirmed: CBOR NON-CR/NON-PD, which is no clinical benefit. */
    {"RANO non-measurable only",
     CRIT_RANOBM,
     "NT01:NT:LEPTOMENINGES",
     {{-7, "NT01=PRESENT CLIN=STABLE"},
      {42, "NT01=PRESENT CLIN=STABLE"},
      {84, "NT01=ABSENT CLIN=STABLE"}},
     NULL,
     "NON-CR/NON-PD CR",
     "NON-CR/NON-PD",
     "CR",
     "N",
     NULL,
     NULL,
     false},
    /* An unequivocal new CNS lesion is PD; an extracranial one is not
     * RANO-BM's concern. */
    {"RANO new CNS lesion",
     CRIT_RANOBM,
     "T01:T:FRONTAL_LOBE NEW01:NEW:TEMPORAL_LOBE",
     {{-7, "T01=20 CLIN=STABLE"}, {42, "T01=10 NEW01=UNEQUIVOCAL CLIN=STABLE"}},
     NULL,
     "PD",
     "PD",
     "PD",
     "N",
     NULL,
     NULL,
     false},
    {"RANO new extracranial lesion",
     CRIT_RANOBM,
     "T01:T:FRONTAL_LOBE NEW01:NEW:LIVER",
     {{-7, "T01=20 CLIN=STABLE"},
      {42, "T01=10 NEW01=UNEQUIVOCAL CLIN=STABLE"},
      {84, "T01=10 CLIN=STABLE"}},
     NULL,
     "PR PR",
     "PR",
     "PR",
     "Y",
     NULL,
     NULL,
     false},
    /* Imaging SD with the steroid dose up (4 -> 8 mg): SD (default, never
     * PD); NE with rano_steroid_increase ne. */
    {"RANO SD with steroid up, sd",
     CRIT_RANOBM,
     "T01:T:FRONTAL_LOBE",
     {{-7, "T01=20 DEX=4 CLIN=STABLE"}, {42, "T01=18 DEX=8 CLIN=STABLE"}},
     NULL,
     "SD",
     "SD",
     "SD",
     "Y",
     NULL,
     NULL,
     false},
    {"RANO SD with steroid up, ne",
     CRIT_RANOBM,
     "T01:T:FRONTAL_LOBE",
     {{-7, "T01=20 DEX=4 CLIN=STABLE"}, {42, "T01=18 DEX=8 CLIN=STABLE"}},
     "{\"rano_steroid_increase\": \"ne\"}",
     "NE",
     "NE",
     "NE",
     "N",
     NULL,
     NULL,
     false},
    /* The RANO-BM SD minimum is 28 days: SD on day 21 then PD: PD. */
    {"RANO SD minimum 28 days",
     CRIT_RANOBM,
     "T01:T:FRONTAL_LOBE",
     {{-7, "T01=20 CLIN=STABLE"},
      {21, "T01=20 CLIN=STABLE"},
      {63, "T01=30 CLIN=STABLE"}},
     NULL,
     "SD PD",
     "PD",
     "PD",
     "N",
     NULL,
     NULL,
     false},
    {"CBR sustained held",
     CRIT_RANOBM,
     "T01:T:FRONTAL_LOBE",
     {{-7, "T01=20 CLIN=STABLE"},
      {42, "T01=20 CLIN=STABLE"},
      {84, "T01=19 CLIN=STABLE"}},
     "{\"cbr_sd_rule\": \"sustained\"}",
     "SD SD",
     "SD",
     "SD",
     "Y",
     NULL,
     NULL,
     false},
};

/* ---- iRECIST (g) ---- */

static const struct ccase irecist_cases[] = {
    /* EVIDENCE: IUPD, ICPD. 20 -> 25 (+25 %, +5 mm: PD) = iUPD; 42 days
     * later 31, +6 mm over the iUPD sum: iCPD. iBOR ranks iUPD above
     * iCPD. */
    {"ICPD confirmed",
     CRIT_RECIST,
     "T01:T:LIVER",
     {{-7, "T01=20"}, {42, "T01=25"}, {84, "T01=31"}},
     NULL,
     "PD PD",
     "PD",
     "PD",
     "N",
     "iUPD iCPD",
     "iUPD",
     false},
    /* No further growth (26, +1 mm): stays iUPD. */
    {"IUPD stays",
     CRIT_RECIST,
     "T01:T:LIVER",
     {{-7, "T01=20"}, {42, "T01=25"}, {84, "T01=26"}},
     NULL,
     "PD PD",
     "PD",
     "PD",
     "N",
     "iUPD iUPD",
     "iUPD",
     false},
    /* EVIDENCE: IRESET. Shrinks to 15 (-25 % from baseline, not PD over
     * the nadir 20): reset to iSD; then 22 is a fresh iUPD. */
    {"IRESET",
     CRIT_RECIST,
     "T01:T:LIVER",
     {{-7, "T01=20"}, {42, "T01=25"}, {84, "T01=15"}, {126, "T01=22"}},
     NULL,
     "PD SD PD",
     "PD",
     "PD",
     "N",
     "iUPD iSD iUPD",
     "iSD",
     false},
    /* A scan 21 days after the iUPD is too early to confirm. */
    {"ICPD too early",
     CRIT_RECIST,
     "T01:T:LIVER",
     {{-7, "T01=20"}, {42, "T01=25"}, {63, "T01=35"}},
     NULL,
     "PD PD",
     "PD",
     "PD",
     "N",
     "iUPD iUPD",
     "iUPD",
     false},
};

static void run_all(const struct ccase *cs, size_t n)
{
    for (size_t i = 0; i < n; i++)
        run_case(&cs[i]);
}

static void test_recist(void **state)
{
    (void)state;
    run_all(recist_cases, sizeof recist_cases / sizeof recist_cases[0]);
}

static void test_lesions(void **state)
{
    (void)state;
    run_all(lesion_cases, sizeof lesion_cases / sizeof lesion_cases[0]);
}

static void test_bor(void **state)
{
    (void)state;
    run_all(bor_cases, sizeof bor_cases / sizeof bor_cases[0]);
}

static void test_rano(void **state)
{
    (void)state;
    run_all(rano_cases, sizeof rano_cases / sizeof rano_cases[0]);
}

static void test_irecist(void **state)
{
    (void)state;
    run_all(irecist_cases, sizeof irecist_cases / sizeof irecist_cases[0]);
}

/* Recorded responses: best response from them alone, and each one that
 * differs from the computed response is a warning. */
static void test_recorded(void **state)
{
    (void)state;
    /* Measured: 100 -> 60 (PR) -> 60 (PR). Recorded: PR, then SD. */
    const struct ccase c = {
        "recorded",
        CRIT_RECIST,
        "T01:T:LIVER",
        {{-7, "T01=100"}, {42, "T01=60 REC=PR"}, {84, "T01=60 REC=SD"}},
        NULL,
        "PR PR",
        "PR",
        "PR",
        "Y",
        NULL,
        NULL,
        false};
    run_case(&c);
    struct study s;
    fixture_build(&s, &c);
    struct crit_result r;
    crit_from_recorded(&s, &s.subjects[0], CRIT_RECIST, &r);
    /* From the recorded PR, SD alone: the PR is not confirmed; it counts
     * as SD (day 42). */
    assert_int_equal(r.n_tp, 3);
    assert_int_equal(r.tp[1].overall, RESP_PR);
    assert_int_equal(r.tp[2].overall, RESP_SD);
    assert_int_equal(r.cbor.resp, RESP_SD);
    assert_int_equal(r.bor.resp, RESP_PR);
    assert_string_equal(r.tp[1].reason,
                        "PR as recorded by the site (rs.csv line 101)");
    crit_result_release(&r);
    struct diags d;
    diags_init(&d, 0);
    crit_compare_recorded(&s, &d);
    assert_int_equal(d.n_warnings, 1);
    assert_non_null(find_diag(&d, "rs.csv:102: warning: recorded RECIST 1.1 "
                                  "response SD at D84 (2025-03-26) of "
                                  "subject S-1 differs from the computed "
                                  "PR: PR: sum 60 mm is -40.0% from "
                                  "baseline 100 mm (30% decrease or more) "
                                  "[recorded-response]"));
    diags_release(&d);
    study_release(&s);
}

/* The REASON texts a radiologist reads: numbers and rules. */
static void test_reasons(void **state)
{
    (void)state;
    /* 42 -> 52 mm: +23.8 % over the nadir 42 and +10 mm (the issue's
     * example). */
    const struct ccase c = {
        "reason", CRIT_RECIST, "T01:T:LIVER", {{-7, "T01=42"}, {42, "T01=52"}},
        NULL,     "PD",        "PD",          "PD",
        "N",      NULL,        NULL,          false};
    struct study s;
    fixture_build(&s, &c);
    struct crit_result r;
    crit_derive(&s, &s.subjects[0], CRIT_RECIST, &r);
    assert_string_equal(r.tp[1].reason,
                        "PD: sum 52 mm is +23.8% over nadir 42 mm and +10 mm");
    crit_result_release(&r);
    study_release(&s);
    /* EVIDENCE: SUM-UNKNOWN. A sum with a target not assessed is not
     * reported. */
    const struct ccase c3 = {"sum unknown",
                             CRIT_RECIST,
                             "T01:T:LIVER T02:T:LUNG",
                             {{-7, "T01=30 T02=30"}, {42, "T01=20 T02=ND"}},
                             NULL,
                             "NE",
                             "NE",
                             "NE",
                             "N",
                             NULL,
                             NULL,
                             false};
    fixture_build(&s, &c3);
    crit_derive(&s, &s.subjects[0], CRIT_RECIST, &r);
    assert_true(r.tp[0].sum == 60 * DIAM_SCALE);
    assert_true(r.tp[1].sum == -1);
    assert_string_equal(r.tp[1].reason, "NE: target T02 not assessed");
    crit_result_release(&r);
    study_release(&s);
    /* An unconfirmed PR. */
    const struct ccase c2 = {"reason2",     CRIT_RECIST,
                             "T01:T:LIVER", {{-7, "T01=100"}, {42, "T01=60"}},
                             NULL,          "PR",
                             "SD",          "PR",
                             "Y",           NULL,
                             NULL,          false};
    fixture_build(&s, &c2);
    crit_derive(&s, &s.subjects[0], CRIT_RECIST, &r);
    assert_string_equal(r.tp[1].reason,
                        "PR: sum 60 mm is -40.0% from baseline 100 mm (30% "
                        "decrease or more)");
    assert_string_equal(r.cbor.reason,
                        "SD: PR on 2025-02-12 (day 42, at least 42 days from "
                        "the origin); PR on 2025-02-12 (day 42) unconfirmed: "
                        "no assessment 28 or more days later");
    crit_result_release(&r);
    study_release(&s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_recist),   cmocka_unit_test(test_lesions),
        cmocka_unit_test(test_bor),      cmocka_unit_test(test_rano),
        cmocka_unit_test(test_irecist),  cmocka_unit_test(test_reasons),
        cmocka_unit_test(test_recorded),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
