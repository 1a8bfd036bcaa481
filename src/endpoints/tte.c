/*
 * tte.c - time-to-event records (adtte): PFS by RECIST 1.1 and PFSCNS by
 * RANO-BM with the censoring rules of shared/spec/response-criteria.md
 * h.4 (FDA-guidance table), OS (h.5), duration of response RSD / RSDCNS for
 * confirmed responders (h.3) and iPFS by iRECIST (g). AVAL = ADT - STARTDT
 * + 1 by default (section 0, aval_plus_one). Each record says which rule
 * gave it (EVNTDESC or CNSDTDSC, and REASON).
 */
#include "balist/endpoints.h"

#include <stdio.h>
#include <string.h>

/* Rule AVAL-PLUS-ONE: a time-to-event AVAL is the event or censoring
 * date minus the start, plus 1 (the ADaM convention; aval_plus_one false:
 * the plain difference) (section 0). */
static void set_aval(const struct protocol *p, struct tte *o)
{
    o->aval = o->adt - o->start + (p->aval_plus_one ? 1 : 0);
}

static void fmt_date(int32_t d, char buf[static 11])
{
    date_format(d, buf);
}

static bool adequate(enum resp r)
{
    /* An adequate assessment has any response but NE (section 0). */
    return r == RESP_CR || r == RESP_PR || r == RESP_SD ||
           r == RESP_NONCRNONPD || r == RESP_PD || r == RESP_IUPD ||
           r == RESP_ICPD;
}

/* The last adequate assessment in tp[from .. ) dated before `before`
 * (strictly when strict, else on or before); -1 when none. */
static int last_adequate(const struct crit_result *cr, size_t from,
                         int32_t before, bool strict)
{
    int last = -1;
    for (size_t t = from; t < cr->n_tp; t++) {
        const struct tp *tp = &cr->tp[t];
        if (tp->baseline || !adequate(tp->overall))
            continue;
        if (before != DATE_NONE &&
            (strict ? tp->date >= before : tp->date > before))
            continue;
        last = (int)t;
    }
    return last;
}

/* Rule PFS-NO-BASELINE (h.4 rule 1): without a complete (evaluable)
 * baseline tumour assessment, progression-free survival is censored at the
 * origin (day 0). Returns true when it applied; why (may be NULL) says
 * why the baseline is not evaluable. */
static bool no_baseline(const struct protocol *p, const struct subject *sj,
                        bool baseline_ok, const char *why, struct tte *o)
{
    if (baseline_ok)
        return false;
    o->start = o->adt = sj->origin;
    o->cnsr = 1;
    o->cnsdtdsc = "No Baseline Assessment";
    o->srcdom = "ADSL";
    if (why)
        reason_set(o->reason, sizeof o->reason,
                   "censored at the origin: no evaluable baseline (%s) (h.4 "
                   "rule 1)",
                   why);
    else
        reason_set(o->reason, sizeof o->reason,
                   "censored at the origin: no evaluable baseline (h.4 rule "
                   "1)");
    set_aval(p, o);
    return true;
}

/*
 * The rules of h.4 from a start date: the event is the time point
 * `event_tp` (its date `event_date`, DATE_NONE when none) or death.
 * PFS-NO-BASELINE (h.4 rule 1) is no_baseline()'s, which the
 * callers ask first.
 */
static void progression(const struct study *s, const struct subject *sj,
                        const struct crit_result *cr, int32_t start,
                        size_t from, int event_tp, int32_t event_date,
                        const char *event_name, struct tte *o)
{
    const struct protocol *p = &s->proto;
    int32_t co = s->cut;
    int32_t death = sj->death; /* known at the cut-off (core/cutoff.c) */
    o->start = start;
    char d1[11], d2[11];
    /* The event: PD (or the criterion's event) or death, the earlier. */
    int32_t ev = event_date;
    bool is_death = false;
    if (death != DATE_NONE && (ev == DATE_NONE || death < ev)) {
        ev = death;
        is_death = true;
    }
    /* Rule PFS-NEW-THERAPY (h.4 rule 2): new anticancer therapy before any
     * event: censored at the last adequate assessment on or before its
     * start (day 0 if none; nat_includes_local). [CHOICE] new_therapy_pfs
     * "ignore": the treatment-policy analysis, events after the new
     * therapy count (h.4); "event": its start is the event (the FDA
     * guidance's sensitivity analysis). */
    const char *what = "";
    int32_t nat = p->new_therapy_pfs == NTPFS_IGNORE
                      ? DATE_NONE
                      : crit_new_therapy(sj, p, &what);
    if (nat != DATE_NONE && nat >= start && (ev == DATE_NONE || nat < ev) &&
        p->new_therapy_pfs == NTPFS_EVENT) {
        o->adt = nat;
        o->cnsr = 0;
        o->evntdesc = "New Anticancer Therapy";
        o->srcdom = "CM";
        fmt_date(nat, d1);
        reason_set(o->reason, sizeof o->reason,
                   "event: new anticancer therapy %s on %s before any other "
                   "event (new_therapy_pfs event)",
                   what, d1);
        set_aval(p, o);
        return;
    }
    if (nat != DATE_NONE && nat >= start && (ev == DATE_NONE || nat < ev)) {
        int la = last_adequate(cr, from, nat, false);
        o->adt = la >= 0 ? cr->tp[la].date : start;
        o->cnsr = 1;
        o->cnsdtdsc = "New Anticancer Therapy";
        o->srcdom = la >= 0 ? "ADRS" : "ADSL";
        fmt_date(nat, d1);
        fmt_date(o->adt, d2);
        reason_set(o->reason, sizeof o->reason,
                   "censored: new anticancer therapy %s on %s before any "
                   "event; last adequate assessment %s (h.4 rule 2)",
                   what, d1, la >= 0 ? d2 : "none: the start");
        set_aval(p, o);
        return;
    }
    if (ev != DATE_NONE) {
        /* Rule PFS-MISSED (h.4 rule 3): the event after two or more
         * missed scheduled assessments is censored at the last adequate
         * assessment before it (day 0 if none; missed_rule,
         * censor_after_missed). A scheduled assessment k x interval is
         * missed when its whole window lies between the last adequate
         * assessment and the event: it opens after that assessment
         * (k x interval - window > ref_day; a scan done early in its
         * window is that assessment, not a miss) and closes before the
         * event (k x interval + window < event_day). On schedule this is
         * the gap rule: event_day - ref_day > 2 x interval + window. */
        int la = last_adequate(cr, from, ev, true);
        int32_t ref = la >= 0 ? cr->tp[la].date : start;
        int32_t ref_day = days_from_origin(ref, sj->origin);
        int32_t ev_day = days_from_origin(ev, sj->origin);
        int I = p->assessment_interval_days, W = p->assessment_window_days;
        int missed = 0;
        if (p->missed_rule == MISSED_GAP) {
            missed = ev_day - ref_day > 2 * I + W ? 2 : 0;
        } else {
            for (int k = 1; (long)k * I + W < ev_day; k++)
                if ((long)k * I - W > ref_day)
                    missed++;
        }
        if (missed >= 2 && p->censor_after_missed) {
            o->adt = ref;
            o->cnsr = 1;
            o->cnsdtdsc = "Two or More Missed Assessments";
            o->srcdom = la >= 0 ? "ADRS" : "ADSL";
            fmt_date(ev, d1);
            fmt_date(ref, d2);
            reason_set(o->reason, sizeof o->reason,
                       "censored: %s on %s (day %d) came after %s missed "
                       "scheduled assessments since %s (day %d) (h.4 rule "
                       "3, missed_rule %s)",
                       is_death ? "death" : event_name, d1, ev_day,
                       p->missed_rule == MISSED_GAP ? "two or more" : "two", d2,
                       ref_day,
                       p->missed_rule == MISSED_GAP ? "gap" : "schedule");
            set_aval(p, o);
            return;
        }
        o->adt = ev;
        o->cnsr = 0;
        fmt_date(ev, d1);
        if (is_death) {
            /* Rule PFS-DEATH (h.4 rule 5): death without prior
             * progression is an event on the date of death. */
            o->evntdesc = "Death";
            o->srcdom = "ADSL";
            reason_set(o->reason, sizeof o->reason,
                       "event: death on %s without prior %s (h.4 rule 5)", d1,
                       event_name);
        } else {
            /* Rule PFS-PD (h.4 rule 4): documented progression is an
             * event on the date of the assessment showing it (the earliest
             * sighting of a new lesion, for new-lesion PD). */
            o->evntdesc = "Disease Progression";
            o->srcdom = "ADRS";
            reason_set(o->reason, sizeof o->reason, "event: %s on %s: %s",
                       event_name, d1, cr->tp[event_tp].reason);
        }
        set_aval(p, o);
        return;
    }
    /* Rule PFS-NO-EVENT (h.4 rule 6): no event by the cut-off: censored at
     * the last adequate assessment on or before it (day 0 if none). */
    int la = last_adequate(cr, from, DATE_NONE, false);
    o->cnsr = 1;
    if (la >= 0) {
        o->adt = cr->tp[la].date;
        o->cnsdtdsc = "Last Tumor Assessment";
        o->srcdom = "ADRS";
        fmt_date(o->adt, d1);
        reason_set(o->reason, sizeof o->reason,
                   "censored: no %s or death%s; last adequate assessment on "
                   "%s (h.4 rule 6)",
                   event_name, co != DATE_NONE ? " by the cut-off" : "", d1);
    } else {
        o->adt = start;
        o->cnsdtdsc = "Enrolment";
        o->srcdom = "ADSL";
        reason_set(o->reason, sizeof o->reason,
                   "censored at the start: no adequate post-baseline "
                   "assessment and no death (h.4 rule 6)");
    }
    set_aval(p, o);
}

static int first_pd(const struct crit_result *cr, int32_t *date)
{
    for (size_t t = 1; t < cr->n_tp; t++) {
        if (cr->tp[t].baseline || cr->tp[t].overall != RESP_PD)
            continue;
        *date =
            cr->tp[t].pd_date != DATE_NONE ? cr->tp[t].pd_date : cr->tp[t].date;
        return (int)t;
    }
    *date = DATE_NONE;
    return -1;
}

void tte_pfs(const struct study *s, const struct subject *sj,
             const struct crit_result *cr, struct tte *o)
{
    memset(o, 0, sizeof *o);
    bool cns = cr->crit == CRIT_RANOBM;
    o->present = sj->origin != DATE_NONE;
    o->paramcd = cns ? "PFSCNS" : "PFS";
    o->param = cns ? "CNS Progression-Free Survival (days)"
                   : "Progression-Free Survival (days)";
    o->criterion = criterion_name(cr->crit);
    if (!o->present)
        return;
    if (no_baseline(&s->proto, sj, cr->baseline_ok, cr->baseline_why, o))
        return;
    int32_t pd;
    int t = first_pd(cr, &pd);
    progression(s, sj, cr, sj->origin, 1, t, pd,
                cns ? "RANO-BM progression" : "RECIST 1.1 progression", o);
}

void tte_os(const struct study *s, const struct subject *sj, struct tte *o)
{
    const struct protocol *p = &s->proto;
    memset(o, 0, sizeof *o);
    o->paramcd = "OS";
    o->param = "Overall Survival (days)";
    o->criterion = "";
    o->present = sj->origin != DATE_NONE;
    if (!o->present)
        return;
    o->start = sj->origin;
    int32_t co = s->cut;
    char d[11];
    /* Rule OS: death from any cause is the event (h.5); else censored at
     * the last date known alive, on or before the cut-off (the cut-off
     * itself when a later record shows the subject alive: core/cutoff.c). */
    if (sj->death != DATE_NONE) {
        o->adt = sj->death;
        o->cnsr = 0;
        o->evntdesc = "Death";
        o->srcdom = "ADSL";
        fmt_date(o->adt, d);
        reason_set(o->reason, sizeof o->reason, "event: death on %s%s", d,
                   sj->death_imputed ? " (day imputed)" : "");
    } else {
        int32_t la = sj->last_alive;
        o->adt = la != DATE_NONE && la >= sj->origin ? la : sj->origin;
        o->cnsr = 1;
        o->cnsdtdsc = "Last Known Alive";
        o->srcdom = "ADSL";
        fmt_date(o->adt, d);
        if (sj->alive_at_cut != DATE_NONE && o->adt == sj->alive_at_cut)
            reason_set(o->reason, sizeof o->reason,
                       "censored at the cut-off %s: records after it show the "
                       "subject alive on that day (h.5)",
                       d);
        else
            reason_set(o->reason, sizeof o->reason,
                       "censored: alive, last known alive on %s (all "
                       "domains%s)",
                       d, co != DATE_NONE ? ", by the cut-off" : "");
    }
    set_aval(p, o);
}

void tte_dor(const struct study *s, const struct subject *sj,
             const struct crit_result *cr, struct tte *o)
{
    memset(o, 0, sizeof *o);
    bool cns = cr->crit == CRIT_RANOBM;
    o->paramcd = cns ? "RSDCNS" : "RSD";
    o->param =
        cns ? "CNS Duration of Response (days)" : "Duration of Response (days)";
    o->criterion = criterion_name(cr->crit);
    /* Rule DOR: confirmed responders only, from the first CR/PR that was
     * subsequently confirmed, to progression or death (h.3). */
    if (cr->cbor.resp != RESP_CR && cr->cbor.resp != RESP_PR)
        return;
    int first = -1;
    for (size_t i = 1; i < cr->n_considered && first < 0; i++) {
        enum resp ri = cr->tp[i].overall;
        if (ri != RESP_CR && ri != RESP_PR)
            continue;
        for (size_t j = i + 1; j < cr->n_considered; j++)
            if (crit_confirms(cr, &s->proto, i, j)) {
                first = (int)i;
                break;
            }
    }
    if (first < 0)
        first = cr->cbor.tp;
    o->present = true;
    int32_t pd;
    int t = first_pd(cr, &pd);
    if (t >= 0 && t < first) {
        t = -1;
        pd = DATE_NONE;
    }
    progression(s, sj, cr, cr->tp[first].date, (size_t)first, t, pd,
                cns ? "RANO-BM progression" : "RECIST 1.1 progression", o);
}

void tte_ipfs(const struct study *s, const struct subject *sj,
              const struct crit_result *ir, struct tte *o)
{
    const struct protocol *p = &s->proto;
    memset(o, 0, sizeof *o);
    o->paramcd = "IPFS";
    o->param = "iRECIST Progression-Free Survival (days)";
    o->criterion = "iRECIST";
    o->present = sj->origin != DATE_NONE;
    if (!o->present)
        return;
    if (no_baseline(p, sj, ir->baseline_ok, NULL, o))
        return;
    /* The event is the iUPD later confirmed as iCPD, dated to the iUPD;
     * an iUPD never confirmed is an event too by default
     * (ipfs_unconfirmed_iupd); one reset by shrinkage is not (g). */
    int ev = -1;
    for (size_t t = 1; t < ir->n_tp && ev < 0; t++) {
        if (ir->tp[t].overall != RESP_IUPD)
            continue;
        enum { PENDING, CONFIRMED, RESET } st = PENDING;
        size_t u;
        for (u = t + 1; u < ir->n_tp && st == PENDING; u++) {
            enum resp r = ir->tp[u].overall;
            if (r == RESP_ICPD)
                st = CONFIRMED;
            else if (r != RESP_IUPD && r != RESP_NE)
                st = RESET;
        }
        if (st == CONFIRMED ||
            (st == PENDING && p->ipfs_unconfirmed_iupd == IPFS_EVENT))
            ev = (int)t;
        if (st == RESET)
            t = u - 1; /* a later iUPD is a fresh one */
        else if (st == PENDING)
            break;
    }
    int32_t d = ev >= 0 ? ir->tp[ev].date : DATE_NONE;
    progression(s, sj, ir, sj->origin, 1, ev, d, "iUPD", o);
}
