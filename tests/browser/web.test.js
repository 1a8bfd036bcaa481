// The BALIST web pages in a real browser (Debian's chromium, driven by
// playwright-core): a coordinator enrols a subject through the
// eligibility checklist and records a dose; an investigator enters the
// baseline and two follow-up assessments and sees PR, then confirmed PR,
// with the reason; corrects a diameter with a reason and finds it in the
// audit view; signs, and sees the signature voided by a later change; a
// coordinator cannot sign and a monitor cannot write (the server refuses,
// the page says so); a discrepancy query appears, is answered and is
// closed. Screenshots of each page go to SHOTS.
//
//   node web.test.js URL SHOTS_DIR
"use strict";

const { chromium } = require("playwright-core");
const assert = require("node:assert/strict");
const path = require("node:path");

const [url, shots] = process.argv.slice(2);
const S = "BAL-001-0099";
let step = 0;

async function shot(page, name) {
  step++;
  await page.screenshot({ path: path.join(shots, String(step).padStart(2, "0") + "-" + name + ".png"), fullPage: true });
}

function ok(name) { console.log("ok - " + name); }

async function login(page, user, password) {
  await page.goto(url + "/login.html");
  await page.fill("#user", user);
  await page.fill("#password", password);
  await page.click("button[type=submit]");
  await page.waitForURL(url + "/");
  await page.waitForSelector("#subjects tr");
}

async function logout(page) {
  await page.click("#logout");
  await page.waitForURL(url + "/login.html");
}

// Waits until the server's calls for the date typed are shown.
async function callsFor(page, criterion) {
  const loc = page.locator("#calls p[data-call='" + criterion + "']");
  await loc.waitFor();
  return loc.innerText();
}

async function saveAssessment(page) {
  await page.waitForSelector("#save:not([disabled])");
  await Promise.all([page.waitForEvent("load"), page.click("#save")]);
  await page.waitForSelector("section.crit");
}

async function apiFromPage(page, method, p, body) {
  return page.evaluate(async ([m, q, b]) => {
    const me = await (await fetch("/api/v1/me")).json();
    const r = await fetch("/api/v1" + q, {
      method: m, headers: { "Content-Type": "application/json", "X-CSRF-Token": me.csrf },
      body: JSON.stringify(b) });
    return { status: r.status, body: await r.json() };
  }, [method, p, body]);
}

(async () => {
  const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: ["--no-sandbox"] });
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const errors = [];
  page.on("pageerror", (e) => errors.push(e.message));
  // No page may break its own Content-Security-Policy (inline styles in a
  // served SVG did).
  const csp = [];
  page.on("console", (m) => { if (/Content Security Policy/i.test(m.text())) csp.push(m.text()); });

  // ---- sign-in ----
  await page.goto(url + "/");
  await page.waitForURL(url + "/login.html");
  await page.fill("#user", "cora");
  await page.fill("#password", "wrong password");
  await page.click("button[type=submit]");
  await page.waitForSelector("#error:has-text('wrong user name or password')");
  await shot(page, "login-refused");
  ok("an anonymous visitor is sent to the login page; a wrong password is refused");

  await login(page, "cora", "coordinator pass");
  assert.match(await page.innerText("#summary"), /^40 subjects: /);
  assert.equal(await page.locator("#subjects tr").count(), 40);
  await shot(page, "subjects");
  ok("the coordinator sees the 40 subjects with status, next visit and open queries");
  // The worklist: "N with an overdue visit" is a link to those N; every
  // column sorts; filters are in the address.
  const overdueText = await page.innerText("#link-overdue");
  const nOverdue = Number(overdueText.match(/^(\d+) with an overdue visit/)[1]);
  assert.ok(nOverdue > 0, overdueText);
  await page.click("#link-overdue");
  await page.waitForURL(url + "/?overdue=1");
  await page.waitForSelector("#subjects tr");
  assert.equal(await page.locator("#subjects tr").count(), nOverdue);
  assert.equal(await page.locator("#subjects tr:has(.flag)").count(), nOverdue);
  assert.equal(await page.isChecked("#f-overdue"), true);
  assert.match(await page.innerText("#shown"), new RegExp("showing " + nOverdue + " of 40"));
  ok("\"" + overdueText + "\" links to those " + nOverdue + " subjects");
  await page.uncheck("#f-overdue");
  await page.click("#subjects-table th[data-sort=open_queries] button");
  await page.click("#subjects-table th[data-sort=open_queries] button");
  assert.equal(await page.getAttribute("#subjects-table th[data-sort=open_queries]", "aria-sort"), "descending");
  const qcol = (await page.locator("#subjects tr td:nth-child(6)").allInnerTexts()).map((x) => Number(x || 0));
  assert.deepEqual(qcol, [...qcol].sort((a, b) => b - a));
  assert.ok(qcol[0] > 0);
  assert.match(page.url(), /sort=open_queries&desc=1/);
  const statuses = await page.locator("#f-status option").allInnerTexts();
  await page.selectOption("#f-status", "follow-up");
  const st = await page.locator("#subjects tr td:nth-child(3)").allInnerTexts();
  assert.ok(st.length > 0 && st.every((x) => x === "follow-up"), statuses.join(","));
  await page.selectOption("#f-status", "");
  await page.click("#subjects-table th[data-sort=usubjid] button");
  await shot(page, "subjects-worklist");
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.screenshot({ path: path.join(shots, "readme.png") }); // the README's
  await page.setViewportSize({ width: 1280, height: 900 });
  ok("the subjects list sorts by open queries and filters by status");

  // ---- enrolment through the checklist ----
  await page.click("header nav a:has-text('Enrol')");
  await page.waitForURL(url + "/enrol.html");
  await page.fill("#usubjid", S);
  await page.fill("#age", "47");
  await page.fill("#race", "white");
  await page.fill("#consent_date", "2026-05-01");
  await page.fill("#enrolment_date", "2026-05-07");
  const answers = { consent: "yes", er_negative: "yes", pr_negative: "yes", her2_negative: "no",
    organ_function: "yes", no_steroids: "yes", prior_trop2_adc: "no", prior_pd1_vegf: "no" };
  for (const [k, v] of Object.entries(answers)) await page.selectOption("select[name=" + k + "]", v);
  await page.selectOption("select[name=ecog]", "1");
  await page.fill("input[name=brain_met_mm]", "8");
  await page.waitForSelector("#decision:has-text('not eligible')");
  const no = await page.innerText("#decision");
  assert.match(no, /IN05 HER2-positive/);
  assert.match(no, /IN06 largest brain metastasis 8\.0 mm < 10\.0 mm/);
  await shot(page, "enrol-not-eligible");
  ok("the checklist says why the patient is not eligible (HER2-positive, brain metastasis 8 mm < 10 mm)");
  await page.selectOption("select[name=her2_negative]", "yes");
  await page.fill("input[name=brain_met_mm]", "18");
  await page.waitForSelector("#decision:has-text('eligible: all 9 inclusion criteria met')");
  assert.equal(await page.innerText("#enrol-save"), "Enrol");
  await shot(page, "enrol-eligible");
  await Promise.all([page.waitForURL(/subject\.html/), page.click("#enrol-save")]);
  await page.waitForSelector("#title:has-text('" + S + "')");
  ok("an eligible patient is enrolled and the subject page opens");

  // ---- the coordinator records a dose, cannot sign, cannot enter tumours ----
  const dose = page.locator("form[data-add=ex]");
  await dose.locator("select[name=EXTRT]").selectOption("IVONESCIMAB");
  await dose.locator("input[name=VISIT]").fill("CYCLE 1 DAY 1");
  await dose.locator("input[name=EXDOSE]").fill("20");
  await dose.locator("input[name=EXSTDTC]").fill("2026-05-10");
  await Promise.all([page.waitForEvent("load"), dose.locator("button[type=submit]").click()]);
  await page.waitForSelector("details[data-domain=ex] tbody tr");
  assert.match(await page.innerText("details[data-domain=ex]"), /IVONESCIMAB\s+20\s+mg\/kg/);
  ok("the coordinator records cycle 1 of ivonescimab");
  // A dose ten times the plan is saved only when confirmed with a reason.
  const dose2 = page.locator("form[data-add=ex]");
  await dose2.locator("select[name=EXTRT]").selectOption("IVONESCIMAB");
  await dose2.locator("input[name=EXDOSE]").fill("200");
  await dose2.locator("input[name=EXSTDTC]").fill("2026-05-11");
  await dose2.locator("button[type=submit]").click();
  await page.waitForSelector("form[data-add=ex] .confirm:has-text('200 mg/kg is 1000% of the planned 20 mg/kg of Ivonescimab')");
  assert.match(await dose2.locator(".error").innerText(), /please confirm with a reason/);
  await shot(page, "dose-confirm");
  await dose2.locator("input[name=confirm-reason]").fill("loading dose per amendment 3");
  await Promise.all([page.waitForEvent("load"), dose2.locator("button[data-confirm=ex]").click()]);
  await page.waitForSelector("details[data-domain=ex] tbody tr");
  assert.match(await page.innerText("details[data-domain=ex]"), /IVONESCIMAB\s+200\s+mg\/kg/);
  ok("a dose ten times the plan asks for a confirmation, and is saved with the reason");
  // The schedule follows the doses given: the dose the next day belongs to
  // cycle 1 (as a day-8 dose would), and cycle 2 is due 21 days after
  // cycle 1's day 1; no cycle is invented after it.
  const sched = await page.innerText("#schedule tbody");
  assert.match(sched, /Cycle 1\s+2026-05-10\s.*day 2 \(2026-05-11\): IVONESCIMAB 200 mg\/kg/s);
  assert.match(sched, /Cycle 2\s+2026-05-31\s+2026-05-28 to 2026-06-03/);
  assert.equal(await page.locator("#schedule tbody tr", { hasText: "Cycle " }).count(), 2);
  ok("the schedule counts the cycles given: a dose a day after day 1 is in cycle 1, cycle 2 due from cycle 1's day 1");
  const ae = page.locator("form[data-add=ae]");
  // Nothing is pre-selected (issue 14, item 1): grade, seriousness,
  // relatedness and action are blank until chosen.
  for (const name of ["AETOXGR", "AESER", "q:AERELIVO", "q:AEACNIVO", "q:AERELADC", "q:AEACNADC"])
    assert.equal(await ae.locator("select[name='" + name + "']").inputValue(), "", name + " is pre-selected");
  const aeRows = await page.locator("details[data-domain=ae] tbody tr").count();
  await ae.locator("input[name=AETERM]").fill("Neutropenia");
  await ae.locator("input[name=AETERM]").press("Enter");
  await page.waitForTimeout(400);
  assert.equal(await page.locator("details[data-domain=ae] tbody tr").count(), aeRows);
  assert.equal(await ae.locator("input[name=AETERM]").inputValue(), "Neutropenia");
  ok("the AE form pre-selects no answer, and Enter in its term does not submit it");
  await ae.locator("button[type=submit]").click();
  await page.waitForSelector("form[data-add=ae] .field-error[data-for=AESTDTC]:has-text('Start date is required')");
  await page.waitForTimeout(300);
  assert.match(await ae.locator(".error").innerText(), /Start date is required; nothing was saved/);
  assert.equal(await page.locator("details[data-domain=ae] tbody tr").count(), aeRows);
  await shot(page, "ae-refused");
  ok("an AE without its start date is refused beside the field, and the message stays");
  await ae.locator("select[name=AETOXGR]").selectOption("3");
  await ae.locator("select[name=AESER]").selectOption("N");
  await ae.locator("select[name='q:AERELIVO']").selectOption("NOT RELATED");
  await ae.locator("select[name='q:AEACNIVO']").selectOption("DOSE NOT CHANGED");
  await ae.locator("select[name='q:AERELADC']").selectOption("RELATED");
  await ae.locator("select[name='q:AEACNADC']").selectOption("DOSE REDUCED");
  await ae.locator("input[name=AESTDTC]").fill("2026-05-20");
  await Promise.all([page.waitForEvent("load"), ae.locator("button[type=submit]").click()]);
  await page.waitForSelector("details[data-domain=ae] tbody tr");
  assert.match(await page.innerText("details[data-domain=ae]"), /Neutropenia\s+3\s+N\s+RELATED\s+MULTIPLE\s+2026-05-20/);
  assert.match(await page.innerText("details[data-domain=suppae]"), /Relationship to Sacituzumab govitecan\s+RELATED/);
  assert.match(await page.innerText("details[data-domain=suppae]"), /Action Taken with Sacituzumab govitecan\s+DOSE REDUCED/);
  ok("the coordinator records a grade 3 AE, related to sacituzumab govitecan only, its dose reduced (per-drug SUPPAE)");
  // Dates are ISO text, a partial date where SDTM allows one, kept as
  // entered (a date picker neither shows YYYY-MM-DD nor takes 2026-05).
  const ae2 = page.locator("form[data-add=ae]");
  assert.equal(await ae2.locator("input[name=AESTDTC]").getAttribute("type"), null);
  assert.equal(await ae2.locator("input[name=AESTDTC]").getAttribute("placeholder"), "YYYY-MM-DD or YYYY-MM");
  assert.equal(await page.locator("form[data-add=ex] input[name=EXSTDTC]").getAttribute("placeholder"), "YYYY-MM-DD");
  await ae2.locator("input[name=AETERM]").fill("Nausea");
  await ae2.locator("input[name=AESTDTC]").fill("05/20/2026");
  await ae2.locator("button[type=submit]").click();
  await page.waitForSelector("form[data-add=ae] .field-error[data-for=AESTDTC]:has-text(\"Start date '05/20/2026'\")");
  assert.doesNotMatch(await ae2.locator(".error").innerText(), /AESTDTC/);
  ok("a date in another format is refused beside its field, in words (Start date, not AESTDTC)");
  await ae2.locator("input[name=AETERM]").fill("Alopecia");
  await ae2.locator("select[name=AETOXGR]").selectOption("1");
  await ae2.locator("input[name=AESTDTC]").fill("2026-05");
  await Promise.all([page.waitForEvent("load"), ae2.locator("button[type=submit]").click()]);
  await page.waitForSelector("details[data-domain=ae] tbody tr");
  assert.match(await page.locator("details[data-domain=ae] tbody tr", { hasText: "Alopecia" }).innerText(), /Alopecia\s+1\s.*\s2026-05(\s|$)/s);
  ok("an AE with a partial start date (2026-05) is saved as entered, through ISO date fields");
  // Leaving a page with an unsaved entry asks first.
  await page.locator("form[data-add=cm] input[name=CMTRT]").fill("DEXAMETHASONE");
  let asked = "";
  page.once("dialog", (dlg) => { asked = dlg.type(); dlg.dismiss(); });
  await page.click("header nav a:has-text('Subjects')");
  await page.waitForTimeout(500);
  assert.equal(asked, "beforeunload");
  assert.match(page.url(), /subject\.html/);
  assert.equal(await page.locator("form[data-add=cm] input[name=CMTRT]").inputValue(), "DEXAMETHASONE");
  ok("leaving the page with an unsaved medication asks first, and the entry stays");
  page.once("dialog", (dlg) => dlg.accept());
  assert.equal(await page.isVisible("#entry"), false);
  assert.equal(await page.isVisible("#sign"), false);
  assert.match(await page.innerText("#sign-note"), /Only an investigator signs \(you are coordinator\)/);
  const refused = await apiFromPage(page, "POST", "/subjects/" + S + "/sign",
    { meaning: "I confirm", password: "coordinator pass" });
  assert.equal(refused.status, 403);
  assert.match(refused.body.error, /the coordinator role may not do this/);
  await shot(page, "subject-coordinator");
  ok("a coordinator cannot sign: the page says so and the server refuses (403)");
  await logout(page);

  // ---- the investigator enters the assessments ----
  await login(page, "alice", "investigator pass");
  await page.goto(url + "/subject.html?id=" + S);
  await page.waitForSelector("#entry:not([hidden])");
  await page.fill("#visit", "SCREENING");
  await page.fill("#date", "2026-05-05");
  await page.fill("input[aria-label='lesion 1 location']", "frontal lobe");
  await page.selectOption("select[aria-label='lesion 1 RANO-BM']", "TARGET");
  await page.selectOption("select[aria-label='lesion 1 RECIST 1.1']", "TARGET");
  await page.fill("input[aria-label='lesion 1 diameter (mm)']", "18");
  await page.click("#add-lesion");
  await page.fill("input[aria-label='lesion 2 location']", "liver");
  await page.selectOption("select[aria-label='lesion 2 RECIST 1.1']", "TARGET");
  await page.fill("input[aria-label='lesion 2 diameter (mm)']", "30");
  assert.match(await callsFor(page, "RECIST 1.1"), /baseline, sum 48\.0 mm/);
  await shot(page, "baseline-entry");
  await saveAssessment(page);
  ok("the baseline lesions are identified and measured (RECIST 1.1 sum 48 mm)");

  // The same visit again: refused, with a link to the saved one.
  await page.fill("#visit", "screening");
  await page.fill("#date", "2026-05-06");
  await page.fill("input[aria-label='T01 diameter (mm)']", "18");
  await page.waitForSelector("#entry-error:has-text('visit screening already has a saved assessment')");
  assert.equal(await page.locator("#entry-error a").getAttribute("href"), "/subject.html?id=" + S + "#visit-screening");
  assert.equal(await page.isDisabled("#save"), true);
  ok("the same visit entered again is refused, with a link to the saved one");
  // A diameter outside the plausible range asks for a confirmation; the
  // refusal stays on screen while the person corrects it.
  await page.fill("#visit", "WEEK 6");
  await page.fill("#date", "2026-06-19");
  await page.fill("input[aria-label='T01 diameter (mm)']", "9");
  await page.fill("input[aria-label='T02 diameter (mm)']", "350");
  await page.waitForSelector(".field-error[data-for='lesion:T02']:has-text('Please check: T02: 350 mm is outside the plausible range of 1 to 300 mm')");
  await page.waitForSelector("#save:not([disabled])");
  await page.click("#save");
  await page.waitForSelector("#entry-confirm:not([hidden]):has-text('T02: 350 mm is outside the plausible range')");
  assert.match(await page.innerText("#save-error"), /please confirm with a reason; nothing was saved yet/);
  await shot(page, "assessment-confirm");
  await page.fill("input[aria-label='T02 diameter (mm)']", "35");
  await page.waitForFunction(() => !document.querySelector(".field-error[data-for='lesion:T02']").textContent);
  assert.match(await page.innerText("#save-error"), /please confirm with a reason/);
  ok("a 350 mm diameter asks for a confirmation with a reason, and the message stays through the next preview");
  await page.fill("input[aria-label='T01 diameter (mm)']", "9");
  await page.fill("input[aria-label='T02 diameter (mm)']", "18");
  await page.selectOption("#neuro", "STABLE");
  await page.selectOption("#rec-rano", "SD");
  await page.waitForSelector("#calls p[data-call='RANO-BM'] .resp.PR");
  // The medication records give the steroid dose (none: 0 mg/day): shown
  // read-only with a link to them, and no steroid status is asked for.
  await page.waitForSelector("#steroid-info:not([hidden])");
  assert.match(await page.innerText("#steroid-info"), /from the medication records: 0 mg\/day dexamethasone-equivalent on 2026-06-19 \(baseline 0 mg\/day\) see the medication records/);
  assert.equal(await page.isVisible("#steroid"), false);
  ok("the corticosteroid dose comes from the medication records, shown read-only with a link to them");
  const w6 = await callsFor(page, "RANO-BM");
  assert.match(w6, /RANO-BM: PR/);
  assert.match(w6, /-50\.0% from baseline 18 mm/);
  assert.match(w6, /neurological status stable/);
  assert.match(await page.innerText("#calls"), /Will raise a query: The recorded RANO-BM response at WEEK 6 .* is SD; BALIST computes PR/);
  await shot(page, "week6-preview");
  ok("week 6 as typed: RANO-BM PR with the reason (-50.0%, steroids, neurological status), and the query to come");
  await saveAssessment(page);
  const rano = page.locator("section[data-criterion='RANO-BM']");
  assert.match(await rano.locator("tbody tr").nth(1).innerText(), /WEEK 6\s+2026-06-19.*PR/s);
  assert.match(await rano.locator(".best").innerText(), /Confirmed best response: SD .*unconfirmed/);
  ok("saved: PR at week 6, not yet confirmed (best response SD, with why)");

  await page.fill("#visit", "WEEK 12");
  await page.fill("#date", "2026-07-31");
  await page.fill("input[aria-label='T01 diameter (mm)']", "8");
  await page.fill("input[aria-label='T02 diameter (mm)']", "17");
  await page.selectOption("#neuro", "STABLE");
  await page.waitForSelector("#calls p[data-call='RANO-BM'] .resp.PR");
  assert.match(await callsFor(page, "RANO-BM"), /Best so far: PR PR confirmed: PR on 2026-06-19 \(day 43\), PR on 2026-07-31, 42 days later/);
  // The session ends mid-entry: the page offers to sign in again in place,
  // then saves what was typed.
  await page.context().clearCookies();
  await page.waitForSelector("#save:not([disabled])");
  await page.click("#save");
  await page.waitForSelector("dialog#sign-in-again[open]");
  assert.match(await page.innerText("dialog#sign-in-again"), /Your session has ended\. Sign in again as alice/);
  await shot(page, "sign-in-again");
  await page.fill("#again-password", "investigator pass");
  assert.equal(await page.locator("dialog").count(), 1);
  await Promise.all([page.waitForEvent("load"), page.click("dialog#sign-in-again button[type=submit]")]);
  await page.waitForSelector("section.crit");
  assert.match(await page.locator("section[data-criterion='RANO-BM'] tbody").innerText(), /WEEK 12\s+2026-07-31/);
  ok("a session that ended mid-entry signs in again in place, and the assessment is saved");
  for (const c of ["RANO-BM", "RECIST 1.1"])
    assert.match(await page.locator("section[data-criterion='" + c + "'] .best").innerText(),
      /Confirmed best response: PR PR confirmed: PR on 2026-06-19/);
  await shot(page, "confirmed-pr");
  ok("week 12: confirmed PR under both criteria, with the reason");

  // ---- the discrepancy query ----
  const q = page.locator("#subject-queries tbody tr.open");
  assert.equal(await q.count(), 1);
  assert.match(await q.innerText(), /automatic check.*The recorded RANO-BM response at WEEK 6 \(2026-06-19\) is SD; BALIST computes PR/s);
  ok("the recorded-versus-computed discrepancy became an automatic query");
  await q.locator("input[aria-label^='Answer']").fill("The site's SD was a transcription error; the measurements are right.");
  await Promise.all([page.waitForEvent("load"), q.locator("button:has-text('Answer')").click()]);
  await page.waitForSelector("#subject-queries tbody tr.answered");
  ok("the investigator answers the query");

  // ---- signature, then a correction with a reason voids it ----
  await page.fill("#sign-password", "investigator pass");
  await page.click("#sign button[type=submit]");
  // The answered query is not closed yet: the server lists it first.
  await page.waitForSelector("#sign-confirm:not([hidden]):has-text('answered: The recorded RANO-BM response at WEEK 6')");
  assert.match(await page.innerText("#sign-error"), /1 query is still open for BAL-001-0099: answer or close it first, or confirm that you sign with it open/);
  assert.match(page.url(), /subject\.html/);
  await shot(page, "sign-open-queries");
  await Promise.all([page.waitForEvent("load"), page.click("button[data-ack=Sign]")]);
  await page.waitForSelector("#signature-state:has-text('Signed: whole subject by alice')");
  ok("signing with a query still open lists it and asks first");
  await shot(page, "signed");
  ok("the investigator signs the subject, password entered again");

  const row = page.locator("details[data-domain=tr] tbody tr", { hasText: "WEEK 12" }).filter({ hasText: "T02" });
  await row.locator("button:has-text('Change')").click();
  const change = page.locator("tr.change");
  const offered = await change.locator("select[aria-label=field] option").allTextContents();
  assert.ok(offered.includes("TRORRES"), offered.join(","));
  for (const f of ["TRSEQ", "TRTESTCD", "TRTEST", "VISITNUM", "TRLNKID", "USUBJID"])
    assert.ok(!offered.includes(f), f + " is offered for a change");
  ok("the Change form offers the values, never the columns that name the record");
  await change.locator("input[aria-label='new value']").fill("16.5");
  await change.locator("input[aria-label='reason for the change']").fill("re-measured on PACS");
  await Promise.all([page.waitForEvent("load"), change.locator("button:has-text('Save the change')").click()]);
  await page.waitForSelector("section.crit");
  const fixed = page.locator("details[data-domain=tr] tbody tr", { hasText: "WEEK 12" }).filter({ hasText: "T02" });
  assert.match(await fixed.innerText(), /16\.5/);
  await fixed.locator("button:has-text('History')").click();
  await page.waitForSelector("#audit:not([hidden]) tbody tr");
  const hist = await page.innerText("#audit tbody");
  assert.match(hist, /alice\s+INSERT/);
  // Kept as entered (17, not 17.0: the API once rounded to 0.1 mm); the
  // standardised twins follow the collected result on the server.
  assert.match(hist, /alice\s+UPDATE\s+TRORRES\s+17\s+16\.5\s+re-measured on PACS/);
  assert.match(hist, /alice\s+UPDATE\s+TRSTRESN\s+17\s+16\.5\s+re-measured on PACS/);
  assert.match(await page.innerText("#signature-state"), /Not signed/);
  assert.match(await page.innerText("#signatures"), /voided .* by a change: re-measured on PACS/);
  await shot(page, "audit-view");
  ok("a diameter corrected with a reason is in the record's audit view, and the signature is voided");
  // ---- the casebook: the subject as a CRF reads, and prints ----
  const changedId = await fixed.getAttribute("data-record");
  await page.click("#casebook-link");
  await page.waitForURL(/casebook\.html/);
  await page.waitForSelector("#subject-audit tbody tr");
  const book = await page.innerText("#book");
  assert.match(book, /Demographics[\s\S]*BAL-001-0099\s+001\s+47 years\s+female/);
  assert.match(book, /Eligibility[\s\S]*HER2/);
  assert.match(book, /Doses by cycle[\s\S]*Cycle 1\s+2026-05-10\s+IVONESCIMAB\s+20 mg\/kg/);
  assert.match(book, /Tumour assessments[\s\S]*T01\s+frontal lobe\s+target\s+target\s+18 mm\s+9 mm\s+8 mm\s+T02\s+liver\s+target\s+30 mm\s+18 mm\s+16\.5 mm/);
  assert.match(book, /Adverse events[\s\S]*Neutropenia\s+3\s+no\s+related\s+multiple\s+2026-05-20\s+ongoing/);
  assert.doesNotMatch(await page.locator("#book table").first().innerText(), /USUBJID|AETOXGR/);
  const all = await page.locator("#subject-audit tbody tr").count();
  await page.fill("#af-record", changedId);
  await page.click("#audit-filters button[type=submit]");
  await page.waitForFunction((n) => document.querySelectorAll("#subject-audit tbody tr").length < n, all);
  const only = await page.locator("#subject-audit tbody tr").allInnerTexts();
  assert.ok(only.length >= 2 && only.every((t) => t.includes("tr " + changedId)), only.join("|"));
  assert.ok(only.some((t) => /UPDATE\s+tr \d+\s+TRORRES\s+17\s+16\.5\s+re-measured on PACS/.test(t)));
  await page.fill("#af-record", "");
  await page.fill("#af-from", "2099-01-01");
  await page.click("#audit-filters button[type=submit]");
  await page.waitForSelector("#audit-shown:has-text('0 entries')");
  await shot(page, "casebook");
  await page.emulateMedia({ media: "print" });
  assert.equal(await page.isVisible("header"), false);
  assert.equal(await page.isVisible("#audit-filters"), false);
  assert.equal(await page.isVisible("#print"), false);
  assert.equal(await page.isVisible("#book"), true);
  await page.pdf({ path: path.join(shots, "casebook.pdf") });
  await page.emulateMedia({ media: "screen" });
  ok("the casebook reads like a CRF (lesions by name and visit, SDTM names only in details), its audit trail filters by record and date, and it prints without navigation or forms");
  await page.goto(url + "/subject.html?id=" + S);
  await page.waitForSelector("section.crit");
  await logout(page);

  // ---- the monitor: read-only, closes the query ----
  await login(page, "mona", "monitor pass");
  await page.goto(url + "/subject.html?id=" + S);
  await page.waitForSelector("section.crit");
  assert.equal(await page.isVisible("#entry"), false);
  assert.equal(await page.locator("button:has-text('Change')").count(), 0);
  assert.match(await page.innerText("#role-note"), /Read-only: .* you cannot enter or change data/);
  assert.equal(await page.locator("header nav a:has-text('Enrol')").count(), 0);
  await page.fill("#sign-password", "monitor pass");
  await page.click("#sign button:has-text('Mark verified')");
  await page.waitForSelector("button[data-ack=Verify]");
  await Promise.all([page.waitForEvent("load"), page.click("button[data-ack=Verify]")]);
  await page.waitForSelector("#signature-state:has-text('Source data verified: whole subject by mona')");
  ok("the monitor marks the subject source-verified, password entered again");
  await page.fill("#sign-password", "monitor pass");
  await page.click("#lock");
  await page.waitForSelector("#sign-confirm:not([hidden])");
  assert.match(await page.innerText("#sign-confirm"), /Locking BAL-001-0099 freezes its \d+ records: no change and no new record until someone who may lock unlocks it, with a reason\./);
  await page.click("#lock-now");
  await page.waitForSelector("button[data-ack=Lock]");
  await Promise.all([page.waitForEvent("load"), page.click("button[data-ack=Lock]")]);
  await page.waitForSelector("#signature-state:has-text('Locked: whole subject by mona')");
  await shot(page, "locked");
  ok("the monitor locks the subject");
  await logout(page);
  await login(page, "alice", "investigator pass");
  await page.goto(url + "/subject.html?id=" + S);
  await page.waitForSelector("section.crit");
  const locked = await apiFromPage(page, "PUT", "/records/" + await page.locator("details[data-domain=tr] tbody tr").first().getAttribute("data-record"),
    { values: { TRORRES: "18.5" }, reason: "late correction" });
  assert.equal(locked.status, 409);
  assert.match(locked.body.error, /BAL-001-0099 is locked \(by mona, .*\): unlock it first, with a reason/);
  const lockRow = page.locator("#signatures tr[data-kind=lock]");
  await lockRow.locator("input[aria-label='reason to unlock']").fill("a late correction from the site");
  await Promise.all([page.waitForEvent("load"), lockRow.locator("button:has-text('Unlock')").click()]);
  await page.waitForSelector("#signatures tr[data-kind=lock]:has-text('unlocked')");
  assert.match(await page.innerText("#signatures"), /unlocked .* by alice: a late correction from the site/);
  ok("a locked subject refuses a change (409, the page's API says who locked it); the investigator unlocks it with a reason");
  await logout(page);
  await login(page, "mona", "monitor pass");
  await page.goto(url + "/subject.html?id=" + S);
  await page.waitForSelector("section.crit");
  const write = await apiFromPage(page, "POST", "/subjects/" + S + "/records",
    { domain: "ae", values: { AETERM: "Headache", AETOXGR: "1", AESTDTC: "2026-06-01" } });
  assert.equal(write.status, 403);
  await shot(page, "subject-monitor");
  ok("a monitor cannot write: the page says read-only and the server refuses (403)");
  // A monitor's query about one record of one visit, from the record's row.
  const w6row = page.locator("details[data-domain=tr] tbody tr", { hasText: "WEEK 6" }).filter({ hasText: "T01" });
  const w6id = await w6row.getAttribute("data-record");
  await w6row.locator("button:has-text('Query')").click();
  assert.equal(await page.inputValue("#raise-visit"), "WEEK 6");
  assert.match(await page.innerText("#raise-record"), new RegExp("about record " + w6id + " \\(Tumour measurements\\)"));
  await page.fill("#raise-text", "Please confirm T01 at week 6 on the images.");
  await Promise.all([page.waitForEvent("load"), page.click("#raise button[type=submit]")]);
  const mine = page.locator("#subject-queries tbody tr.open", { hasText: "Please confirm T01" });
  await mine.waitFor();
  assert.match(await mine.innerText(), new RegExp("WEEK 6\\s+mona, \\d{4}-\\d\\d-\\d\\d \\(today\\), record " + w6id));
  ok("the monitor raises a query on a record of week 6 from its row");
  await page.goto(url + "/queries.html");
  const mq = page.locator("#queries tr.answered", { hasText: S });
  await mq.waitFor();
  assert.match(await mq.innerText(), /answered/);
  await mq.locator("input[aria-label^='Close']").fill("Answer accepted; source verified.");
  await Promise.all([page.waitForEvent("load"), mq.locator("button:has-text('Close')").click()]);
  await page.waitForSelector("#summary");
  // The queries worklist: by kind, subject and visit, oldest first.
  await page.selectOption("#qf-kind", "manual");
  await page.fill("#qf-subject", S);
  const manual = await page.locator("#queries tr").allInnerTexts();
  assert.equal(manual.length, 1, manual.join("|"));
  assert.match(manual[0], /Please confirm T01 at week 6/);
  await page.selectOption("#qf-kind", "");
  await page.selectOption("#qf-visit", "WEEK 6");
  assert.match(page.url(), /subject=BAL-001-0099&visit=WEEK\+6/);
  assert.equal(await page.locator("#queries tr").count(), 1);
  await page.selectOption("#qf-visit", "");
  await page.fill("#qf-subject", "");
  const dates = (await page.locator("#queries tr td:nth-child(4)").allInnerTexts()).map((t) => t.match(/\d{4}-\d\d-\d\d/)[0]);
  assert.deepEqual(dates, [...dates].sort());
  ok("the queries page filters by kind, subject and visit, oldest first");
  await page.selectOption("#qf-status", "closed");
  const closed = page.locator("#queries tr", { hasText: S });
  assert.match(await closed.innerText(), /closed.*closed: Answer accepted; source verified\. \(mona\)/s);
  await shot(page, "queries");
  ok("the monitor closes the answered query");

  // ---- the dashboard ----
  await page.goto(url + "/dashboard.html");
  await page.waitForSelector("#km svg");
  for (const id of ["#km", "#km-pfs", "#km-os"]) {
    assert.equal(await page.locator(id + " svg").count(), 1, id);
    assert.equal(await page.locator(id + " svg [style]").count(), 0, id + " has inline styles");
  }
  const months = await page.locator("#enrolment svg text.month").allTextContents();
  assert.ok(months.length >= 10, months.join(","));
  for (let i = 1; i < months.length; i++) {
    const [y, m] = months[i - 1].split("-").map(Number);
    assert.equal(months[i], m === 12 ? (y + 1) + "-01" : y + "-" + String(m + 1).padStart(2, "0"));
  }
  assert.equal(await page.getAttribute("#adam-zip", "href"), "/api/v1/exports/adam.zip");
  // Each plot's glyphs are its own: no id twice in the page.
  const dupIds = await page.evaluate(() => {
    const seen = new Set(), dup = [];
    for (const e of document.querySelectorAll("[id]")) { if (seen.has(e.id)) dup.push(e.id); seen.add(e.id); }
    return dup;
  });
  assert.deepEqual(dupIds.slice(0, 5), []);
  await page.locator("#km-os").screenshot({ path: path.join(shots, "dashboard-km-os.png") });
  ok("the dashboard shows all three Kaplan-Meier plots with no inline style, every month of enrolment, and the ADaM zip");
  assert.match(await page.innerText("#cards"), /CNS ORR \(RANO-BM, confirmed\)\s+\d+\.\d%/);
  assert.ok(await page.locator("#enrolment svg rect").count() > 5);
  assert.ok(await page.locator("#safety tbody tr").count() >= 5);
  await shot(page, "dashboard");
  ok("the dashboard shows enrolment, CNS ORR with its exact CI, the KM plot and the safety overview");

  // ---- every page at a tablet's 800 px: no horizontal scrolling (wide
  // tables scroll inside their panel), dates never broken ----
  await page.setViewportSize({ width: 800, height: 1000 });
  for (const [name, where, ready] of [["subjects", "/", "#subjects tr"], ["subject", "/subject.html?id=" + S, "section.crit"],
    ["queries", "/queries.html", "#queries tr"], ["casebook", "/casebook.html?id=" + S, "#subject-audit tbody tr"], ["dashboard", "/dashboard.html", "#km svg"],
    ["enrol", "/enrol.html", "#enrol"], ["password", "/password.html", "form"]]) {
    await page.goto(url + where);
    await page.waitForSelector(ready);
    const wide = await page.evaluate(() => document.documentElement.scrollWidth);
    await page.screenshot({ path: path.join(shots, "800-" + name + ".png"), fullPage: true });
    assert.ok(wide <= 800, name + " is " + wide + " px wide at 800 px");
    // A date (YYYY-MM-DD) shown on two lines is one the browser broke.
    const broken = await page.evaluate(() => {
      const out = [];
      const walk = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
      for (let n = walk.nextNode(); n; n = walk.nextNode()) {
        for (const m of n.textContent.matchAll(/\d{4}-\d\d-\d\d/g)) {
          const r = document.createRange();
          r.setStart(n, m.index);
          r.setEnd(n, m.index + 10);
          const tops = new Set([...r.getClientRects()].filter((x) => x.width > 0).map((x) => Math.round(x.top)));
          if (tops.size > 1) out.push(m[0]);
        }
      }
      return out;
    });
    assert.deepEqual(broken.slice(0, 5), [], name + ": dates broken over two lines");
  }
  await page.setViewportSize({ width: 1280, height: 900 });
  ok("every page fits 800 px without horizontal scrolling, dates unbroken (screenshots 800-*.png)");

  // ---- the administrator: accounts only ----
  await logout(page);
  await page.fill("#user", "root");
  await page.fill("#password", "admin pass phrase");
  await Promise.all([page.waitForURL(url + "/users.html"), page.click("button[type=submit]")]);
  await page.waitForSelector("#users tr[data-user=mona]");
  await page.fill("input[aria-label='user name']", "rita");
  await page.selectOption("select[aria-label=role]", "radiologist");
  await page.fill("input[aria-label='first password']", "radiology pass");
  await Promise.all([page.waitForEvent("load"), page.click("#add-user button[type=submit]")]);
  await page.waitForSelector("#users tr[data-user=rita]");
  assert.match(await page.innerText("#users tr[data-user=rita]"), /rita\s+radiologist\s+.*active/);
  await page.goto(url + "/");
  await page.waitForURL(url + "/users.html");
  await shot(page, "accounts");
  ok("the administrator lands on the accounts page, adds a radiologist, and is kept out of the study's pages");
  // The accounts and sign-in pages at 800 px too.
  await page.setViewportSize({ width: 800, height: 1000 });
  await page.waitForSelector("#users tr[data-user=rita]");
  await page.screenshot({ path: path.join(shots, "800-accounts.png"), fullPage: true });
  assert.ok(await page.evaluate(() => document.documentElement.scrollWidth) <= 800, "accounts wider than 800 px");
  await logout(page);
  await page.screenshot({ path: path.join(shots, "800-login.png"), fullPage: true });
  assert.ok(await page.evaluate(() => document.documentElement.scrollWidth) <= 800, "login wider than 800 px");
  await page.setViewportSize({ width: 1280, height: 900 });
  ok("the accounts and sign-in pages fit 800 px too");

  assert.deepEqual(errors, [], "no script errors in the pages");
  assert.deepEqual(csp, [], "no Content-Security-Policy violations");
  ok("no script errors");
  await browser.close();
})().catch((e) => { console.error("not ok - " + (e && e.stack || e)); process.exit(1); });
