#!/bin/sh
# `balist endpoints` end to end. The expected file of the demo study was
# reviewed by hand and checked against R 4.2.2 with survival 3.5-3 on the
# same adtte/adrs (survfit with conf.type "log-log", summary at 6 x 30.4375
# and 12 x 30.4375 days, binom.test): every median, CI, landmark rate,
# number at risk and response rate agreed to the printed digit.
BAL=$1
SRC=$2
DATA=$3
. "$(dirname "$0")/lib.sh"

expect "endpoints of the demo, CSV" 0 "" sh -c "'$BAL' endpoints '$SRC/data/demo' --format csv > '$work/eff.csv'"
expect "... equals the reviewed file" 0 "" diff "$SRC/tests/e2e/expected/demo-efficacy.csv" "$work/eff.csv"
expect "the table names the CBR rule" 0 "CNS clinical benefit rate (RANO-BM CR, PR, or SD at an assessment 28 or more days from the origin)" "$BAL" endpoints "$SRC/data/demo"
# EVIDENCE: CNS-ORR. The numerator and denominator counted again, by awk,
# from adsl.csv (EFFFL Y) and adrs.csv (CBORCNS, the confirmed RANO-BM
# best response, CR or PR).
"$BAL" derive "$SRC/data/demo" --out "$work/dd" --quiet >/dev/null 2>&1
expect "CNS ORR counted from adsl.csv and adrs.csv: 13 of 40 CNS-evaluable" 0 "13 40" awk -F, 'FNR == 1 { delete c; for (i = 1; i <= NF; i++) c[$i] = i; next } FILENAME ~ /adsl/ { if ($c["EFFFL"] == "Y") { e[$c["USUBJID"]] = 1; n++ } next } $c["PARAMCD"] == "CBORCNS" && ($c["AVALC"] == "CR" || $c["AVALC"] == "PR") && e[$c["USUBJID"]] { r++ } END { print r, n }' "$work/dd/adsl.csv" "$work/dd/adrs.csv"
expect "the table shows CNS ORR with its exact CI" 0 "13/40   32.5% (95% CI 18.6-49.1)" "$BAL" endpoints "$SRC/data/demo"
expect "JSON" 0 '"ITEM": "CNS ORR"' "$BAL" endpoints "$SRC/data/demo" --format json
expect "JSON counts are integers" 0 '"n": 13,' "$BAL" endpoints "$SRC/data/demo" --format json
mkdir -p "$work/p" && cp "$SRC"/data/demo/*.csv "$work/p/" && printf '{"cbr_sd_rule": "sustained"}\n' >"$work/p/protocol.json"
expect "the CBR rule follows the protocol" 0 "SD held across two assessments 28 or more days apart" "$BAL" endpoints "$work/p"
expect "bad format" 2 "--format needs table, csv or json" "$BAL" endpoints "$SRC/data/demo" --format xml
# The confidence level is a protocol key (confidence_level, default 0.95).
# Exact 90% limits of 13/40 by hand (bisection on the binomial tails,
# P(X >= 13 | p) = 0.05 and P(X <= 13 | p) = 0.05): 20.4% and 46.6%;
# 29/40: 58.6% and 83.7%.
mkdir -p "$work/ci90" && cp "$SRC"/data/demo/*.csv "$work/ci90/" && printf '{"confidence_level": 0.9}\n' >"$work/ci90/protocol.json"
expect "confidence_level 0.9: CNS ORR" 0 "13/40   32.5% (90% CI 20.4-46.6)" "$BAL" endpoints "$work/ci90"
expect "confidence_level 0.9: CNS CBR" 0 "29/40   72.5% (90% CI 58.6-83.7)" "$BAL" endpoints "$work/ci90"
expect "confidence_level 0.9: the method says so" 0 "exact (Clopper-Pearson) 90% CI" "$BAL" endpoints "$work/ci90" --format csv
expect "confidence_level 0.9: the footnote says so" 0 "Proportions: exact (Clopper-Pearson) 90% CI" "$BAL" endpoints "$work/ci90"
printf '{"confidence_level": 1.5}\n' >"$work/ci90/protocol.json"
expect "confidence_level out of range" 1 "confidence_level" "$BAL" endpoints "$work/ci90"

# --responses recorded: the efficacy of the site's recorded responses (as
# derive allows). Measurable disease still comes from the baseline lesions
# (Rule RECORDED-MEASURABLE): on the demo 39 of 40 are CNS-evaluable (one,
# BAL-001-0034, has no recorded RANO-BM response at all), and the subjects
# whose recorded responses are only PD stay in the denominator (PD 9/39).
# EVIDENCE: RECORDED-MEASURABLE
expect "--responses recorded: CNS ORR" 0 "13/39   33.3% (95% CI 19.1-50.2)" "$BAL" endpoints "$SRC/data/demo" --responses recorded
expect "--responses recorded: PD stays in the denominator" 0 "PD                                                              9/39   23.1%" "$BAL" endpoints "$SRC/data/demo" --responses recorded
expect "--responses recorded: no iRECIST (not derived)" 1 "" sh -c "'$BAL' endpoints '$SRC/data/demo' --responses recorded | grep -q iRECIST"
expect "--responses needs a value" 2 "--responses needs recorded or computed" "$BAL" endpoints "$SRC/data/demo" --responses

# iRECIST (g), exploratory: the confirmed iBOR counted again from adrs.csv
# (ICBOR: iCR 1, iPR 13, iSD 15, iUPD 10, NE 1) and iPFS events from
# adtte.csv (IPFS CNSR 0: 28).
expect "iBOR distribution: iUPD" 0 '"Best overall response, iRECIST (confirmed; exploratory)",iUPD,RECIST-measurable,40,10,25.0' cat "$work/eff.csv"
expect "iBOR counted from adrs.csv" 0 "NE 1 iCR 1 iPR 13 iSD 15 iUPD 10" sh -c "awk -F, 'FNR == 1 { for (i = 1; i <= NF; i++) c[\$i] = i; next } \$c[\"PARAMCD\"] == \"ICBOR\" { n[\$c[\"AVALC\"]]++ } END { for (k in n) print k, n[k] }' '$work/dd/adrs.csv' | sort | tr '\n' ' '"
expect "iORR" 0 "iORR,RECIST-measurable,40,14,35.0,20.6,51.7" cat "$work/eff.csv"
expect "iPFS events" 0 "iRECIST progression-free survival (exploratory),Events,All-treated,40,28" cat "$work/eff.csv"

# EVIDENCE: TTR. Time to response (h.3): days from ENRLDT (adsl) to the
# start of the duration of response (adtte RSDCNS STARTDT), + 1: 39 41 44
# 44 46 49 50 50 51 86 88 89 89; median 50 days = 1.6 months, range 39-89
# = 1.3-2.9. RECIST 1.1: 14 responders, median (50 + 50) / 2 = 1.6, range
# 39-91 = 1.3-3.0. The median counted again here from the files.
expect "CNS time to response" 0 "CNS time to response (RANO-BM),Median,Confirmed responders (CNS-evaluable),13,,1.6,1.3,2.9,months,median (range)" cat "$work/eff.csv"
expect "time to response, RECIST 1.1" 0 "Time to response (RECIST 1.1),Median,Confirmed responders (RECIST-measurable),14,,1.6,1.3,3.0" cat "$work/eff.csv"
ttr=$(awk -F, 'FNR == 1 { delete c; for (i = 1; i <= NF; i++) c[$i] = i; next } FILENAME ~ /adsl/ { o[$c["USUBJID"]] = $c["ENRLDT"]; next } $c["PARAMCD"] == "RSDCNS" { print o[$c["USUBJID"]], $c["STARTDT"] }' "$work/dd/adsl.csv" "$work/dd/adtte.csv" |
    while read -r a b; do echo $((($(date -u -d "$b" +%s) - $(date -u -d "$a" +%s)) / 86400 + 1)); done | sort -n |
    awk '{ v[NR] = $1 } END { m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2; printf "%.1f %.1f %.1f", m / 30.4375, v[1] / 30.4375, v[NR] / 30.4375 }')
expect "time to response counted from adtte.csv: $ttr" 0 "1.6 months (range 1.3-2.9)" sh -c "'$BAL' endpoints '$SRC/data/demo' | grep -F 'CNS time to response' -A3 | grep -F '$(echo "$ttr" | awk '{ printf "%s months (range %s-%s)", $1, $2, $3 }')'"

# EVIDENCE: DEATH-CAUSE. Deaths by cause (section i): the demo records no
# cause (20 deaths, 20 not recorded). A copy with causes: BAL-001-0001
# DSTERM DISEASE PROGRESSION (progression), BAL-001-0002 DSTERM PNEUMONIA
# (other), BAL-001-0003 a fatal AE Sepsis (adverse event), BAL-001-0005 a
# grade 5 AE "Disease progression" (progression, by its term): 2, 1, 1 and
# 16 not recorded.
expect "deaths by cause: none recorded on the demo" 0 "Deaths by cause,Cause: not recorded,All-treated,40,20,50.0" cat "$work/eff.csv"
mkdir -p "$work/dc" && cp "$SRC"/data/demo/*.csv "$SRC"/data/demo/protocol.json "$work/dc/"
sed -i 's/^\(BALIST-IVO-ADC-201,DS,BAL-001-0001,[0-9]*\),DEATH,/\1,DISEASE PROGRESSION,/; s/^\(BALIST-IVO-ADC-201,DS,BAL-001-0002,[0-9]*\),DEATH,/\1,PNEUMONIA,/' "$work/dc/ds.csv"
echo 'BALIST-IVO-ADC-201,AE,BAL-001-0003,90,Sepsis,Sepsis,Infections and infestations,5,Y,NOT RELATED,DRUG WITHDRAWN,FATAL,2025-10-30,2025-11-04' >>"$work/dc/ae.csv"
echo 'BALIST-IVO-ADC-201,AE,BAL-001-0005,90,Disease progression,Disease progression,Neoplasms benign malignant and unspecified (incl cysts and polyps),5,Y,NOT RELATED,DRUG WITHDRAWN,FATAL,2025-06-20,2025-06-25' >>"$work/dc/ae.csv"
"$BAL" endpoints "$work/dc" --format csv >"$work/dc.csv" 2>&1
expect "deaths by cause: progression" 0 "Deaths by cause,Cause: disease progression,All-treated,40,2,5.0" cat "$work/dc.csv"
expect "deaths by cause: adverse event" 0 "Deaths by cause,Cause: adverse event,All-treated,40,1,2.5" cat "$work/dc.csv"
expect "deaths by cause: other" 0 "Deaths by cause,Cause: other,All-treated,40,1,2.5" cat "$work/dc.csv"
expect "deaths by cause: not recorded" 0 "Deaths by cause,Cause: not recorded,All-treated,40,16,40.0" cat "$work/dc.csv"
expect "deaths by cause in the safety tables" 0 "Cause: disease progression                                       2 (5.0%)" "$BAL" safety "$work/dc"
expect "check: a death with a cause is no longer queried" 0 "16" sh -c "'$BAL' check '$work/dc' 2>&1 | grep -c 'without a recorded cause'"
printf '{"death_progression_terms": ["PROGRESSIVE DISEASE"]}\n' >"$work/dc/protocol.json"
expect "death_progression_terms: DISEASE PROGRESSION no longer counts" 0 "Deaths by cause,Cause: disease progression,All-treated,40,0,0.0" "$BAL" endpoints "$work/dc" --format csv

# Subgroups (h.7): the protocol's subgroups key, default prior_therapy,
# steroid_baseline, brain_mets, age. EVIDENCE: SUBGROUP-LEVEL. The CNS ORR
# by age counted again from adsl.csv (AGE, EFFFL) and adrs.csv (CBORCNS):
# < 65 years 10/34, >= 65 years 3/6.
expect "subgroup ORR: age < 65" 0 '"CNS ORR by subgroup (RANO-BM, confirmed CR or PR)",Age: < 65 years,CNS-evaluable,34,10,29.4' cat "$work/eff.csv"
expect "subgroup ORR: age >= 65" 0 '"CNS ORR by subgroup (RANO-BM, confirmed CR or PR)",Age: >= 65 years,CNS-evaluable,6,3,50.0' cat "$work/eff.csv"
expect "subgroup ORR by age counted from adsl.csv and adrs.csv" 0 "10/34 3/6" awk -F, 'FNR == 1 { delete c; for (i = 1; i <= NF; i++) c[$i] = i; next } FILENAME ~ /adsl/ { if ($c["EFFFL"] == "Y") { a[$c["USUBJID"]] = $c["AGE"] < 65 ? "young" : "old"; n[a[$c["USUBJID"]]]++ } next } $c["PARAMCD"] == "CBORCNS" && ($c["AVALC"] == "CR" || $c["AVALC"] == "PR") && ($c["USUBJID"] in a) { r[a[$c["USUBJID"]]]++ } END { print r["young"] "/" n["young"], r["old"] "/" n["old"] }' "$work/dd/adsl.csv" "$work/dd/adrs.csv"
# EVIDENCE: SUBGROUP-HR. The first level is the reference; the others get
# a Cox hazard ratio (the Cox routine is the one checked against R's
# coxph in tests/unit, ref/cox.csv) and the log-rank p.
expect "subgroup HR: the first level is the reference" 0 "PFS hazard ratio by subgroup (RECIST 1.1),Age: < 65 years,All-treated,34,24,,,,HR,reference" cat "$work/eff.csv"
expect "subgroup HR: age >= 65, 4 events in 6, vs < 65" 0 "PFS hazard ratio by subgroup (RECIST 1.1),Age: >= 65 years,All-treated,6,4,0.57," cat "$work/eff.csv"
expect "subgroup HR: method and log-rank p" 0 "Cox (Efron ties) vs < 65 years; log-rank p = " cat "$work/eff.csv"
printf '{"subgroups": ["sex", "age"], "subgroup_age_cut": 50}\n' >"$work/p/protocol.json"
expect "subgroups from the protocol: sex" 0 "Sex: F" "$BAL" endpoints "$work/p"
expect "subgroup_age_cut 50" 0 "Age: >= 50 years" "$BAL" endpoints "$work/p"
expect "subgroups from the protocol: only those" 1 "" sh -c "'$BAL' endpoints '$work/p' | grep -q 'Corticosteroids at baseline'"
printf '{"subgroups": ["eye colour"]}\n' >"$work/p/protocol.json"
expect "an unknown subgroup is an error" 1 "'EYE COLOUR' is not a subgroup" "$BAL" endpoints "$work/p"
# EVIDENCE: PRIOR-THERAPY. Two anticancer therapies before the first dose
# (BAL-001-0001 paclitaxel twice: one therapy; BAL-001-0002 carboplatin):
# 2 subjects with 1 or more, both CNS SD (0/2), PFS 1 event of 2.
mkdir -p "$work/pt" && cp "$SRC"/data/demo/*.csv "$SRC"/data/demo/protocol.json "$work/pt/"
cat >>"$work/pt/cm.csv" <<'CM'
BALIST-IVO-ADC-201,CM,BAL-001-0001,90,PACLITAXEL,PACLITAXEL,ANTICANCER THERAPY,BREAST CANCER,80,mg/m2,QW,INTRAVENOUS,2024-03-01,2024-05-01
BALIST-IVO-ADC-201,CM,BAL-001-0001,91,PACLITAXEL,PACLITAXEL,ANTICANCER THERAPY,BREAST CANCER,80,mg/m2,QW,INTRAVENOUS,2024-05-08,2024-06-01
BALIST-IVO-ADC-201,CM,BAL-001-0002,90,CARBOPLATIN,CARBOPLATIN,ANTICANCER THERAPY,BREAST CANCER,5,AUC,Q3W,INTRAVENOUS,2024-01-01,2024-04-01
CM
expect "prior therapy: 2 subjects" 0 '"CNS ORR by subgroup (RANO-BM, confirmed CR or PR)",Prior anticancer therapy: 1 or more,CNS-evaluable,2,0,0.0' "$BAL" endpoints "$work/pt" --format csv
expect "prior therapy: the rest" 0 '"CNS ORR by subgroup (RANO-BM, confirmed CR or PR)",Prior anticancer therapy: none,CNS-evaluable,38,13,34.2' "$BAL" endpoints "$work/pt" --format csv
expect "prior therapy: PFS events" 0 'PFS hazard ratio by subgroup (RECIST 1.1),Prior anticancer therapy: 1 or more,All-treated,2,1,' "$BAL" endpoints "$work/pt" --format csv

# EVIDENCE: SENSITIVITY. The sensitivity analyses in one run equal a run
# with the protocol set to that choice: censor_after_missed false counts
# BAL-001-0029's PFS event (censored after two missed assessments, adtte
# CNSDTDSC): 29 events; cbr_sd_rule sustained; bor_window_end_day 84 keeps
# the 9 CNS responders whose first confirmed response is by day 84 (the
# days of the time-to-response list above, minus 1: 38 to 50; the others
# 85 to 88).
"$BAL" endpoints "$SRC/data/demo" --sensitivity --format csv >"$work/sens.csv" 2>&1
expect "sensitivity: the primary analysis" 0 'Primary analysis (the protocol),CNS ORR,CNS-evaluable,40,13,32.5,18.6,49.1' cat "$work/sens.csv"
expect "sensitivity: missed assessments counted" 0 'PFS events counted after two or more missed assessments (censor_after_missed false),PFS events,All-treated,40,29' cat "$work/sens.csv"
printf '{"censor_after_missed": false}\n' >"$work/p/protocol.json"
expect "... as a run with censor_after_missed false" 0 "Progression-free survival (RECIST 1.1),Events,All-treated,40,29" "$BAL" endpoints "$work/p" --format csv
expect "sensitivity: CBR sustained" 0 "CNS CBR with SD held across two assessments (cbr_sd_rule sustained),CNS CBR,CNS-evaluable,40,26,65.0,48.3,79.4" cat "$work/sens.csv"
printf '{"cbr_sd_rule": "sustained"}\n' >"$work/p/protocol.json"
expect "... as a run with cbr_sd_rule sustained" 0 "CNS CBR,CNS-evaluable,40,26,65.0,48.3,79.4" "$BAL" endpoints "$work/p" --format csv
expect "sensitivity: CNS ORR within 12 weeks" 0 "CNS ORR within 12 weeks: the first CR or PR by day 84 (bor_window_end_day 84),CNS ORR,CNS-evaluable,40,9,22.5" cat "$work/sens.csv"
printf '{"bor_window_end_day": 84}\n' >"$work/p/protocol.json"
expect "... as a run with bor_window_end_day 84" 0 "CNS ORR,CNS-evaluable,40,9,22.5" "$BAL" endpoints "$work/p" --format csv
"$BAL" endpoints "$work/p" --sensitivity --format csv >"$work/sens84.csv" 2>&1
expect "... and with the window, the other reading is without it" 0 "CNS ORR without a window of best response (bor_window_end_day null),CNS ORR,CNS-evaluable,40,13,32.5" cat "$work/sens84.csv"
# Treatment policy: BAL-001-0003 starts capecitabine on 2025-03-01, before
# its PD of 2025-07-30: censored in the primary analysis (27 events), an
# event by treatment policy (28).
mkdir -p "$work/tp" && cp "$SRC"/data/demo/*.csv "$SRC"/data/demo/protocol.json "$work/tp/"
echo 'BALIST-IVO-ADC-201,CM,BAL-001-0003,90,CAPECITABINE,CAPECITABINE,ANTICANCER THERAPY,BREAST CANCER,1000,mg,BID,ORAL,2025-03-01,' >>"$work/tp/cm.csv"
"$BAL" endpoints "$work/tp" --sensitivity --format csv >"$work/senstp.csv" 2>&1
expect "treatment policy: the primary analysis censors" 0 'Primary analysis (the protocol),PFS events,All-treated,40,27' cat "$work/senstp.csv"
expect "treatment policy: the event counts" 0 "PFS by treatment policy: events after new anticancer therapy count (new_therapy_pfs ignore),PFS events,All-treated,40,28" cat "$work/senstp.csv"
sed 's/^{/{"new_therapy_pfs": "ignore", /' "$SRC/data/demo/protocol.json" >"$work/tp/protocol.json"
expect "... as a run with new_therapy_pfs ignore" 0 "Progression-free survival (RECIST 1.1),Events,All-treated,40,28" "$BAL" endpoints "$work/tp" --format csv
# The start of the new therapy as the event (new_therapy_pfs event): each
# PFS censored for a new therapy (CNSDTDSC, counted in adtte.csv: the
# demo's radiosurgeries and capecitabine, and BAL-001-0003's) becomes an
# event: 27 + 8 = 35. BAL-001-0003's PFS ends on 2025-03-01, 148 days
# after the origin 2024-10-04 (27 + 30 + 31 + 31 + 28 + 1), AVAL 149,
# from CM.
"$BAL" derive "$work/tp" --protocol "$SRC/data/demo/protocol.json" --out "$work/tpc" --quiet >/dev/null 2>&1
nat=$(grep ',PFS,' "$work/tpc/adtte.csv" | grep -c 'New Anticancer Therapy')
expect "new therapy as an event: 27 + $nat events" 0 "PFS with a new anticancer therapy as an event (new_therapy_pfs event),PFS events,All-treated,40,$((27 + nat))," cat "$work/senstp.csv"
sed 's/^{/{"new_therapy_pfs": "event", /' "$SRC/data/demo/protocol.json" >"$work/tp/protocol.json"
expect "new therapy as an event: adtte" 0 "BAL-001-0003,PFS,Progression-Free Survival (days),INVESTIGATOR,RECIST 1.1,2024-10-04,2025-03-01,149,DAYS,0,New Anticancer Therapy,,CM,1,1,TIME TO EVENT,CMSTDTC,," sh -c "'$BAL' derive '$work/tp' --out '$work/tpd' --quiet >/dev/null 2>&1; cat '$work/tpd/adtte.csv'"

if [ -d "$DATA/pharmaverse-onco" ]; then
    expect "endpoints of pharmaverse-onco" 0 "Progression-free survival (RECIST 1.1)" "$BAL" endpoints "$DATA/pharmaverse-onco"
    expect "endpoints of pharmaverse-recist" 0 "Overall survival" "$BAL" endpoints "$DATA/pharmaverse-recist" --evaluator INDEPENDENT
fi
finish
