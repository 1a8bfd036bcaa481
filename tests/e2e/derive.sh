#!/bin/sh
# `balist derive` end to end: the three datasets on the demo study and the
# public studies, and a demo subject worked out by hand.
#
# Hand calculation, subject BAL-001-0003 (tr.csv, dm.csv, ds.csv):
#   origin (ENROLLED) 2024-10-04, first dose 2024-10-10, no counted steroid
#   (only an anti-emetic premedication), clinical status STABLE.
#   RANO-BM targets T01-T04 at baseline 2024-09-29: 29.6 + 29.4 + 22.6 +
#   17.9 = 99.5 mm. WEEK 6 (2024-11-22, 49 days after the origin, ADY 50):
#   20.3 + 17.2 + 13.4 + 10.1 = 61 mm, -38.5 mm = -38.69 %: PR (>= 30 %).
#   WEEK 18 (2025-02-10): 43.6 mm, -56.2 %: PR, 80 days after WEEK 6:
#   confirmed, CBORCNS PR.
#   RECIST 1.1: new lesion NEW01 (liver) EQUIVOCAL at WEEK 42, UNEQUIVOCAL
#   at WEEK 48: PD dated back to WEEK 42 (c.2).
BAL=$1
SRC=$2
DATA=$3
. "$(dirname "$0")/lib.sh"

O="$work/demo"
expect "derive the demo" 0 "wrote adsl.csv, adtr.csv, adrs.csv" "$BAL" derive "$SRC/data/demo" --out "$O"
expect "the summary lists each subject" 0 "BAL-001-0003     Y     PR" "$BAL" derive "$SRC/data/demo" --out "$O"
expect "adsl: 40 subjects and a header" 0 "41" sh -c "wc -l <'$O/adsl.csv'"
expect "adsl: analysis sets" 0 'BAL-001-0003,0003,001,63,F,OTHER,Ivonescimab + Sacituzumab govitecan,2024-10-04,2024-10-10,' cat "$O/adsl.csv"
expect "adtr: baseline CNS sum" 0 'BAL-001-0003,SDIAMCNS,Sum of Diameters of CNS Target Lesions (mm),TUMOR MEASUREMENT,INVESTIGATOR,RANO-BM,,SCREENING,2024-09-29,-5,99.5,99.5,' cat "$O/adtr.csv"
expect "adtr: week 6 change" 0 ',RANO-BM,,WEEK 6,2024-11-22,50,61,99.5,-38.5,-38.69,99.5,-38.5,-38.69,Y,6,1,,,sum of targets: T01 20.3 + T02 17.2 + T03 13.4 + T04 10.1' cat "$O/adtr.csv"
expect "adrs: week 6 CNS PR with its reason" 0 'BAL-001-0003,OVRCNS,CNS Overall Response,TUMOR RESPONSE,INVESTIGATOR,RANO-BM,WEEK 6,2024-11-22,50,PR,2,Y,1,21,1,"PR: imaging PR (CNS sum 61 mm is -38.7% from baseline 99.5 mm (30% decrease or more)' cat "$O/adrs.csv"
expect "adrs: confirmed CNS PR" 0 'BAL-001-0003,CBORCNS,CNS Best Overall Response (confirmed),TUMOR RESPONSE,INVESTIGATOR,RANO-BM,WEEK 6,2024-11-22,50,PR,2,Y,23,26,1,"PR confirmed: PR on 2024-11-22 (day 49), PR on 2025-02-10, 80 days later"' cat "$O/adrs.csv"
expect "adrs: back-dated new-lesion PD" 0 'BAL-001-0003,OVR,Overall Response,TUMOR RESPONSE,INVESTIGATOR,RECIST 1.1,WEEK 42,2025-07-30,300,PD,5,Y,51,1,6,"PD: new lesion NEW01, equivocal here, unequivocal later: PD dated to its first sighting"' cat "$O/adrs.csv"
expect "adrs: iRECIST rows" 0 'BAL-001-0003,IOVR,Overall Response,TUMOR RESPONSE,INVESTIGATOR,iRECIST,WEEK 42,2025-07-30,300,iUPD,5,Y' cat "$O/adrs.csv"
expect "adrs: CNS clinical benefit" 0 'BAL-001-0003,CCBCNS,CNS Clinical Benefit (confirmed),TUMOR RESPONSE,INVESTIGATOR,RANO-BM,,,,Y,1,Y,26,30,,Y: confirmed best response PR' cat "$O/adrs.csv"

# adtte (h.4, h.5): PFS ends at the back-dated PD of WEEK 42, 2025-07-30:
# 299 days after the origin, AVAL 300; death on 2025-11-04 (dm.csv): 396
# days, AVAL 397.
expect "adtte: PFS event at the back-dated PD" 0 'BAL-001-0003,PFS,Progression-Free Survival (days),INVESTIGATOR,RECIST 1.1,2024-10-04,2025-07-30,300,DAYS,0,Disease Progression,,ADRS,' cat "$O/adtte.csv"
expect "adtte: OS event" 0 'BAL-001-0003,OS,Overall Survival (days),,,2024-10-04,2025-11-04,397,DAYS,0,Death,,ADSL,3,3,TIME TO EVENT,DTHDT,,event: death on 2025-11-04' cat "$O/adtte.csv"

# ADaM as admiral and admiralonco write it (issue 13, item 8; docs/adam.md).
# BAL-001-0003 by hand: TRT01P and TRT01A from DM ARM and ACTARM; not
# randomised (RANDDT the enrolment date 2024-10-04); TRTDURD = 2025-09-11 - 2024-10-10 + 1 = 337 days;
# enrolled; end of treatment PROGRESSIVE DISEASE (DS, EPOCH TREATMENT), end
# of study by death (DS DEATH, EPOCH FOLLOW-UP): EOSSTT DISCONTINUED,
# DCSREAS DEATH. EVIDENCE: EOS-STATUS.
col() { awk -F, -v c="$1" -v u="$2" 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == c) k = i; next } $2 == u { print $k }' "$3"; }
expect "adsl: admiral's columns" 0 "AGEU,ETHNIC,ARMCD,ACTARMCD,ACTARM,TRT01P,TRT01A,RANDDT,TRTDURD,ENRLFL,DTHCAUS,DTHCGR1,EOSSTT,DCSREAS,REASON" head -1 "$O/adsl.csv"
expect "adsl: TRT01A" 0 "Ivonescimab + Sacituzumab govitecan" col TRT01A BAL-001-0003 "$O/adsl.csv"
expect "adsl: TRTDURD 337" 0 "337" col TRTDURD BAL-001-0003 "$O/adsl.csv"
expect "adsl: RANDDT = ENRLDT where not randomised" 0 "2024-10-04" col RANDDT BAL-001-0003 "$O/adsl.csv"
expect "adsl: EOSSTT DISCONTINUED" 0 "DISCONTINUED" col EOSSTT BAL-001-0003 "$O/adsl.csv"
expect "adsl: DCSREAS DEATH" 0 "DEATH" col DCSREAS BAL-001-0003 "$O/adsl.csv"
expect "adsl: alive, off treatment (withdrawal at the end of treatment): EOSSTT ONGOING" 0 "ONGOING" col EOSSTT BAL-001-0004 "$O/adsl.csv"
# ADRS: admiralonco's PD, LSTA, MDIS, CB and DEATH parameters, ASEQ,
# PARAMN, AVISITN. BAL-001-0003 (RECIST 1.1): first PD at WEEK 42,
# 2025-07-30 (back-dated), the last assessment considered; measurable;
# unconfirmed best response PR: clinical benefit; death on 2025-11-04.
# EVIDENCE: ADRS-ADMIRALONCO.
expect "adrs: PD" 0 'BAL-001-0003,PD,Disease Progression,TUMOR RESPONSE,INVESTIGATOR,RECIST 1.1,WEEK 42,2025-07-30,300,Y,1,Y,' cat "$O/adrs.csv"
expect "adrs: PDCNS N" 0 'BAL-001-0003,PDCNS,CNS Disease Progression,TUMOR RESPONSE,INVESTIGATOR,RANO-BM,,,,N,0,Y,' cat "$O/adrs.csv"
expect "adrs: LSTA" 0 'BAL-001-0003,LSTA,Last Disease Assessment,TUMOR RESPONSE,INVESTIGATOR,RECIST 1.1,WEEK 42,2025-07-30,300,PD,5,Y,' cat "$O/adrs.csv"
expect "adrs: MDIS" 0 'BAL-001-0003,MDIS,Measurable Disease at Baseline,TUMOR RESPONSE,INVESTIGATOR,RECIST 1.1,,,,Y,1,Y,' cat "$O/adrs.csv"
expect "adrs: CB" 0 'BAL-001-0003,CB,Clinical Benefit (unconfirmed),TUMOR RESPONSE,INVESTIGATOR,RECIST 1.1,WEEK 6,2024-11-22,50,Y,1,Y,' cat "$O/adrs.csv"
expect "adrs: DEATH" 0 'BAL-001-0003,DEATH,Death,REFERENCE EVENT,,,,2025-11-04,397,Y,1,Y,' cat "$O/adrs.csv"
expect "adrs: ASEQ 1 to n per subject, no gap" 0 "" sh -c "awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) if (\$i == \"ASEQ\") k = i; next } { sub(/\"[^\"]*\"/, \"\"); } \$2 != u { u = \$2; n = 0 } { n++; if (\$k != n) bad = 1 } END { exit bad }' '$O/adrs.csv'"
# ADTTE: SRCSEQ is the ASEQ of the ADRS record the date comes from: PFS of
# BAL-001-0003 is the OVR PD of WEEK 42, looked up here in adrs.csv.
seq=$(awk -F, '$2 == "BAL-001-0003" && $3 == "OVR" && $9 == "2025-07-30" { print $14 }' "$O/adrs.csv")
expect "adtte: PFS SRCDOM ADRS, SRCVAR ADT, SRCSEQ $seq" 0 "BAL-001-0003,PFS,Progression-Free Survival (days),INVESTIGATOR,RECIST 1.1,2024-10-04,2025-07-30,300,DAYS,0,Disease Progression,,ADRS,1,1,TIME TO EVENT,ADT,$seq," cat "$O/adtte.csv"
# ADTR. EVIDENCE: LESION-NUMBER. BAL-001-0001's T06 (liver) and T07 (a
# lymph node) are its 6th and 7th target lesions (T01-T05 in the brain):
# LDIAM6 and, a node's short axis, NLDIAM7, under RECIST 1.1 as RANO-BM
# would number them.
expect "adtr: a lesion numbered by lesion" 0 'BAL-001-0001,LDIAM6,"Longest diameter of target 6 (T06, LIVER) (mm)"' cat "$O/adtr.csv"
expect "adtr: a node's short axis is NLDIAMn" 0 'BAL-001-0001,NLDIAM7,"Short axis of target 7 (T07, LYMPH NODE) (mm)"' cat "$O/adtr.csv"
expect "adtr: the baseline is ABLFL Y, AVISITN 0" 0 ',RANO-BM,,SCREENING,2024-09-29,-5,99.5,99.5,,,,,,Y,1,0,Y,,' grep '^[^,]*,BAL-001-0003,SDIAMCNS,' "$O/adtr.csv"
# EVIDENCE: BEST-CHANGE. BAL-001-0003's CNS sums from 99.5 mm: -38.69%,
# -56.18, -55.98, -58.09 (WEEK 30), -57.09, -58.09 (WEEK 42), -57.59: the
# first of the lowest, WEEK 30, is the best change (ANL02FL Y), the bar of
# the waterfall.
expect "adtr: ANL02FL on the best change" 0 "WEEK 30,2025-05-04" sh -c "grep '^[^,]*,BAL-001-0003,SDIAMCNS,' '$O/adtr.csv' | awk -F, '\$23 == \"Y\"'"
expect "adtr: one best change per subject and sum" 0 "" sh -c "test \$(awk -F, '\$3 ~ /^SDIAM/ && \$23 == \"Y\" { print \$2, \$3 }' '$O/adtr.csv' | sort | uniq -d | wc -l) -eq 0"
# ADAE: SDTM values as coded; BAL-001-0001's first TEAE is Anaemia on
# 2024-09-20 (AOCCFL, AOCCSFL, AOCCPFL Y); Neutropenia starts on
# 2024-11-14, study day 69 from the first dose 2024-09-07 (23 + 31 + 14
# days + 1), grade 3; Anaemia came first in the same SOC, so only its
# AOCCPFL is Y. EVIDENCE: AE-FIRST-OCCURRENCE.
expect "adae: AEDECOD and AEBODSYS as coded" 0 "BAL-001-0001,1,Neutropenia,Neutropenia,Blood and lymphatic system disorders,3," cat "$O/adae.csv"
expect "adae: TRTA, ASTDY 69, AENDY 85, ATOXGR 3, first occurrence of the term only" 0 ",Y,Y,Y,Ivonescimab + Sacituzumab govitecan,69,85,3,,,Y," grep '^[^,]*,BAL-001-0001,1,' "$O/adae.csv"
expect "adae: the subject's first TEAE" 0 ",Ivonescimab + Sacituzumab govitecan,14,68,1,Y,Y,Y," grep '^[^,]*,BAL-001-0001,2,' "$O/adae.csv"
# DTHCAUS (Rule DEATH-CAUSE): a DSTERM that names the cause.
mkdir -p "$work/dth" && cp "$SRC"/data/demo/*.csv "$SRC/data/demo/protocol.json" "$work/dth/"
sed -i 's/^\(BALIST-IVO-ADC-201,DS,BAL-001-0003,[0-9]*\),DEATH,/\1,DISEASE PROGRESSION,/' "$work/dth/ds.csv"
expect "derive with a cause of death" 0 "" "$BAL" derive "$work/dth" --out "$work/dthd" --quiet
expect "adsl: DTHCAUS" 0 "DISEASE PROGRESSION" col DTHCAUS BAL-001-0003 "$work/dthd/adsl.csv"
expect "adsl: DTHCGR1" 0 "PROGRESSIVE DISEASE" col DTHCGR1 BAL-001-0003 "$work/dthd/adsl.csv"

# A cut-off before WEEK 18 leaves the WEEK 6 PR unconfirmed: CNS SD.
expect "derive with a cut-off" 0 "" "$BAL" derive "$SRC/data/demo" --out "$work/cut" --cutoff 2025-01-31 --quiet
expect "the cut-off changes the confirmed response" 0 'BAL-001-0003,CBORCNS,CNS Best Overall Response (confirmed),TUMOR RESPONSE,INVESTIGATOR,RANO-BM,WEEK 6,2024-11-22,50,SD,3,Y,5,26,1,"SD: PR on 2024-11-22 (day 49, at least 28 days from the origin); PR on 2024-11-22 (day 49) unconfirmed: no assessment 28 or more days later"' cat "$work/cut/adrs.csv"

# Bad data: nothing is written.
mkdir -p "$work/bad" && cp "$SRC"/data/demo/*.csv "$work/bad/"
sed -i '2s/,TARGET,TARGET,/,TARGT,TARGT,/' "$work/bad/tu.csv"
expect "derive refuses data with errors" 1 "nothing written" "$BAL" derive "$work/bad" --out "$work/badout"
expect "... and writes nothing" 1 "" test -e "$work/badout/adrs.csv"
expect "derive needs --out" 2 "where to? (--out DIR)" "$BAL" derive "$SRC/data/demo"

if [ -d "$DATA/pharmaverse-onco" ]; then
    expect "derive pharmaverse-onco" 0 "wrote adsl.csv, adtr.csv, adrs.csv" "$BAL" derive "$DATA/pharmaverse-onco" --out "$work/onco" --quiet
    expect "... RECIST 1.1 rows, investigator" 0 ',TUMOR RESPONSE,INVESTIGATOR,RECIST 1.1,' cat "$work/onco/adrs.csv"
    expect "derive pharmaverse-recist, independent" 0 "wrote adsl.csv" "$BAL" derive "$DATA/pharmaverse-recist" --evaluator INDEPENDENT --out "$work/rec" --quiet
    expect "... labelled INDEPENDENT ASSESSOR" 0 ',TUMOR RESPONSE,INDEPENDENT ASSESSOR,RECIST 1.1,' cat "$work/rec/adrs.csv"
    # 01-701-1118 (rs.csv, RADIOLOGIST 2, accepted): the recorded
    # responses give a confirmed best response.
    expect "derive from recorded responses" 0 "01-701-1118" "$BAL" derive "$DATA/pharmaverse-recist" --evaluator INDEPENDENT --out "$work/recd" --responses recorded
    expect "... recorded reasons name rs.csv" 0 'as recorded by the site (rs.csv line' cat "$work/recd/adrs.csv"
fi
# No valid baseline (BAL-001-0001's SCREENING scans removed): every
# post-baseline assessment still has its target responses, NE, beside its
# overall response (issue 13, item 11).
mkdir -p "$work/nobase" && cp "$SRC"/data/demo/*.csv "$SRC/data/demo/protocol.json" "$work/nobase/"
awk -F, '!($3 == "BAL-001-0001" && $19 == "SCREENING")' "$SRC/data/demo/tr.csv" >"$work/nobase/tr.csv"
expect "derive without a baseline for one subject" 0 "" "$BAL" derive "$work/nobase" --out "$work/nb" --quiet
novr=$(grep -c '^[^,]*,BAL-001-0001,OVR,' "$work/nb/adrs.csv")
expect "... it has overall responses ($novr)" 0 "" test "$novr" -gt 0
expect "... a TRGRESP row NE for each" 0 "" test "$(grep -c '^[^,]*,BAL-001-0001,TRGRESP,.*,NE,' "$work/nb/adrs.csv")" -eq "$novr"
expect "... a TRGRCNS row NE for each CNS one" 0 "" test "$(grep -c '^[^,]*,BAL-001-0001,TRGRCNS,.*,NE,' "$work/nb/adrs.csv")" -eq "$(grep -c '^[^,]*,BAL-001-0001,OVRCNS,' "$work/nb/adrs.csv")"
expect "... saying why" 0 "NE: no evaluable baseline" grep '^[^,]*,BAL-001-0001,TRGRESP,' "$work/nb/adrs.csv"
finish
