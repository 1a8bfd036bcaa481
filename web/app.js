// BALIST web pages: plain JavaScript, no build step. Every decision is
// the server's (eligibility, response calls, queries, who may do what);
// the page shows what /api/v1 answers, and says so when it refuses.
"use strict";

let csrf = "";
let role = "";
let me = "";

// The entries of this page not saved yet, by form: leaving the page
// asks first while there are any.
const dirty = new Set();
window.addEventListener("beforeunload", (ev) => {
  if (!dirty.size) return;
  ev.preventDefault();
  ev.returnValue = "";
});

async function api(method, path, body) {
  const send = async () => {
    const opt = { method, headers: {}, credentials: "same-origin" };
    if (body !== undefined) {
      opt.headers["Content-Type"] = "application/json";
      opt.body = JSON.stringify(body);
    }
    if (method !== "GET" && csrf) opt.headers["X-CSRF-Token"] = csrf;
    const r = await fetch("/api/v1" + path, opt);
    let data = {};
    try { data = await r.json(); } catch (e) { data = { error: "no answer" }; }
    return { status: r.status, data };
  };
  const r = await send();
  // A session that ended mid-entry: sign in again here, then the same
  // request is sent again; nothing typed on the page is lost.
  if (r.status === 401 && me && path !== "/login" && path !== "/logout" && (await signInAgain()))
    return send();
  return r;
}

// A dialog over the page: the same user signs in again (a new session
// and CSRF token); false when they cancel. Requests refused meanwhile
// (a preview and a save) wait for the one dialog.
let signingIn = null;
function signInAgain() {
  if (!signingIn) signingIn = signInDialog().finally(() => { signingIn = null; });
  return signingIn;
}
function signInDialog() {
  return new Promise((done) => {
    const pw = el("input", { type: "password", id: "again-password", autocomplete: "current-password", "aria-label": "password" });
    const msg = el("p", { class: "error", role: "alert" });
    const ok = el("button", { type: "submit" }, "Sign in and continue");
    const cancel = el("button", { type: "button", class: "light" }, "Cancel");
    const form = el("form", { method: "dialog" },
      el("p", {}, "Your session has ended. Sign in again as " + me + " to save what you entered; nothing on this page is lost."),
      el("label", { for: "again-password" }, "Password"), pw, " ", ok, " ", cancel, msg);
    const dlg = el("dialog", { id: "sign-in-again" }, form);
    document.body.append(dlg);
    const close = (v) => { dlg.close(); dlg.remove(); done(v); };
    cancel.addEventListener("click", () => close(false));
    form.addEventListener("submit", async (ev) => {
      ev.preventDefault();
      const r = await fetch("/api/v1/login", { method: "POST", credentials: "same-origin",
        headers: { "Content-Type": "application/json" }, body: JSON.stringify({ user: me, password: pw.value }) });
      let data = {};
      try { data = await r.json(); } catch (e) { data = {}; }
      pw.value = "";
      if (r.status === 200) { csrf = data.csrf; close(true); }
      else msg.textContent = data.error || "the sign-in was refused";
    });
    dlg.showModal();
    pw.focus();
  });
}

// A text with each date (YYYY-MM-DD) in a span that never breaks over
// two lines.
function withDates(text) {
  const parts = text.split(/(\d{4}-\d\d-\d\d)/);
  if (parts.length === 1) return text;
  const f = document.createDocumentFragment();
  parts.forEach((p, i) => {
    if (i % 2) { const s = document.createElement("span"); s.className = "date"; s.textContent = p; f.append(s); }
    else if (p) f.append(p);
  });
  return f;
}

function el(tag, attrs, ...kids) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v);
  for (const k of kids) if (k !== null && k !== undefined) e.append(typeof k === "string" && tag !== "option" ? withDates(k) : k);
  return e;
}

function resp(call, why) {
  const cell = el("td");
  cell.append(el("span", { class: "resp " + call }, call));
  if (why) cell.append(el("div", { class: "why" }, why));
  return cell;
}

// The server's refusal, in words (problems with file, line and column).
function why(r) {
  let t = r.data.error || ("error " + r.status);
  // The loader's messages name SDTM columns; when the server has put them
  // beside their fields in words, those are shown instead.
  if (r.data.problems && !r.data.fields) t += ": " + r.data.problems.map((x) => x.message).join("; ");
  return t;
}

// What this role may do and who may do each thing: the server's one
// permission table (GET /me), so that no role is written here. The page
// shows or hides; the server refuses anyway.
let may = new Set();
let perms = {};
const can = (action) => may.has(action);
// "an investigator", "a radiologist or an investigator".
const who = (action) => (perms[action] || []).map((r) => (/^[aeiou]/.test(r) ? "an " : "a ") + r).join(" or ");

async function loginPage() {
  const form = document.getElementById("login");
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const r = await api("POST", "/login", {
      user: form.user.value, password: form.password.value });
    if (r.status === 200) location.href = r.data.may.includes("read") ? "/" : "/users.html";
    else document.getElementById("error").textContent = r.data.error;
  });
}

// The header of every signed-in page: the places this role may go, who
// is signed in, their password and sign-out.
function header() {
  const top = document.getElementById("top");
  const links = !can("read") ? [["/users.html", "Accounts"]]
    : [["/", "Subjects"], ...(can("enrol") ? [["/enrol.html", "Enrol"]] : []),
      ["/queries.html", "Queries"], ["/dashboard.html", "Dashboard"]];
  const logout = el("button", { class: "plain", id: "logout", type: "button" }, "Sign out");
  logout.addEventListener("click", async () => {
    await api("POST", "/logout");
    location.href = "/login.html";
  });
  top.append(el("h1", {}, el("a", { href: links[0][0], class: "home" }, "BALIST")),
    el("nav", {}, ...links.map(([href, text]) => el("a", { href }, text))),
    el("span", { class: "who" }, el("span", { id: "who" }, me + " (" + role + ") ",
      el("a", { href: "/password.html", class: "pwlink" }, "password")), logout));
}

// Signs the page in (or sends to the login page); false when it left.
async function signedIn() {
  const m = await api("GET", "/me");
  if (m.status === 401) { location.href = "/login.html"; return false; }
  csrf = m.data.csrf;
  role = m.data.role;
  me = m.data.user;
  may = new Set(m.data.may);
  perms = m.data.permissions;
  header();
  // An administrator manages accounts and does not see the study.
  if (!can("read") && !["users", "password"].includes(document.body.dataset.page)) {
    location.href = "/users.html";
    return false;
  }
  return true;
}

async function usersPage() {
  if (!(await signedIn())) return;
  const r = await api("GET", "/users");
  if (r.status !== 200) { fail(r); return; }
  const tb = document.getElementById("users");
  for (const u of r.data.users) {
    const act = el("td", {});
    if (!u.disabled && u.name !== me) {
      const b = el("button", { type: "button", class: "light" }, "Disable");
      b.addEventListener("click", async () => {
        const x = await api("POST", "/users/" + encodeURIComponent(u.name) + "/disable");
        if (x.status === 200) location.reload();
        else document.getElementById("error").textContent = why(x);
      });
      act.append(b);
    }
    tb.append(el("tr", { "data-user": u.name, class: u.disabled ? "excluded" : "" }, el("td", {}, u.name),
      el("td", {}, u.role), el("td", {}, u.created.replace("T", " ").slice(0, 19)),
      el("td", {}, u.disabled ? "disabled" : "active"), act));
  }
  const f = document.getElementById("add-user");
  f.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const e = f.elements;
    const x = await api("POST", "/users", { name: e.namedItem("name").value,
      role: e.namedItem("role").value, password: e.namedItem("password").value });
    e.namedItem("password").value = "";
    if (x.status === 201) location.reload();
    else document.getElementById("add-error").textContent = why(x);
  });
}

function fail(r) {
  const s = document.getElementById("summary");
  if (s) s.textContent = "";
  document.getElementById("error").textContent = why(r);
}

function subjectLink(id) {
  return el("a", { href: "/subject.html?id=" + encodeURIComponent(id) }, id);
}

// The subjects worklist: filters (status, site, overdue visit, open
// queries) and the sort order live in the address, so that a summary's
// "6 with an overdue visit" is a link to those six.
async function subjectsPage() {
  if (!(await signedIn())) return;
  const r = await api("GET", "/subjects");
  if (r.status !== 200) { fail(r); return; }
  const all = r.data.subjects;
  const body = document.getElementById("subjects");
  const q = new URLSearchParams(location.search);
  const form = document.getElementById("filters");
  const fill = (id, values) => {
    const sel = document.getElementById(id);
    for (const v of [...new Set(values)].filter((x) => x).sort()) sel.append(el("option", { value: v }, v));
  };
  fill("f-status", all.map((s) => s.status));
  fill("f-site", all.map((s) => s.site));
  document.getElementById("f-status").value = q.get("status") || "";
  document.getElementById("f-site").value = q.get("site") || "";
  document.getElementById("f-overdue").checked = q.get("overdue") === "1";
  document.getElementById("f-queries").checked = q.get("queries") === "1";
  let sort = q.get("sort") || "usubjid", desc = q.get("desc") === "1";
  const RANK = { CR: 0, PR: 1, SD: 2, "NON-CR/NON-PD": 3, PD: 4, NE: 5 };
  const key = (s) => sort === "open_queries" ? s.open_queries
    : sort === "cbor" || sort === "cbor_cns" ? (RANK[s[sort]] ?? 9) : (s[sort] || "\uffff");
  const draw = () => {
    const st = document.getElementById("f-status").value, site = document.getElementById("f-site").value;
    const od = document.getElementById("f-overdue").checked, oq = document.getElementById("f-queries").checked;
    const rows = all.filter((s) => (!st || s.status === st) && (!site || s.site === site) &&
      (!od || s.overdue) && (!oq || s.open_queries > 0));
    rows.sort((a, b) => { const x = key(a), y = key(b); return (x < y ? -1 : x > y ? 1 : 0) * (desc ? -1 : 1); });
    body.textContent = "";
    for (const s of rows) {
      const due = el("td", { class: "date" }, s.next_due ? s.next_due + " (" + s.next_kind + ")" : "");
      if (s.overdue) due.append(" ", el("span", { class: "flag" }, "overdue"));
      body.append(el("tr", { "data-subject": s.usubjid },
        el("td", {}, subjectLink(s.usubjid)), el("td", {}, s.site), el("td", {}, s.status),
        el("td", { class: "date" }, s.first_dose), due,
        el("td", { class: "num" }, s.open_queries ? String(s.open_queries) : ""),
        resp(s.cbor_cns, s.reason_cns), resp(s.cbor, s.reason)));
    }
    document.getElementById("shown").textContent = rows.length === all.length ? "" : "showing " + rows.length + " of " + all.length;
    for (const th of document.querySelectorAll("#subjects-table th[data-sort]")) {
      th.setAttribute("aria-sort", th.dataset.sort === sort ? (desc ? "descending" : "ascending") : "none");
    }
    const p = new URLSearchParams();
    if (st) p.set("status", st);
    if (site) p.set("site", site);
    if (od) p.set("overdue", "1");
    if (oq) p.set("queries", "1");
    if (sort !== "usubjid") p.set("sort", sort);
    if (desc) p.set("desc", "1");
    history.replaceState(null, "", "/" + (p.toString() ? "?" + p : ""));
  };
  form.addEventListener("change", draw);
  form.addEventListener("submit", (ev) => ev.preventDefault());
  for (const th of document.querySelectorAll("#subjects-table th[data-sort]")) {
    const b = el("button", { type: "button", class: "sort" }, th.textContent);
    th.replaceChildren(b);
    b.addEventListener("click", () => {
      if (sort === th.dataset.sort) desc = !desc; else { sort = th.dataset.sort; desc = false; }
      draw();
    });
  }
  draw();
  const counts = {};
  let open = 0, withQ = 0, overdue = 0;
  for (const s of all) {
    counts[s.status] = (counts[s.status] || 0) + 1;
    open += s.open_queries;
    withQ += s.open_queries ? 1 : 0;
    overdue += s.overdue ? 1 : 0;
  }
  const sum = document.getElementById("summary");
  sum.textContent = all.length + " subjects: " + Object.entries(counts).map(([k, v]) => v + " " + k).join(", ") + "; ";
  sum.append(el("a", { href: "/?queries=1", id: "link-queries" }, open + " open queries (" + withQ + " subjects)"), "; ",
    el("a", { href: "/?overdue=1", id: "link-overdue" }, overdue + " with an overdue visit"), ".");
}

// ---- enrolment ----

function enrolPage() {
  signedIn().then((ok) => {
    if (!ok) return;
    const form = document.getElementById("enrol");
    for (const s of form.querySelectorAll("select[data-kind=yn]"))
      for (const [v, t] of [["", ""], ["yes", "yes"], ["no", "no"]]) s.append(el("option", { value: v }, t));
    for (const s of form.querySelectorAll("select[data-kind=ecog]")) {
      s.append(el("option", { value: "" }, ""));
      for (let i = 0; i <= 4; i++) s.append(el("option", { value: String(i) }, String(i)));
    }
    const save = document.getElementById("enrol-save");
    const err = document.getElementById("enrol-error");
    if (!can("enrol")) {
      err.textContent = "The " + role + " role may not enrol subjects (" + who("enrol") + " does).";
      return;
    }
    const body = (preview) => {
      const f = form.elements;
      const yn = (n) => f[n].value === "" ? null : f[n].value === "yes";
      const num = (n) => f[n].value === "" ? null : Number(f[n].value);
      return {
        preview, usubjid: f.usubjid.value.trim(), siteid: f.siteid.value, sex: f.sex.value,
        race: f.race.value.toUpperCase(), age: num("age"),
        consent_date: f.consent_date.value, enrolment_date: f.enrolment_date.value,
        checklist: {
          consent: yn("consent"), er_negative: yn("er_negative"), pr_negative: yn("pr_negative"),
          her2_negative: yn("her2_negative"), brain_met_mm: num("brain_met_mm"), ecog: num("ecog"),
          organ_function: yn("organ_function"), no_steroids: yn("no_steroids"),
          steroid_stable_days: num("steroid_stable_days"),
          prior_trop2_adc: yn("prior_trop2_adc"), prior_pd1_vegf: yn("prior_pd1_vegf"),
        },
      };
    };
    let timer = null;
    const decide = async () => {
      const b = body(true);
      err.textContent = "";
      if (!b.usubjid) { save.disabled = true; return; }
      const r = await api("POST", "/subjects", b);
      if (r.status !== 200) { err.textContent = why(r); save.disabled = true; return; }
      const e = r.data.eligibility;
      for (const it of e.items) {
        const row = form.querySelector("tr[data-item=" + it.code + "]");
        if (!row) continue;
        row.lastElementChild.textContent = !it.answered ? "" : it.met ? "met" : "not met: " + it.why;
        row.className = !it.answered ? "" : it.met ? "ok" : "bad";
      }
      const d = document.getElementById("decision");
      d.textContent = e.reason;
      d.className = "decision " + (e.eligible ? "ok" : e.complete ? "bad" : "");
      save.disabled = !e.complete;
      save.textContent = e.eligible ? "Enrol" : "Record the screen failure";
    };
    form.addEventListener("input", () => { clearTimeout(timer); timer = setTimeout(decide, 200); });
    form.addEventListener("change", () => { clearTimeout(timer); timer = setTimeout(decide, 200); });
    form.addEventListener("submit", async (ev) => {
      ev.preventDefault();
      save.disabled = true;
      const r = await api("POST", "/subjects", body(false));
      if (r.status === 201) location.href = "/subject.html?id=" + encodeURIComponent(r.data.usubjid);
      else { err.textContent = why(r); save.disabled = false; }
    });
  });
}

// ---- one subject ----

function mm(v) { return v === null ? "" : v.toFixed(1); }

async function subjectPage() {
  if (!(await signedIn())) return;
  const id = new URLSearchParams(location.search).get("id") || "";
  const r = await api("GET", "/subjects/" + encodeURIComponent(id));
  if (r.status !== 200) { fail(r); return; }
  const d = r.data;
  document.getElementById("title").textContent = d.usubjid;
  document.getElementById("title").append(" ", el("a", { href: "/casebook.html?id=" + encodeURIComponent(d.usubjid), class: "casebook-link", id: "casebook-link" }, "casebook"));
  document.getElementById("summary").textContent =
    d.status + "; first dose " + (d.first_dose || "none") +
    "; CNS-evaluable: " + (d.efffl ? "yes" : "no") + ".";
  const box = document.getElementById("criteria");
  for (const c of d.criteria) {
    const sec = el("section", { class: "crit", "data-criterion": c.criterion });
    sec.append(el("h3", {}, c.criterion));
    const best = el("p", { class: "best" });
    best.append("Confirmed best response: ", el("span", { class: "resp " + c.cbor }, c.cbor),
      " ", el("span", { class: "why" }, c.cbor_reason));
    sec.append(best);
    if (!c.baseline_ok) sec.append(el("p", { class: "why" }, "No valid baseline: " + c.baseline_why));
    const t = el("table", {});
    t.append(el("thead", {}, el("tr", {}, el("th", {}, "Visit"), el("th", {}, "Date"),
      el("th", {}, "Day"), el("th", {}, "Sum (mm)"), el("th", {}, "Nadir (mm)"),
      el("th", {}, "Target"), el("th", {}, "Non-target"), el("th", {}, "New lesion"),
      el("th", {}, "Overall"))));
    const tb = el("tbody", {});
    for (const p of c.timepoints) {
      tb.append(el("tr", { class: p.baseline || p.counts_for_best_response ? "" : "excluded" },
        el("td", {}, p.visit), el("td", {}, p.date), el("td", { class: "num" }, String(p.day)),
        el("td", { class: "num" }, mm(p.sum_mm)), el("td", { class: "num" }, mm(p.nadir_mm)),
        el("td", {}, p.baseline ? "" : p.target), el("td", {}, p.baseline ? "" : p.nontarget),
        el("td", {}, p.baseline ? "" : p.new_lesion),
        p.baseline ? el("td", {}, "baseline") : resp(p.overall, p.reason)));
    }
    t.append(tb);
    sec.append(t);
    box.append(sec);
  }
  const can = {
    investigator: "You enter and change all data, answer queries and sign.",
    coordinator: "You enter enrolment, dosing, adverse events and medication, and answer queries; tumour assessments are the radiologist's, signatures the investigator's.",
    radiologist: "You enter and change tumour assessments and answer queries.",
    monitor: "Read-only: you review the data, raise queries and close them; you cannot enter or change data.",
    statistician: "Read-only: you review the data.",
  };
  document.getElementById("role-note").textContent = can[role] || "";
  entryForm(d);
  schedule(d);
  records(d);
  queries(d);
  signatures(d);
}

// The assessment form: the subject's lesions carried from baseline (or,
// with none yet, the baseline lesions to identify), the RANO-BM inputs
// and the site's own calls; the server's calls as you type, then Save.
// What the server says may still be entered for the subject: nothing of
// dosing or imaging for a screen failure, nothing dated after a death or
// leaving the study.
function entryNote(d, what) {
  if (!d.entry || (!d.entry.closed && !d.entry.until)) return null;
  return el("p", { class: "why entry-closed" }, d.entry.closed
    ? "No " + what + " can be recorded: " + d.entry.why + "."
    : "Only a " + what + " dated on or before " + d.entry.until + " can be recorded: " + d.entry.why + ".");
}

function entryForm(d) {
  if (!can("assess")) return;
  const note = entryNote(d, "tumour assessment");
  if (note) document.getElementById("entry").before(note);
  if (d.entry && d.entry.closed) return;
  const sec = document.getElementById("entry");
  sec.hidden = false;
  const body = sec.querySelector("tbody");
  const fields = [];
  const idents = [];
  for (const s of sec.querySelectorAll("select[data-resp]"))
    for (const v of ["", "CR", "PR", "SD", "NON-CR/NON-PD", "PD", "NE"]) s.append(el("option", { value: v }, v || "not recorded"));
  const known = d.lesions.filter((l) => l.rano !== "NEW" && l.recist !== "NEW");
  for (const l of known) {
    const target = l.rano === "TARGET" || l.recist === "TARGET";
    let input;
    if (target) {
      input = el("input", { type: "text", inputmode: "decimal", "data-lesion": l.id, "aria-label": l.id + " diameter (mm)" });
    } else {
      input = el("select", { "data-lesion": l.id, "aria-label": l.id + " state" },
        el("option", { value: "" }, ""), el("option", { value: "PRESENT" }, "present"),
        el("option", { value: "ABSENT" }, "absent"),
        el("option", { value: "UNEQUIVOCAL PROGRESSION" }, "unequivocal progression"));
    }
    fields.push({ id: l.id, target, input });
    body.append(el("tr", {}, el("td", {}, l.id), el("td", {}, l.location + (l.nodal ? " (lymph node)" : "")),
      el("td", {}, l.rano), el("td", {}, l.recist),
      el("td", {}, input, el("span", { class: "field-error", "data-for": "lesion:" + l.id }))));
  }
  if (!known.length) {
    // Baseline: the lesions are identified here.
    document.getElementById("add-lesion-row").hidden = false;
    document.getElementById("new-lesion-row").hidden = true;
    const cls = (name) => el("select", { "aria-label": name },
      el("option", { value: "" }, "-"), el("option", { value: "TARGET" }, "target"),
      el("option", { value: "NON-TARGET" }, "non-target"));
    const add = () => {
      const n = idents.length + 1;
      const row = {
        id: el("input", { value: "T" + String(n).padStart(2, "0"), "aria-label": "lesion " + n + " id", class: "short" }),
        loc: el("input", { placeholder: "FRONTAL LOBE", "aria-label": "lesion " + n + " location" }),
        rano: cls("lesion " + n + " RANO-BM"), recist: cls("lesion " + n + " RECIST 1.1"),
        diam: el("input", { type: "text", inputmode: "decimal", "aria-label": "lesion " + n + " diameter (mm)" }),
        msg: el("span", { class: "field-error" }),
      };
      idents.push(row);
      body.append(el("tr", {}, el("td", {}, row.id), el("td", {}, row.loc), el("td", {}, row.rano),
        el("td", {}, row.recist), el("td", {}, row.diam, row.msg)));
    };
    document.getElementById("add-lesion").addEventListener("click", add);
    add();
  }
  const val = (i) => document.getElementById(i).value;
  const proposal = () => {
    const p = {
      visit: val("visit"), date: val("date"),
      lesions: fields.filter((f) => f.input.value !== "").map((f) => f.target
        ? { id: f.id, diameter_mm: f.input.value.trim() }
        : { id: f.id, state: f.input.value }),
      recorded: {},
    };
    if (idents.length) {
      const used = idents.filter((x) => x.id.value && (x.rano.value || x.recist.value));
      p.identify = used.map((x) => ({ id: x.id.value, location: x.loc.value.toUpperCase(),
        rano: x.rano.value, recist: x.recist.value }));
      for (const x of used) {
        if (x.diam.value !== "") p.lesions.push({ id: x.id.value, diameter_mm: x.diam.value.trim() });
        else p.lesions.push({ id: x.id.value, state: "PRESENT" });
      }
    }
    if (val("new-state")) p.new_lesions = [{ id: val("new-id") || "N01", location: val("new-loc").toUpperCase(), state: val("new-state") }];
    if (val("neuro")) p.neuro_status = val("neuro");
    if (val("steroid")) p.steroid_status = val("steroid");
    if (val("rec-rano")) p.recorded["RANO-BM"] = val("rec-rano");
    if (val("rec-recist")) p.recorded["RECIST 1.1"] = val("rec-recist");
    return p;
  };
  const calls = document.getElementById("calls");
  const save = document.getElementById("save");
  const err = document.getElementById("entry-error");
  // A refused save stays on screen until the person saves again: a new
  // preview does not clear it.
  const saveErr = document.getElementById("save-error");
  const confirmBox = document.getElementById("entry-confirm");
  let timer = null;
  // The server's entry checks (endpoints/entry.c) beside their fields: a
  // lesion's row ("lesion:T01"), the scan date, the list of lesions.
  const showChecks = (list) => {
    for (const x of idents) x.msg.setAttribute("data-for", "lesion:" + x.id.value);
    for (const s of sec.querySelectorAll(".field-error")) s.textContent = "";
    for (const c of list) {
      const s = sec.querySelector('.field-error[data-for="' + (c.field || "identify") + '"]') ||
        sec.querySelector('.field-error[data-for="identify"]');
      s.textContent = (s.textContent ? s.textContent + " " : "") +
        (c.severity === "confirm" ? "Please check: " : "") + c.text;
      s.classList.toggle("warn", c.severity === "confirm");
    }
  };
  const preview = async () => {
    const p = proposal();
    err.textContent = "";
    save.disabled = true;
    if (!p.visit || !p.date || (!p.lesions.length && !p.new_lesions)) {
      calls.textContent = "";
      save.title = "Enter the visit, the scan date and at least one lesion first";
      return;
    }
    const r = await api("POST", "/subjects/" + encodeURIComponent(d.usubjid) + "/preview", p);
    calls.textContent = "";
    if (r.status !== 200) {
      err.textContent = why(r);
      if (r.data && r.data.existing)
        err.append(" ", el("a", { href: r.data.existing.href }, "Open the saved " + r.data.existing.visit));
      save.title = "The server refuses this assessment: see the message below";
      return;
    }
    showChecks(r.data.checks || []);
    // One source for the corticosteroid dose: the medication records when
    // they give it (read-only here, with a link to them), else this entry.
    const st = r.data.steroid || {};
    const stSel = document.getElementById("steroid"), stInfo = document.getElementById("steroid-info");
    stSel.hidden = !!st.from_medication;
    stInfo.hidden = !st.from_medication;
    if (st.from_medication) {
      stSel.value = "";
      stInfo.replaceChildren("from the medication records: " + st.mg_per_day + " mg/day dexamethasone-equivalent on " + p.date +
        (st.baseline_mg_per_day === null || st.baseline_mg_per_day === undefined ? "" : " (baseline " + st.baseline_mg_per_day + " mg/day)") + " ",
        el("a", { href: "#records", "data-open": "cm" }, "see the medication records"));
      stInfo.querySelector("a").addEventListener("click", () => {
        const det = document.querySelector("details[data-domain=cm]");
        if (det) det.open = true;
      });
    }
    const refused = (r.data.checks || []).filter((c) => c.severity !== "confirm");
    if (refused.length) {
      save.title = "Correct what is marked beside the fields first";
    }
    for (const c of r.data.criteria) {
      const tp = c.timepoints.find((t) => t.date === p.date);
      const line = el("p", { "data-call": c.criterion });
      if (!tp) {
        line.append(c.criterion + ": not counted (", el("span", { class: "why" }, "no time point on this date: after the data cut-off, or before the baseline"), ")");
      } else if (tp.baseline) {
        line.append(c.criterion + ": baseline, sum " + mm(tp.sum_mm) + " mm");
      } else {
        line.append(c.criterion + ": ", el("span", { class: "resp " + tp.overall }, tp.overall), " ",
          el("span", { class: "why" }, tp.reason));
      }
      line.append(el("br"), "Best so far: ", el("span", { class: "resp " + c.cbor }, c.cbor), " ",
        el("span", { class: "why" }, c.cbor_reason));
      calls.append(line);
    }
    for (const f of r.data.findings) calls.append(el("p", { class: "finding" }, "Will raise a query: " + f));
    save.disabled = refused.length > 0;
    if (!refused.length) save.title = "";
  };
  sec.addEventListener("input", (ev) => {
    if (ev.target.closest && ev.target.closest("#entry-confirm")) return;
    dirty.add("assessment");
    clearTimeout(timer); timer = setTimeout(preview, 250);
  });
  sec.addEventListener("change", (ev) => {
    if (ev.target.closest && ev.target.closest("#entry-confirm")) return;
    clearTimeout(timer); timer = setTimeout(preview, 250);
  });
  const send = async (reason) => {
    save.disabled = true;
    saveErr.textContent = "";
    const body = proposal();
    if (reason) body.confirm = { reason };
    const r = await api("POST", "/subjects/" + encodeURIComponent(d.usubjid) + "/assessments", body);
    if (r.status === 201) { dirty.delete("assessment"); location.reload(); return; }
    save.disabled = false;
    saveErr.textContent = why(r);
    if (r.data && r.data.existing)
      saveErr.append(" ", el("a", { href: r.data.existing.href }, "Open the saved " + r.data.existing.visit));
    if (r.data && r.data.fields)
      showChecks(Object.entries(r.data.fields).map(([field, text]) => ({ field, text, severity: "refuse" })));
    if (r.status === 409 && r.data && r.data.confirm) {
      const reasonIn = el("input", { name: "confirm-reason", "aria-label": "reason for confirming" });
      const ok = el("button", { type: "button", "data-confirm": "assessment" }, "Confirm and save");
      confirmBox.replaceChildren(...r.data.confirm.map((x) => el("p", {}, x.text)),
        el("label", {}, "Reason", reasonIn), ok);
      confirmBox.hidden = false;
      ok.addEventListener("click", () => {
        if (!reasonIn.value.trim()) { saveErr.textContent = "Give the reason for confirming these values."; return; }
        send(reasonIn.value.trim());
      });
    }
  };
  save.addEventListener("click", () => send(null));
}

function schedule(d) {
  const tb = document.querySelector("#schedule tbody");
  for (const v of d.schedule) {
    const state = v.done ? (v.late ? "done, late" : v.early ? "done, early" : "done") : v.overdue ? "overdue" : "due";
    const done = el("td", {}, v.done);
    const day = (d) => 1 + Math.round((Date.parse(d) - Date.parse(v.done)) / 86400000);
    for (const x of v.doses || [])
      done.append(el("div", { class: x.reduced ? "finding" : "why" },
        (x.date !== v.done ? "day " + day(x.date) + " (" + x.date + "): " : "") +
        x.drug + " " + (x.dose === null ? "?" : x.dose) + " " + x.unit +
        (x.reduced ? " (reduced from " + x.planned + ")" : "") + (x.adjustment ? ": " + x.adjustment : "")));
    tb.append(el("tr", { class: v.overdue ? "bad" : "" },
      el("td", {}, (v.kind === "dosing" ? "Cycle " : "Imaging ") + v.number),
      el("td", {}, v.due), el("td", {}, v.from + " to " + v.to), done,
      el("td", {}, v.overdue ? el("span", { class: "flag" }, state) : state)));
  }
}

// The records of the subject, by domain: each row can show its history
// and, for a role that enters that domain, have a value changed with a
// reason.
const DOMAINS = [
  ["tr", "Tumour measurements", ["VISIT", "TRDTC", "TRLNKID", "TRTESTCD", "TRORRES", "TRORRESU", "TRSTAT"], "write_imaging"],
  ["rs", "Recorded responses and RANO-BM inputs", ["VISIT", "RSDTC", "RSCAT", "RSTESTCD", "RSORRES"], "write_imaging"],
  ["ex", "Dosing", ["VISIT", "EXTRT", "EXDOSE", "EXDOSU", "EXADJ", "EXSTDTC"], "write_site"],
  ["ae", "Adverse events", ["AESEQ", "AETERM", "AETOXGR", "AESER", "AEREL", "AEACN", "AESTDTC", "AEENDTC"], "write_site"],
  ["suppae", "Adverse events: per drug", ["IDVARVAL", "QLABEL", "QVAL"], "write_site"],
  ["cm", "Medication", ["CMTRT", "CMDOSE", "CMDOSU", "CMDOSFRQ", "CMSTDTC", "CMENDTC"], "write_site"],
  ["ds", "Disposition", ["DSDECOD", "DSTERM", "DSSTDTC"], "write_site"],
  ["ie", "Eligibility answers", ["IETESTCD", "IETEST", "IEORRES"], "write_site"],
  ["tu", "Lesions", ["VISIT", "TULNKID", "TUORRES", "TULOC", "TUCAT"], "write_imaging"],
];

function records(d) {
  const box = document.getElementById("records");
  for (const [dom, title, cols, action] of DOMAINS) {
    const rows = d.records[dom];
    if (!rows || !rows.length) continue;
    const det = el("details", { "data-domain": dom });
    if (["tr", "ex", "ae", "suppae"].includes(dom)) det.open = true;
    det.append(el("summary", {}, title + " (" + rows.length + ")"));
    const t = el("table", {});
    t.append(el("thead", {}, el("tr", {}, ...cols.map((c) => el("th", {}, c)), el("th", {}, ""))));
    const tb = el("tbody", {});
    for (const row of rows) {
      const tr = el("tr", { "data-record": String(row.id) }, ...cols.map((c) => el("td", {}, row.values[c] || "")));
      const act = el("td", { class: "actions" });
      const hist = el("button", { type: "button", class: "light" }, "History");
      hist.addEventListener("click", () => audit(row.id, title));
      act.append(hist);
      if (can("query_raise")) {
        const qb = el("button", { type: "button", class: "light", "data-query-record": String(row.id) }, "Query");
        qb.addEventListener("click", () => {
          const f = document.getElementById("raise");
          f.dataset.record = String(row.id);
          document.getElementById("raise-record").textContent = "about record " + row.id + " (" + title + ")";
          if (row.values.VISIT) document.getElementById("raise-visit").value = row.values.VISIT;
          f.scrollIntoView();
          document.getElementById("raise-text").focus();
        });
        act.append(" ", qb);
      }
      if (can(action)) {
        const edit = el("button", { type: "button", class: "light" }, "Change");
        edit.addEventListener("click", () => changeForm(tr, row, cols, d.fixed_fields));
        act.append(" ", edit);
      }
      tr.append(act);
      tb.append(tr);
    }
    t.append(tb);
    det.append(t);
    box.append(det);
  }
  addForms(d);
}

function changeForm(tr, row, cols, fixedFields) {
  if (tr.nextSibling && tr.nextSibling.classList && tr.nextSibling.classList.contains("change")) return;
  // Only what a person may change: the record's values, never the columns
  // that name it (the server's list, fixed_fields; it refuses them too).
  const ff = fixedFields || { columns: [], suffixes: [] };
  const fixed = { test: (k) => ff.columns.includes(k) || ff.suffixes.some((t) => k.length === 2 + t.length && k.endsWith(t)) };
  const names = [...cols.filter((k) => k in row.values), ...Object.keys(row.values).filter((k) => !cols.includes(k))];
  const field = el("select", { "aria-label": "field" }, ...names
    .filter((k) => !fixed.test(k)).map((k) => el("option", { value: k }, k)));
  const value = el("input", { "aria-label": "new value" });
  const reason = el("input", { "aria-label": "reason for the change", placeholder: "reason (required)" });
  const go = el("button", { type: "button" }, "Save the change");
  const err = el("span", { class: "error" });
  const sync = () => { value.value = row.values[field.value] || ""; };
  if (cols.includes("TRORRES")) field.value = "TRORRES";
  sync();
  field.addEventListener("change", sync);
  for (const i of [value, reason]) i.addEventListener("input", () => dirty.add("change-" + row.id));
  go.addEventListener("click", async () => {
    const f = field.value;
    // The server carries a collected result's standardised twins along
    // (TRSTRESC, TRSTRESN, TRSTRESU), in the change's one transaction.
    const r = await api("PUT", "/records/" + row.id, { values: { [f]: value.value }, reason: reason.value });
    if (r.status === 200) { dirty.delete("change-" + row.id); location.reload(); }
    else err.textContent = why(r);
  });
  const cell = el("td", { colspan: String(cols.length + 1) }, "Change ", field, " to ", value, " because ", reason, " ", go, " ", err);
  tr.after(el("tr", { class: "change" }, cell));
}

async function audit(id, title) {
  const r = await api("GET", "/records/" + id + "/audit");
  const box = document.getElementById("audit");
  box.hidden = false;
  document.getElementById("audit-title").textContent = "History of record " + id + " (" + title + ")";
  const tb = box.querySelector("tbody");
  tb.textContent = "";
  if (r.status !== 200) { tb.append(el("tr", {}, el("td", { colspan: "7" }, why(r)))); return; }
  for (const a of r.data.audit)
    tb.append(el("tr", {}, el("td", {}, a.ts.replace("T", " ").slice(0, 19)), el("td", {}, a.user),
      el("td", {}, a.action), el("td", {}, a.field || ""),
      el("td", {}, a.action === "INSERT" ? "" : a.old || ""),
      el("td", {}, a.action === "INSERT" ? "first entry" : a.new || ""), el("td", {}, a.reason || "")));
  box.scrollIntoView();
}

// Dosing and adverse events, for the roles that enter them.
function addForms(d) {
  if (!can("write_site")) return;
  const box = document.getElementById("add-forms");
  // Nothing is pre-selected: a clinical answer (grade, seriousness,
  // relatedness, action) is what the person chose, or blank; a list of
  // one (the protocol's unit) is that one. Enter never submits a form of
  // several fields. The server checks each record (endpoints/entry.c):
  // a refusal is shown beside its field and stays until the person acts;
  // a value it questions is saved only when confirmed with a reason.
  const form = (dom, title, inputs) => {
    // novalidate: the server's message beside the field, in words, rather
    // than the browser's bubble.
    const f = el("form", { class: "add", "data-add": dom, novalidate: "" });
    f.append(el("h4", {}, title));
    const row = el("div", { class: "row wrap" });
    for (const [name, label, attrs] of inputs) {
      let input;
      if (attrs && attrs.options) {
        const opts = attrs.options.map((o) => el("option", { value: o }, o));
        if (attrs.options.length > 1) opts.unshift(el("option", { value: "" }, "-"));
        input = el("select", { name, "aria-label": label }, ...opts);
      } else if (attrs && attrs.date) {
        // Dates as ISO text, like the rest of the application: a partial
        // date (2025-03) where SDTM allows one, kept as entered.
        input = el("input", { name, "aria-label": label, class: "date", inputmode: "numeric", autocomplete: "off",
          maxlength: "10", placeholder: attrs.date === "partial" ? "YYYY-MM-DD or YYYY-MM" : "YYYY-MM-DD",
          pattern: attrs.date === "partial" ? "[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?" : "[0-9]{4}-[0-9]{2}-[0-9]{2}" });
      } else input = el("input", Object.assign({ name, "aria-label": label, placeholder: label }, attrs || {}));
      row.append(el("label", {}, label, input, el("span", { class: "field-error", "data-for": name })));
    }
    const confirmBox = el("div", { class: "confirm", hidden: "" });
    f.append(row, confirmBox, el("button", { type: "submit" }, "Add"), el("span", { class: "error" }));
    f.addEventListener("keydown", (ev) => {
      if (ev.key === "Enter" && ev.target.tagName === "INPUT") ev.preventDefault();
    });
    f.addEventListener("input", () => dirty.add("add-" + dom));
    const send = async (reason) => {
      const values = {}, qualifiers = {};
      for (const i of row.querySelectorAll("input,select")) {
        if (i.value === "") continue;
        if (i.name.startsWith("q:")) qualifiers[i.name.slice(2)] = i.value;
        else values[i.name] = i.value;
      }
      const q = Object.entries(qualifiers);
      // An AE's AEREL and AEACN follow from the per-drug qualifiers on the
      // server (sdtm_ae_summary).
      const body = { domain: dom, values };
      if (q.length) body.qualifiers = qualifiers;
      if (reason) body.confirm = { reason };
      for (const s of f.querySelectorAll(".field-error")) s.textContent = "";
      const r = await api("POST", "/subjects/" + encodeURIComponent(d.usubjid) + "/records", body);
      if (r.status === 201) { dirty.delete("add-" + dom); location.reload(); return; }
      if (r.data && r.data.fields)
        for (const [k, t] of Object.entries(r.data.fields)) {
          const s = f.querySelector('.field-error[data-for="' + k + '"]');
          if (s) s.textContent = t;
        }
      if (r.status === 409 && r.data && r.data.confirm) {
        confirmBox.replaceChildren(...r.data.confirm.map((x) => el("p", {}, x.text)),
          el("label", {}, "Reason", el("input", { name: "confirm-reason", "aria-label": "reason for confirming" })),
          el("button", { type: "button", "data-confirm": dom }, "Confirm and save"));
        confirmBox.hidden = false;
        confirmBox.querySelector("button").addEventListener("click", () =>
          send(confirmBox.querySelector("input").value));
      }
      f.querySelector(".error").textContent = why(r);
    };
    f.addEventListener("submit", (ev) => { ev.preventDefault(); send(null); });
    if (dom === "ex") {
      const note = entryNote(d, "dose");
      if (note) box.append(note);
      if (d.entry && d.entry.closed) return;
    }
    box.append(f);
  };
  const drugs = d.drugs.length ? d.drugs : [{ name: "IVONESCIMAB", label: "Ivonescimab" }];
  form("ex", "Add a dose", [["EXTRT", "Drug", { options: drugs.map((x) => x.name) }],
    ["VISIT", "Visit", { placeholder: "CYCLE 2 DAY 1" }], ["EXDOSE", "Dose", { type: "number", step: "any" }],
    ["EXDOSU", "Unit", { options: ["mg/kg"] }], ["EXADJ", "Reduction or delay: reason", {}],
    ["EXSTDTC", "Date", { date: "full" }]]);
  // Relatedness and action per study drug are SUPPAE qualifiers (the
  // protocol's rel_qnam, acn_qnam); the server sums them up in AEREL and
  // AEACN.
  const ACN = ["DOSE NOT CHANGED", "DOSE REDUCED", "DRUG INTERRUPTED", "DRUG WITHDRAWN", "NOT APPLICABLE"];
  const perDrug = [];
  for (const x of drugs) {
    if (x.rel_qnam) perDrug.push(["q:" + x.rel_qnam, "Related to " + x.label, { options: ["NOT RELATED", "RELATED"] }]);
    if (x.acn_qnam) perDrug.push(["q:" + x.acn_qnam, "Action with " + x.label, { options: ACN }]);
  }
  form("ae", "Add an adverse event", [["AETERM", "Term", {}], ["AETOXGR", "CTCAE grade", { options: ["1", "2", "3", "4", "5"] }],
    ["AESER", "Serious", { options: ["N", "Y"] }], ...perDrug,
    ["AESTDTC", "Start", { date: "partial" }], ["AEENDTC", "End", { date: "partial" }]]);
  // Corticosteroids here give RANO-BM its dexamethasone-equivalent dose
  // (data-format.md "Corticosteroid dose").
  form("cm", "Add a medication (corticosteroids count for RANO-BM)", [
    ["CMTRT", "Medication", { placeholder: "DEXAMETHASONE" }], ["CMDOSE", "Dose", { type: "number", step: "any" }],
    ["CMDOSU", "Unit", { options: ["mg"] }], ["CMDOSFRQ", "Frequency", { options: ["QD", "BID", "TID", "QID", "PRN"] }],
    ["CMROUTE", "Route", { options: ["ORAL", "INTRAVENOUS"] }], ["CMINDC", "Indication", { placeholder: "CEREBRAL OEDEMA" }],
    ["CMSTDTC", "Start", { date: "partial" }], ["CMENDTC", "End", { date: "partial" }]]);
}

// "3 days", from a raised time to now.
function ageDays(ts) {
  const d = Math.floor((Date.now() - Date.parse(ts)) / 86400000);
  return d <= 0 ? "today" : d === 1 ? "1 day" : d + " days";
}

function queryRow(q, withSubject) {
  const tr = el("tr", { "data-query": String(q.id), class: q.status });
  tr.append(el("td", {}, String(q.id)));
  if (withSubject) tr.append(el("td", {}, subjectLink(q.usubjid)));
  tr.append(el("td", {}, q.visit || ""),
    el("td", {}, (q.kind === "auto" ? "automatic check" : q.raised_by) + ", " + q.raised_ts.slice(0, 10) +
      (q.status === "closed" ? "" : " (" + ageDays(q.raised_ts) + ")") + (q.record ? ", record " + q.record : "")),
    el("td", {}, q.text), el("td", {}, q.status));
  const ans = el("td", {});
  if (q.answer) ans.append(el("div", {}, q.answer + " (" + q.answered_by + ")"));
  if (q.close_note) ans.append(el("div", { class: "why" }, "closed: " + q.close_note + " (" + q.closed_by + ")"));
  const act = (label, path, key) => {
    const input = el("input", { placeholder: label, "aria-label": label + " for query " + q.id });
    const b = el("button", { type: "button", class: "light" }, label);
    const err = el("span", { class: "error" });
    b.addEventListener("click", async () => {
      const r = await api("POST", "/queries/" + q.id + "/" + path, { [key]: input.value });
      if (r.status === 200) location.reload();
      else err.textContent = why(r);
    });
    ans.append(el("div", { class: "row" }, input, b, err));
  };
  if (q.status !== "closed" && can("query_answer")) act("Answer", "answer", "answer");
  if (q.status !== "closed" && can("query_close")) act("Close", "close", "note");
  tr.append(ans);
  return tr;
}

function queries(d) {
  const tb = document.querySelector("#subject-queries tbody");
  for (const q of d.queries) tb.append(queryRow(q, false));
  // Only the roles that raise queries see the form; a query may name a
  // visit and a record (the "Query" button of a record's row).
  if (can("query_raise")) {
    const f = document.getElementById("raise");
    f.hidden = false;
    const vsel = document.getElementById("raise-visit");
    const visits = new Set(Object.values(d.records || {}).flat().map((x) => x.values.VISIT).filter((v) => v));
    for (const v of [...visits].sort()) vsel.append(el("option", { value: v }, v));
    f.addEventListener("input", () => dirty.add("raise"));
    f.addEventListener("submit", async (ev) => {
      ev.preventDefault();
      const body = { text: document.getElementById("raise-text").value };
      if (vsel.value) body.visit = vsel.value;
      if (f.dataset.record) body.record = Number(f.dataset.record);
      const r = await api("POST", "/subjects/" + encodeURIComponent(d.usubjid) + "/queries", body);
      if (r.status === 201) { dirty.delete("raise"); location.reload(); }
      else document.getElementById("raise-error").textContent = why(r);
    });
  }
}

// The queries worklist: filters by status, kind, subject and visit, and
// sorts by age; the filters live in the address.
async function queriesPage() {
  if (!(await signedIn())) return;
  const r = await api("GET", "/queries");
  if (r.status !== 200) { fail(r); return; }
  const all = r.data.queries;
  const tb = document.getElementById("queries");
  const q = new URLSearchParams(location.search);
  const $ = (id) => document.getElementById(id);
  for (const v of [...new Set(all.map((x) => x.visit).filter((x) => x))].sort()) $("qf-visit").append(el("option", { value: v }, v));
  for (const v of [...new Set(all.map((x) => x.usubjid))].sort()) $("qf-subjects").append(el("option", { value: v }));
  for (const [k, id] of [["status", "qf-status"], ["kind", "qf-kind"], ["subject", "qf-subject"], ["visit", "qf-visit"], ["sort", "qf-sort"]])
    if (q.get(k)) $(id).value = q.get(k);
  const draw = () => {
    const st = $("qf-status").value, kind = $("qf-kind").value, subj = $("qf-subject").value.trim().toUpperCase();
    const visit = $("qf-visit").value, newest = $("qf-sort").value === "newest";
    const rows = all.filter((x) => (st === "all" || (st ? x.status === st : x.status !== "closed")) &&
      (!kind || (kind === "auto" ? x.kind === "auto" : x.kind !== "auto")) &&
      (!subj || x.usubjid.includes(subj)) && (!visit || x.visit === visit));
    rows.sort((a, b) => (a.raised_ts < b.raised_ts ? -1 : a.raised_ts > b.raised_ts ? 1 : a.id - b.id) * (newest ? -1 : 1));
    tb.textContent = "";
    for (const x of rows) tb.append(queryRow(x, true));
    $("qshown").textContent = "showing " + rows.length + " of " + all.length;
    const p = new URLSearchParams();
    if (st) p.set("status", st);
    if (kind) p.set("kind", kind);
    if (subj) p.set("subject", subj);
    if (visit) p.set("visit", visit);
    if (newest) p.set("sort", "newest");
    history.replaceState(null, "", "/queries.html" + (p.toString() ? "?" + p : ""));
  };
  $("qfilters").addEventListener("change", draw);
  $("qf-subject").addEventListener("input", draw);
  $("qfilters").addEventListener("submit", (ev) => ev.preventDefault());
  draw();
  const n = (s) => all.filter((x) => x.status === s).length;
  document.getElementById("summary").textContent =
    n("open") + " open, " + n("answered") + " answered, " + n("closed") + " closed.";
}

function signatures(d) {
  const tb = document.querySelector("#signatures tbody");
  const valid = d.signatures.filter((g) => g.valid);
  const KIND = { signature: "Signed: ", verification: "Verified: ", lock: "Locked: " };
  for (const g of d.signatures) {
    const state = el("td", {});
    if (g.valid) state.append(g.kind === "lock" ? "locked: no change until unlocked" : "valid");
    else state.append((g.kind === "lock" ? "unlocked " : "voided ") + g.voided_ts.slice(0, 10) +
      (g.kind === "lock" ? " by " + g.voided_by + ": " : " by a change: ") + g.voided_reason);
    if (g.valid && g.kind === "lock" && can("lock")) {
      const reasonIn = el("input", { placeholder: "reason", "aria-label": "reason to unlock" });
      const b = el("button", { type: "button", class: "light" }, "Unlock");
      const err = el("span", { class: "error" });
      b.addEventListener("click", async () => {
        const r = await api("POST", "/locks/" + g.id + "/unlock", { reason: reasonIn.value });
        if (r.status === 200) location.reload();
        else err.textContent = why(r);
      });
      state.append(el("div", { class: "row" }, reasonIn, b, err));
    }
    tb.append(el("tr", { class: g.valid ? "" : "excluded", "data-kind": g.kind }, el("td", {}, g.visit || "whole subject"),
      el("td", {}, KIND[g.kind] + g.meaning), el("td", {}, g.user),
      el("td", {}, g.ts.replace("T", " ").slice(0, 19)), state));
  }
  const of = (k) => valid.filter((g) => g.kind === k).map((g) => (g.visit || "whole subject") + " by " + g.user).join("; ");
  document.getElementById("signature-state").textContent =
    (of("signature") ? "Signed: " + of("signature") + "." : "Not signed.") +
    (of("verification") ? " Source data verified: " + of("verification") + "." : "") +
    (of("lock") ? " Locked: " + of("lock") + "." : "");
  const note = document.getElementById("sign-note");
  if (!can("sign") && !can("verify")) {
    note.textContent = "Only " + who("sign") + " signs (you are " + role + ").";
    return;
  }
  const verify = !can("sign");
  const f = document.getElementById("sign");
  f.hidden = false;
  if (verify) {
    note.textContent = "Monitors mark data source-verified; investigators sign.";
    f.querySelector("button[type=submit]").textContent = "Mark verified";
    const m = document.getElementById("sign-meaning");
    m.textContent = "";
    for (const t of ["Source data verified against the medical record", "Tumour measurements verified against the images"])
      m.append(el("option", {}, t));
  }
  const visits = new Set(d.criteria.flatMap((c) => c.timepoints.map((t) => t.visit)));
  const sel = document.getElementById("sign-visit");
  for (const v of visits) if (v) sel.append(el("option", { value: v }, "visit " + v));
  const pwIn = document.getElementById("sign-password");
  const errBox = document.getElementById("sign-error");
  const panel = document.getElementById("sign-confirm");
  // Signing, verifying or locking with queries still open: the server
  // lists them (409) and the person decides; a refusal never leaves the
  // page.
  const act = async (path, body, verb) => {
    if (sel.value) body.visit = sel.value;
    body.password = pwIn.value;
    const r = await api("POST", "/subjects/" + encodeURIComponent(d.usubjid) + path, body);
    if (r.status === 201) { pwIn.value = ""; location.reload(); return; }
    errBox.textContent = why(r);
    if (r.status === 409 && r.data && r.data.open_queries) {
      const go = el("button", { type: "button", "data-ack": verb }, verb + " with " +
        (r.data.open_queries.length === 1 ? "this query" : "these queries") + " open");
      const list = el("ul", {}, ...r.data.open_queries.map((q) =>
        el("li", {}, "#" + q.id + (q.visit ? " (" + q.visit + ")" : "") + ", " + q.status + ": " + q.text)));
      panel.replaceChildren(el("p", {}, "Still open:"), list, go);
      panel.hidden = false;
      go.addEventListener("click", () => act(path, Object.assign(body, { acknowledge_open_queries: true }), verb));
    } else pwIn.value = "";
  };
  f.addEventListener("submit", (ev) => {
    ev.preventDefault();
    act(verify ? "/verify" : "/sign", { meaning: document.getElementById("sign-meaning").value },
      verify ? "Verify" : "Sign");
  });
  // Lock asks first, saying what it freezes.
  document.getElementById("lock").addEventListener("click", () => {
    const all = Object.values(d.records || {}).flat();
    const n = sel.value ? all.filter((x) => (x.values.VISIT || "") === sel.value).length : all.length;
    const go = el("button", { type: "button", id: "lock-now" }, "Lock now");
    const cancel = el("button", { type: "button", class: "light" }, "Cancel");
    panel.replaceChildren(el("p", {}, "Locking " + (sel.value ? "visit " + sel.value + " of " : "") + d.usubjid +
      " freezes its " + n + " records: no change and no new record until someone who may lock unlocks it, with a reason."), go, " ", cancel);
    panel.hidden = false;
    cancel.addEventListener("click", () => { panel.hidden = true; });
    go.addEventListener("click", () => act("/lock", { meaning: "locked for review" }, "Lock"));
  });
}

document.addEventListener("DOMContentLoaded", () => {
  const page = document.body.dataset.page;
  if (page === "login") loginPage();
  else if (page === "subjects") subjectsPage();
  else if (page === "subject") subjectPage();
  else if (page === "casebook") casebookPage();
  else if (page === "enrol") enrolPage();
  else if (page === "queries") queriesPage();
  else if (page === "dashboard") dashboardPage();
  else if (page === "users") usersPage();
  else if (page === "password") passwordPage();
});

// ---- the dashboard: the report module's numbers and plot, live ----

function svgNode(text) {
  const doc = new DOMParser().parseFromString(text, "image/svg+xml");
  const root = doc.documentElement;
  return root && root.nodeName === "svg" ? document.importNode(root, true) : el("p", {}, "no plot");
}

// Cumulative enrolment by month as a small bar chart (SVG, no library).
function enrolmentChart(months) {
  const NS = "http://www.w3.org/2000/svg";
  const w = 640, h = 220, pad = 50;
  const svg = document.createElementNS(NS, "svg");
  svg.setAttribute("viewBox", "0 0 " + w + " " + h);
  svg.setAttribute("role", "img");
  svg.setAttribute("aria-label", "cumulative enrolment by month");
  const max = Math.max(1, ...months.map((m) => m.enrolled));
  const bw = (w - 2 * pad) / Math.max(1, months.length);
  months.forEach((m, i) => {
    const bh = (h - 2 * pad) * m.enrolled / max;
    const r = document.createElementNS(NS, "rect");
    r.setAttribute("x", String(pad + i * bw + 1));
    r.setAttribute("y", String(h - pad - bh));
    r.setAttribute("width", String(Math.max(1, bw - 2)));
    r.setAttribute("height", String(bh));
    r.setAttribute("class", "bar");
    const t = document.createElementNS(NS, "title");
    t.textContent = m.month + ": " + m.enrolled + " enrolled";
    r.append(t);
    svg.append(r);
    // Every month on the axis, written on a slant so that none is left out.
    const lab = document.createElementNS(NS, "text");
    const lx = pad + i * bw + bw / 2, ly = h - pad + 12;
    lab.setAttribute("x", String(lx));
    lab.setAttribute("y", String(ly));
    lab.setAttribute("text-anchor", "end");
    lab.setAttribute("transform", "rotate(-45 " + lx + " " + ly + ")");
    lab.setAttribute("class", "axis month");
    lab.textContent = m.month;
    svg.append(lab);
  });
  const top = document.createElementNS(NS, "text");
  top.setAttribute("x", String(pad));
  top.setAttribute("y", "16");
  top.setAttribute("class", "axis");
  top.textContent = max + " enrolled";
  svg.append(top);
  return svg;
}

async function dashboardPage() {
  if (!(await signedIn())) return;
  const r = await api("GET", "/dashboard");
  if (r.status !== 200) { fail(r); return; }
  const d = r.data;
  document.getElementById("summary").textContent = d.studyid + ": " + d.subjects + " subjects in the database" +
    (d.data_cutoff ? "; data cut-off " + d.data_cutoff + " (records after it are not counted)." : ".");
  const orr = d.efficacy.find((x) => x.ITEM === "CNS ORR" && x.POPULATION === "CNS-evaluable");
  const cards = document.getElementById("cards");
  const card = (title, value, sub) => cards.append(el("div", { class: "card-small" }, el("div", { class: "why" }, title),
    el("div", { class: "big" }, value), el("div", { class: "why" }, sub)));
  const enrolled = d.enrolment.length ? d.enrolment[d.enrolment.length - 1].enrolled : 0;
  card("Enrolled", String(enrolled), "subjects with an enrolment milestone or a dose");
  if (orr) card("CNS ORR (RANO-BM, confirmed)", orr.ESTIMATE + "%", orr.n + "/" + orr.N + ", 95% CI " + orr.LOWER + "-" + orr.UPPER + " (exact)");
  document.getElementById("enrolment").append(enrolmentChart(d.enrolment));
  document.getElementById("km").append(svgNode(d.km_pfscns_svg));
  document.getElementById("km-pfs").append(svgNode(d.km_pfs_svg));
  document.getElementById("km-os").append(svgNode(d.km_os_svg));
  document.getElementById("exports").hidden = !can("export");
  // The report's efficacy rows under their section (the endpoint), as
  // the report's table sets them.
  const eb = document.querySelector("#efficacy tbody");
  let section = "";
  for (const x of d.efficacy) {
    if (x.SECTION !== section) {
      section = x.SECTION;
      eb.append(el("tr", { class: "section" }, el("th", { colspan: "6" }, section)));
    }
    const nN = x.n && x.N ? x.n + "/" + x.N : x.n || x.N;
    eb.append(el("tr", {}, el("td", {}, x.ITEM), el("td", {}, x.POPULATION),
      el("td", { class: "num" }, nN), el("td", { class: "num" }, x.ESTIMATE + (x.UNIT === "%" ? "%" : x.UNIT ? " " + x.UNIT : "")),
      el("td", { class: "num" }, x.LOWER || x.UPPER ? x.LOWER + " to " + x.UPPER : ""), el("td", { class: "why" }, x.METHOD)));
  }
  const sb = document.querySelector("#safety tbody");
  for (const x of d.safety.filter((t) => t.TABLE.startsWith("Overview"))) {
    sb.append(el("tr", {}, el("td", {}, x.ITEM), el("td", { class: "num" }, x.n + "/" + x.N), el("td", { class: "num" }, x.PCT)));
  }
}

async function passwordPage() {
  if (!(await signedIn())) return;
  const f = document.getElementById("password");
  f.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const v = (i) => document.getElementById(i).value;
    const err = document.getElementById("pw-error");
    err.textContent = "";
    if (v("new") !== v("again")) { err.textContent = "the two new passwords differ"; return; }
    const r = await api("POST", "/me/password", { current: v("current"), new: v("new") });
    for (const i of ["current", "new", "again"]) document.getElementById(i).value = "";
    if (r.status === 200) document.getElementById("pw-done").hidden = false;
    else err.textContent = why(r);
  });
}

// ---- the casebook: one subject as a CRF reads, for review and print ----

async function casebookPage() {
  if (!(await signedIn())) return;
  const id = new URLSearchParams(location.search).get("id") || "";
  const r = await api("GET", "/subjects/" + encodeURIComponent(id));
  if (r.status !== 200) { fail(r); return; }
  const d = r.data, rec = d.records || {};
  document.title = "BALIST - casebook " + d.usubjid;
  document.getElementById("title").textContent = "Casebook of " + d.usubjid;
  document.getElementById("to-subject").href = "/subject.html?id=" + encodeURIComponent(d.usubjid);
  document.getElementById("print").addEventListener("click", () => window.print());
  document.getElementById("summary").textContent = d.status + "; first dose " + (d.first_dose || "none") + ".";
  const book = document.getElementById("book");
  const v = (row, k) => (row && row.values[k]) || "";
  // A CRF section: a title, a table of labelled columns, and the SDTM
  // names only in a details view.
  const section = (title, rows, cols, empty) => {
    const sec = el("section", { class: "panel crf" }, el("h3", {}, title));
    if (!rows.length) { sec.append(el("p", { class: "why" }, empty || "None recorded.")); book.append(sec); return sec; }
    const t = el("table", {}, el("thead", {}, el("tr", {}, ...cols.map(([label]) => el("th", {}, label)))));
    const tb = el("tbody", {});
    for (const row of rows) tb.append(el("tr", {}, ...cols.map(([, f]) => el("td", {}, String(f(row) ?? "")))));
    t.append(tb);
    const det = el("details", { class: "sdtm" }, el("summary", {}, "SDTM names"),
      el("p", { class: "why" }, cols.map(([label, , name]) => label + ": " + (name || "derived")).join("; ")));
    sec.append(el("div", { class: "scroll" }, t), det);
    book.append(sec);
    return sec;
  };
  const dm = (rec.dm || [])[0];
  section("Demographics", dm ? [dm] : [], [["Subject", () => d.usubjid, "USUBJID"], ["Site", (x) => v(x, "SITEID"), "SITEID"],
    ["Age", (x) => v(x, "AGE") + (v(x, "AGEU") ? " " + v(x, "AGEU").toLowerCase() : ""), "AGE, AGEU"],
    ["Sex", (x) => ({ F: "female", M: "male" })[v(x, "SEX")] || v(x, "SEX"), "SEX"], ["Race", (x) => v(x, "RACE"), "RACE"],
    ["Consent", (x) => v(x, "RFICDTC"), "RFICDTC"], ["Arm", (x) => v(x, "ARM"), "ARM"]]);
  section("Eligibility", rec.ie || [], [["Criterion", (x) => v(x, "IETEST"), "IETEST"],
    ["Category", (x) => v(x, "IECAT").toLowerCase(), "IECAT"], ["Answer", (x) => v(x, "IEORRES"), "IEORRES"]]);
  const cycles = (d.schedule || []).filter((x) => x.kind === "dosing");
  const doseRows = cycles.flatMap((c) => (c.doses || []).map((x) => ({ c, x })));
  section("Doses by cycle", doseRows, [["Cycle", (y) => "Cycle " + y.c.number], ["Date", (y) => y.x.date, "EXSTDTC"],
    ["Drug", (y) => y.x.drug, "EXTRT"], ["Dose", (y) => (y.x.dose ?? "?") + " " + y.x.unit, "EXDOSE, EXDOSU"],
    ["Planned", (y) => y.x.planned ?? ""], ["Change", (y) => (y.x.reduced ? "reduced; " : "") + (y.x.adjustment || ""), "EXADJ"],
    ["Cycle on time", (y) => y.c.late ? "late (due " + y.c.due + ")" : y.c.early ? "early (due " + y.c.due + ")" : "yes"]]);
  // Tumour assessments: each lesion by name, one column per visit.
  const tr = rec.tr || [];
  const visits = [...new Set(tr.map((x) => v(x, "VISIT")))];
  const les = d.lesions || [];
  const measure = (l, visit) => {
    const x = tr.find((t) => v(t, "TRLNKID") === l.id && v(t, "VISIT") === visit);
    if (!x) return "";
    return v(x, "TRSTAT") === "NOT DONE" ? "not done" : v(x, "TRORRES") + (v(x, "TRORRESU") ? " " + v(x, "TRORRESU") : "");
  };
  section("Tumour assessments", les, [["Lesion", (l) => l.id, "TULNKID"],
    ["Location", (l) => l.location.toLowerCase() + (l.nodal ? " (lymph node)" : ""), "TULOC"],
    ["RANO-BM", (l) => l.rano.toLowerCase(), "TUORRES by criterion"], ["RECIST 1.1", (l) => l.recist.toLowerCase(), "TUORRES by criterion"],
    ...visits.map((vi) => [vi + " (" + (v(tr.find((t) => v(t, "VISIT") === vi), "TRDTC")) + ")", (l) => measure(l, vi), "TRORRES at VISIT"])],
  "No tumour assessment yet.");
  for (const c of d.criteria || [])
    section("Responses by " + c.criterion, c.timepoints, [["Visit", (t) => t.visit, "VISIT"], ["Date", (t) => t.date, "RSDTC"],
      ["Sum (mm)", (t) => t.sum_mm ?? ""], ["Overall", (t) => t.baseline ? "baseline" : t.overall, "OVRLRESP (derived)"],
      ["Why", (t) => t.baseline ? "" : t.reason]]).append(el("p", {}, "Confirmed best response: " + c.cbor + ". ", el("span", { class: "why" }, c.cbor_reason)));
  section("Adverse events", rec.ae || [], [["Term", (x) => v(x, "AETERM"), "AETERM"], ["CTCAE grade", (x) => v(x, "AETOXGR"), "AETOXGR"],
    ["Serious", (x) => ({ Y: "yes", N: "no" })[v(x, "AESER")] || "", "AESER"], ["Related", (x) => v(x, "AEREL").toLowerCase(), "AEREL"],
    ["Action", (x) => v(x, "AEACN").toLowerCase(), "AEACN"], ["Start", (x) => v(x, "AESTDTC"), "AESTDTC"], ["End", (x) => v(x, "AEENDTC") || "ongoing", "AEENDTC"]]);
  section("Medications", rec.cm || [], [["Medication", (x) => v(x, "CMTRT"), "CMTRT"],
    ["Dose", (x) => [v(x, "CMDOSE"), v(x, "CMDOSU"), v(x, "CMDOSFRQ")].filter((y) => y).join(" "), "CMDOSE, CMDOSU, CMDOSFRQ"],
    ["Indication", (x) => v(x, "CMINDC").toLowerCase(), "CMINDC"], ["Start", (x) => v(x, "CMSTDTC"), "CMSTDTC"], ["End", (x) => v(x, "CMENDTC") || "ongoing", "CMENDTC"]]);
  section("Disposition", rec.ds || [], [["Event", (x) => v(x, "DSDECOD").toLowerCase(), "DSDECOD"], ["Date", (x) => v(x, "DSSTDTC"), "DSSTDTC"]]);
  section("Queries", d.queries || [], [["#", (q) => q.id], ["Visit", (q) => q.visit || ""], ["Query", (q) => q.text],
    ["Status", (q) => q.status], ["Answer", (q) => q.answer || ""]]);
  section("Signatures", d.signatures || [], [["Scope", (g) => g.visit || "whole subject"], ["Meaning", (g) => g.meaning],
    ["By", (g) => g.user], ["When (UTC)", (g) => g.ts.replace("T", " ").slice(0, 19)], ["State", (g) => g.valid ? "valid" : "voided " + (g.voided_ts || "").slice(0, 10)]]);
  // The subject's audit trail, filtered on the server by record and date.
  const tb = document.querySelector("#subject-audit tbody");
  const show = async () => {
    const p = new URLSearchParams();
    for (const [k, i] of [["record", "af-record"], ["from", "af-from"], ["to", "af-to"]])
      if (document.getElementById(i).value.trim()) p.set(k, document.getElementById(i).value.trim());
    const a = await api("GET", "/subjects/" + encodeURIComponent(d.usubjid) + "/audit" + (p.toString() ? "?" + p : ""));
    tb.textContent = "";
    if (a.status !== 200) { document.getElementById("audit-shown").textContent = why(a); return; }
    for (const x of a.data.audit)
      tb.append(el("tr", {}, el("td", {}, x.ts.replace("T", " ").slice(0, 19)), el("td", {}, x.user), el("td", {}, x.action),
        el("td", {}, x.table + " " + x.record), el("td", {}, x.field || ""),
        el("td", {}, x.action === "INSERT" ? "" : x.old || ""), el("td", {}, x.action === "INSERT" ? "first entry" : x.new || ""),
        el("td", {}, x.reason || "")));
    document.getElementById("audit-shown").textContent = a.data.audit.length + " entries";
  };
  document.getElementById("audit-filters").addEventListener("submit", (ev) => { ev.preventDefault(); show(); });
  show();
}
