#!/bin/sh
# `balist report` end to end on the demo study: every file is written and
# valid (PNG signature, SVG root, pdfinfo page count, the XLSX is a zip
# holding the expected sheets), the PDF's text holds the key numbers of the
# efficacy table (the same numbers as tests/e2e/expected/demo-efficacy.csv,
# which were checked against R's survival and binom.test), and the title
# page's SHA-256 is the one computed here independently with sha256sum.
BAL=$1
SRC=$2
. "$(dirname "$0")/lib.sh"
demo="$SRC/data/demo"
out="$work/rep"

expect "report of the demo" 0 "report written: $out/report.pdf" "$BAL" report "$demo" --out "$out"

for f in km_pfs km_pfscns km_os waterfall_cns waterfall_recist spider_cns swimmer disposition forest; do
    expect "$f.png is a PNG" 0 "89504e470d0a1a0a" sh -c "od -An -tx1 -N8 '$out/$f.png' | tr -d ' \n'"
    expect "$f.svg is an SVG" 0 "<svg" head -c 400 "$out/$f.svg"
done

expect "report.pdf is a PDF" 0 "%PDF-" head -c 8 "$out/report.pdf"
expect "report.pdf: 10 to 20 pages" 0 "" sh -c "n=\$(pdfinfo '$out/report.pdf' | awk '/^Pages:/ {print \$2}'); echo \"pages \$n\"; [ \"\$n\" -ge 10 ] && [ \"\$n\" -le 20 ]"
expect "report.pdf: title" 0 "BALIST trial report" pdfinfo "$out/report.pdf"

pdftotext -layout "$out/report.pdf" - | tr -d '\f' >"$work/r.txt"
expect "title page: study" 0 "BALIST-IVO-ADC-201" cat "$work/r.txt"
expect "title page: cut-off" 0 "2026-09-30" cat "$work/r.txt"
expect "title page: version" 0 "BALIST 0.1.0" cat "$work/r.txt"
# The data's SHA-256: each .csv and protocol.json in byte order of name,
# its name and a NUL byte, then its content.
sha=$(cd "$demo" && for f in $(ls | grep -E '(\.csv|^protocol\.json)$' | LC_ALL=C sort); do printf '%s\0' "$f"; cat "$f"; done | sha256sum | cut -c1-64)
expect "title page: SHA-256 of the input ($sha)" 0 "$sha" cat "$work/r.txt"
expect "efficacy: CNS ORR" 0 "" grep -E "CNS ORR, CNS-evaluable +13/40 +32\.5% \(95% CI 18\.6-49\.1\)" "$work/r.txt"
expect "efficacy: CNS CBR" 0 "" grep -E "CNS CBR, CNS-evaluable +29/40 +72\.5% \(95% CI 56\.1-85\.4\)" "$work/r.txt"
expect "efficacy: ORR (RECIST 1.1)" 0 "" grep -E "ORR, RECIST-measurable +14/40 +35\.0% \(95% CI 20\.6-51\.7\)" "$work/r.txt"
expect "efficacy: median PFS" 0 "8.3 months (95% CI 4.3-9.7)" grep -A12 "^Progression-free survival" "$work/r.txt"
expect "efficacy: median CNS-PFS" 0 "7.1 months (95% CI 4.4-9.7)" grep -A12 "^CNS progression-free survival" "$work/r.txt"
expect "efficacy: median OS" 0 "15.7 months (95% CI 11.6-21.4)" grep -A12 "^Overall survival" "$work/r.txt"
expect "KM plot: median printed on the curve" 0 "Median 15.7 months (95% CI 11.6-21.4)" cat "$work/r.txt"
expect "KM plot: numbers at risk" 0 "At risk" cat "$work/r.txt"
expect "disposition: enrolled" 0 "Enrolled" cat "$work/r.txt"
expect "safety: any TEAE" 0 "Any TEAE" cat "$work/r.txt"
expect "safety: neutropenia 24 (60.0%), grade 3+ 6 (15.0%)" 0 "" grep -E "^ +NEUTROPENIA +24 \(60\.0%\) +6 \(15\.0%\)" "$work/r.txt"
expect "responders listing" 0 "Confirmed responders: onset and duration of response" cat "$work/r.txt"
# The listing has one row per confirmed responder and criterion: 13
# RANO-BM and 14 RECIST 1.1 (the efficacy table's numerators).
expect "listing: 13 RANO-BM responders" 0 "13" sh -c "grep -cE '^ *BAL-[0-9-]+ +RANO-BM +(CR|PR) ' '$work/r.txt'"
expect "listing: 14 RECIST 1.1 responders" 0 "14" sh -c "grep -cE '^ *BAL-[0-9-]+ +RECIST 1.1 +(CR|PR) ' '$work/r.txt'"

expect "tables.xlsx is a zip" 0 "504b0304" sh -c "od -An -tx1 -N4 '$out/tables.xlsx' | tr -d ' \n'"
expect "tables.xlsx: the zip is whole" 0 "No errors" unzip -t "$out/tables.xlsx"
unzip -p "$out/tables.xlsx" xl/workbook.xml >"$work/wb.xml" 2>/dev/null
for sheet in Efficacy Disposition Responders "S1 Overview of treatment-emerge" "S2 TEAEs by system organ class" "S7 Exposure" "S8 Deaths"; do
    expect "tables.xlsx: sheet '$sheet'" 0 "name=\"$sheet\"" cat "$work/wb.xml"
done
expect "tables.xlsx: 14 sheets (Protocol, Methods and Sensitivity too)" 0 "14" sh -c "grep -o '<sheet ' '$work/wb.xml' | wc -l"
for sheet in Methods Sensitivity; do
    expect "tables.xlsx: sheet '$sheet'" 0 "name=\"$sheet\"" cat "$work/wb.xml"
done
# A median and its range in cells of their own, as numbers (no t="s"):
# Ivonescimab cycles, median 9 (range 2-22), row 3 of the Exposure sheet
# (sheet 13), columns MEDIAN, MIN, MAX.
unzip -p "$out/tables.xlsx" xl/worksheets/sheet13.xml >"$work/s13.xml"
expect "tables.xlsx: the median cycles a number" 0 '<c r="J3"><v>9</v>' cat "$work/s13.xml"
expect "tables.xlsx: its range in two numbers" 0 '<c r="K3"><v>2</v></c><c r="L3"><v>22</v>' cat "$work/s13.xml"
expect "tables.xlsx: the CNS ORR row" 0 "CNS ORR" unzip -p "$out/tables.xlsx" xl/sharedStrings.xml

# From a study database: the same numbers, the same data hash.
expect "init a database" 0 "initialised" "$BAL" init "$work/t.db"
expect "import the demo" 0 "imported" "$BAL" import "$work/t.db" "$demo"
expect "report from the database" 0 "report written" "$BAL" report "$work/t.db" --out "$work/rep-db"
expect "... same SHA-256 on its title page" 0 "$sha" pdftotext "$work/rep-db/report.pdf" -
expect "... same CNS ORR" 0 "32.5% (95% CI 18.6-49.1)" pdftotext -layout "$work/rep-db/report.pdf" -

# A later cut-off is on the title page and changes nothing it should not.
expect "report with --cutoff" 0 "report written" "$BAL" report "$demo" --out "$work/rep-cut" --cutoff 2026-03-31
expect "... the cut-off on the title page" 0 "2026-03-31" pdftotext "$work/rep-cut/report.pdf" -

# Usage and data errors write nothing.
expect "no --out" 2 "where to? (--out DIR)" "$BAL" report "$demo"
expect "unknown option" 2 "unknown option '--colour'" "$BAL" report "$demo" --out "$work/x" --colour
mkdir -p "$work/bad" && cp "$demo"/*.csv "$work/bad/"
echo 'BALIST-IVO-ADC-201,AE,BAL-001-0001,99,Rash,Rash,Skin,0,N,RELATED,DOSE NOT CHANGED,RECOVERED/RESOLVED,2024-10-01,2024-10-05' >>"$work/bad/ae.csv"
expect "bad data: an error naming file, line and column" 1 "ae.csv:197:8: error: AETOXGR '0'" "$BAL" report "$work/bad" --out "$work/bad-out"
expect "... and no folder written" 0 "" sh -c "[ ! -e '$work/bad-out' ]"
# How it was made (issue 13, item 5): the protocol file's SHA-256 (by
# sha256sum here), every parameter in effect, and SOURCE_DATE_EPOCH makes a
# rerun byte-identical.
psha=$(sha256sum "$demo/protocol.json" | cut -d' ' -f1)
expect "title page: the protocol file's SHA-256" 0 "$psha" cat "$work/r.txt"
expect "protocol parameters in effect" 0 "Protocol parameters in effect" cat "$work/r.txt"
expect "... a default (missed_rule schedule)" 0 "" grep -Eq "missed_rule +schedule" "$work/r.txt"
expect "... the protocol's data_cutoff" 0 "" grep -Eq "data_cutoff +2026-09-30" "$work/r.txt"
expect "tables.xlsx: a Protocol sheet" 0 "" sh -c "unzip -p '$out/tables.xlsx' xl/workbook.xml | grep -q 'name=\"Protocol\"'"
for i in 1 2; do
    expect "report with SOURCE_DATE_EPOCH ($i)" 0 "report written" env SOURCE_DATE_EPOCH=1767139200 "$BAL" report "$demo" --cutoff 2025-12-31 --out "$work/sde$i"
done
expect "... report.pdf byte-identical on rerun" 0 "" cmp "$work/sde1/report.pdf" "$work/sde2/report.pdf"
expect "... tables.xlsx byte-identical on rerun" 0 "" cmp "$work/sde1/tables.xlsx" "$work/sde2/tables.xlsx"
expect "... dated by SOURCE_DATE_EPOCH" 0 "2025-12-31 00:00:00 UTC" sh -c "pdftotext '$work/sde1/report.pdf' -"
# At the cut-off 2025-12-31 every page counts the 35 enrolled and treated
# by then (tests/e2e/cutoff.sh counts them by hand).
pdftotext -layout "$work/sde1/report.pdf" "$work/c.txt"
expect "... efficacy: 35 treated" 0 "" grep -Eq "Treated \(all-treated, safety set\), Enrolled +35" "$work/c.txt"
expect "... safety: N = 35" 0 "Overview of treatment-emergent adverse events (N = 35)" cat "$work/c.txt"
expect "... no N=40 anywhere" 1 "" grep -Eq "N ?= ?40" "$work/c.txt"
expect "... no count out of 40 on any page (efficacy, sensitivity, subgroups, deaths)" 1 "" grep -Eq "[0-9]+/40( |$)" "$work/c.txt"
expect "... the sensitivity analyses at the cut-off too" 0 "" grep -Eq "CNS ORR, CNS-evaluable +[0-9]+/35 " "$work/c.txt"
# Item 10: the exposure table names its drug above each block, the AESI
# table has its column headers, the swimmer legend says which progression.
expect "exposure: the drug above its block" 0 "" sh -c "grep -A1 '^ *Exposure (N = ' '$work/r.txt' | tail -1 | grep -q 'Ivonescimab'"
expect "AESI: column headers" 0 "" sh -c "grep -A1 'Adverse events of special interest (N = ' '$work/r.txt' | tail -1 | grep -q 'Any grade.*Grade >= 3'"
expect "swimmer legend: which progression" 0 "first PD (RECIST 1.1 or RANO-BM)" cat "$work/r.txt"
# The swimmer plot stays readable with 200 subjects: 60 a page, each page
# saying which (item 10); the demo's 40 fit one page, with no such note.
"$BAL" simulate --subjects 200 --seed 7 --out "$work/sim200" >/dev/null 2>&1
expect "report of 200 subjects" 0 "report written" "$BAL" report "$work/sim200" --out "$work/rep200"
pdftotext -layout "$work/rep200/report.pdf" "$work/r200.txt"
for range in 1-60 61-120 121-180 181-200; do
    expect "swimmer page: subjects $range of 200" 0 "Time on treatment (subjects $range of 200)" cat "$work/r200.txt"
done
expect "the demo's swimmer on one page" 1 "" grep -q "Time on treatment (subjects" "$work/r.txt"
# Numbers as a person wrote them: no 85.40000000000001 (libxlsxwriter's 16
# digits), each in its shortest form that reads back as the same number;
# NE as the text NE (a 12-month rate past the follow-up of a 2025-06-30
# cut-off).
expect "tables.xlsx: CNS CBR's upper limit 85.4" 0 "<v>85.4</v>" sh -c "unzip -p '$out/tables.xlsx' xl/worksheets/sheet1.xml"
expect "tables.xlsx: no number with 15 or more decimals" 1 "" sh -c "unzip -p '$out/tables.xlsx' 'xl/worksheets/*.xml' | grep -Eq '<v>-?[0-9]*[.][0-9]{15,}</v>'"
expect "report at a 2025-06-30 cut-off" 0 "report written" "$BAL" report "$demo" --cutoff 2025-06-30 --out "$work/rep-630"
expect "tables.xlsx: NE as text" 0 "<t>NE</t>" unzip -p "$work/rep-630/tables.xlsx" xl/sharedStrings.xml
expect "tables.xlsx: still a whole zip" 0 "No errors" unzip -t "$work/rep-630/tables.xlsx"
# Item 5: the rules in words and the sensitivity analyses, in one run.
expect "methods: the primary endpoint in words" 0 "Primary endpoint: CNS objective response rate" cat "$work/r.txt"
expect "methods: the CBR rule" 0 "SD at an assessment 28 or more days from the" cat "$work/r.txt"
expect "methods: the censoring rules" 0 "censored at the last adequate assessment on or before its start" cat "$work/r.txt"
expect "methods: missed assessments as the protocol counts them" 0 "two or more scheduled assessments (every 42 days from the origin, +/- 7 days)" cat "$work/r.txt"
expect "sensitivity section" 0 "Sensitivity analyses (re-derived in this run)" cat "$work/r.txt"
expect "sensitivity: PFS with the other censor_after_missed" 0 "" grep -Eq "PFS events, All-treated +29/40" "$work/r.txt"
expect "sensitivity: CBR sustained" 0 "" grep -Eq "CNS CBR, CNS-evaluable +26/40 +65\.0%" "$work/r.txt"
expect "sensitivity: CNS ORR within 12 weeks" 0 "" grep -Eq "CNS ORR, CNS-evaluable +9/40 +22\.5%" "$work/r.txt"
# Item 9: the forest plot of the subgroups, iRECIST, time to response and
# deaths by cause in the report; --responses recorded; the confidence level.
expect "forest plot: its page" 0 "Hazard ratio of each level against the first level of its subgroup" cat "$work/r.txt"
expect "forest plot: steroids at baseline, HR" 0 "" grep -Eq "yes +5/18 +3\.02" "$work/r.txt"
expect "efficacy: subgroup table" 0 "PFS hazard ratio by subgroup (RECIST 1.1)" cat "$work/r.txt"
expect "efficacy: iRECIST" 0 "Best overall response, iRECIST (confirmed; exploratory)" cat "$work/r.txt"
expect "efficacy: time to response" 0 "" grep -Eq "Median, Confirmed responders \(CNS-evaluable\) +N=13 +1\.6 months \(range 1\.3-2\.9\)" "$work/r.txt"
expect "efficacy: deaths by cause" 0 "Cause: not recorded" cat "$work/r.txt"
expect "report --responses recorded" 0 "report written" "$BAL" report "$demo" --out "$work/rep-rec" --responses recorded
expect "... CNS ORR from the recorded responses" 0 "" sh -c "pdftotext -layout '$work/rep-rec/report.pdf' - | grep -Eq 'CNS ORR, CNS-evaluable +13/39 +33\.3%'"
mkdir -p "$work/ci90" && cp "$demo"/*.csv "$work/ci90/" && printf '{"confidence_level": 0.9}\n' >"$work/ci90/protocol.json"
expect "report at confidence_level 0.9" 0 "report written" "$BAL" report "$work/ci90" --out "$work/rep-90"
pdftotext -layout "$work/rep-90/report.pdf" "$work/r90.txt"
expect "... the KM plot says 90%" 0 "band: pointwise 90% CI" cat "$work/r90.txt"
expect "... the efficacy note says 90%" 0 "Proportions: exact (Clopper-Pearson) 90% CI" cat "$work/r90.txt"
expect "... CNS ORR at 90%" 0 "32.5% (90% CI 20.4-46.6)" cat "$work/r90.txt"
finish
