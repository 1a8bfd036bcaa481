// BALIST web pages: plain JavaScript, no build step. Every decision is
// the server's; the page shows what /api/v1 answers.
"use strict";

let csrf = "";
let role = "";

async function api(method, path, body) {
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
}

function el(tag, attrs, ...kids) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v);
  for (const k of kids) e.append(k);
  return e;
}

function resp(call, why) {
  const cell = el("td");
  cell.append(el("span", { class: "resp " + call }, call));
  if (why) cell.append(el("div", { class: "why" }, why));
  return cell;
}

async function loginPage() {
  const form = document.getElementById("login");
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const r = await api("POST", "/login", {
      user: form.user.value, password: form.password.value });
    if (r.status === 200) location.href = "/";
    else document.getElementById("error").textContent = r.data.error;
  });
}

// Signs the page in (or sends to the login page); false when it left.
async function signedIn() {
  const me = await api("GET", "/me");
  if (me.status === 401) { location.href = "/login.html"; return false; }
  csrf = me.data.csrf;
  role = me.data.role;
  document.getElementById("who").textContent = me.data.user + " (" + me.data.role + ")";
  document.getElementById("logout").addEventListener("click", async () => {
    await api("POST", "/logout");
    location.href = "/login.html";
  });
  return true;
}

function fail(r) {
  document.getElementById("summary").textContent = "";
  document.getElementById("error").textContent = r.data.error;
}

async function subjectsPage() {
  if (!(await signedIn())) return;
  const r = await api("GET", "/subjects");
  if (r.status !== 200) { fail(r); return; }
  const body = document.getElementById("subjects");
  const counts = {};
  for (const s of r.data.subjects) {
    counts[s.status] = (counts[s.status] || 0) + 1;
    body.append(el("tr", { "data-subject": s.usubjid },
      el("td", {}, el("a", { href: "/subject.html?id=" + encodeURIComponent(s.usubjid) }, s.usubjid)),
      el("td", {}, s.status),
      el("td", {}, s.first_dose), resp(s.cbor_cns, s.reason_cns),
      resp(s.cbor, s.reason)));
  }
  document.getElementById("summary").textContent =
    r.data.subjects.length + " subjects: " +
    Object.entries(counts).map(([k, v]) => v + " " + k).join(", ") + ".";
}

function mm(v) { return v === null ? "" : v.toFixed(1); }

async function subjectPage() {
  if (!(await signedIn())) return;
  const id = new URLSearchParams(location.search).get("id") || "";
  const r = await api("GET", "/subjects/" + encodeURIComponent(id));
  if (r.status !== 200) { fail(r); return; }
  const d = r.data;
  document.getElementById("title").textContent = d.usubjid;
  document.getElementById("summary").textContent =
    d.status + "; first dose " + (d.first_dose || "none") +
    "; CNS-evaluable: " + (d.efffl ? "yes" : "no") + ".";
  const box = document.getElementById("criteria");
  for (const c of d.criteria) {
    const sec = el("section", { class: "crit", "data-criterion": c.criterion });
    sec.append(el("h3", {}, c.criterion));
    const best = el("p", {});
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
      const row = el("tr", { class: p.baseline || p.counts_for_best_response ? "" : "excluded" },
        el("td", {}, p.visit), el("td", {}, p.date), el("td", { class: "num" }, String(p.day)),
        el("td", { class: "num" }, mm(p.sum_mm)), el("td", { class: "num" }, mm(p.nadir_mm)),
        el("td", {}, p.baseline ? "" : p.target), el("td", {}, p.baseline ? "" : p.nontarget),
        el("td", {}, p.baseline ? "" : p.new_lesion),
        p.baseline ? el("td", {}, "baseline") : resp(p.overall, p.reason));
      tb.append(row);
    }
    t.append(tb);
    sec.append(t);
    box.append(sec);
  }
  entryForm(d, role);
}

// The assessment form: the subject's lesions carried from baseline, the
// calls recomputed by the server as you type (/preview), then Save.
function entryForm(d, role) {
  if (role !== "investigator" && role !== "radiologist") return;
  const sec = document.getElementById("entry");
  sec.hidden = false;
  const body = sec.querySelector("tbody");
  const fields = [];
  for (const l of d.lesions) {
    if (l.rano === "NEW" || l.recist === "NEW") continue;
    const target = l.rano === "TARGET" || l.recist === "TARGET";
    let input;
    if (target) {
      input = el("input", { type: "number", step: "0.1", min: "0", "data-lesion": l.id, "aria-label": l.id + " diameter (mm)" });
    } else {
      input = el("select", { "data-lesion": l.id, "aria-label": l.id + " state" },
        el("option", { value: "" }, ""), el("option", { value: "PRESENT" }, "present"),
        el("option", { value: "ABSENT" }, "absent"),
        el("option", { value: "UNEQUIVOCAL PROGRESSION" }, "unequivocal progression"));
    }
    fields.push({ id: l.id, target, input });
    body.append(el("tr", {}, el("td", {}, l.id), el("td", {}, l.location),
      el("td", {}, l.rano), el("td", {}, l.recist), el("td", {}, input)));
  }
  const proposal = () => ({
    visit: document.getElementById("visit").value,
    date: document.getElementById("date").value,
    lesions: fields.filter((f) => f.input.value !== "").map((f) => f.target
      ? { id: f.id, diameter_mm: Number(f.input.value) }
      : { id: f.id, state: f.input.value }),
  });
  const calls = document.getElementById("calls");
  const save = document.getElementById("save");
  const err = document.getElementById("entry-error");
  let timer = null;
  const preview = async () => {
    const p = proposal();
    err.textContent = "";
    save.disabled = true;
    if (!p.visit || !p.date || !p.lesions.length) { calls.textContent = ""; return; }
    const r = await api("POST", "/subjects/" + encodeURIComponent(d.usubjid) + "/preview", p);
    calls.textContent = "";
    if (r.status !== 200) {
      err.textContent = r.data.error + (r.data.problems ? ": " + r.data.problems.map((x) => x.message).join("; ") : "");
      return;
    }
    for (const c of r.data.criteria) {
      const tp = c.timepoints.find((t) => t.date === p.date && !t.baseline);
      if (!tp) continue;
      const line = el("p", { "data-call": c.criterion });
      line.append(c.criterion + ": ", el("span", { class: "resp " + tp.overall }, tp.overall), " ",
        el("span", { class: "why" }, tp.reason));
      calls.append(line);
    }
    save.disabled = false;
  };
  sec.addEventListener("input", () => { clearTimeout(timer); timer = setTimeout(preview, 250); });
  save.addEventListener("click", async () => {
    save.disabled = true;
    const r = await api("POST", "/subjects/" + encodeURIComponent(d.usubjid) + "/assessments", proposal());
    if (r.status === 201) location.reload();
    else err.textContent = r.data.error;
  });
}

document.addEventListener("DOMContentLoaded", () => {
  const page = document.body.dataset.page;
  if (page === "login") loginPage();
  else if (page === "subjects") subjectsPage();
  else if (page === "subject") subjectPage();
});
