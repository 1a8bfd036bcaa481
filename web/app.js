// BALIST web pages: plain JavaScript, no build step. Every decision is
// the server's; the page shows what /api/v1 answers.
"use strict";

let csrf = "";

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

async function subjectsPage() {
  const me = await api("GET", "/me");
  if (me.status === 401) { location.href = "/login.html"; return; }
  csrf = me.data.csrf;
  document.getElementById("who").textContent = me.data.user + " (" + me.data.role + ")";
  document.getElementById("logout").addEventListener("click", async () => {
    await api("POST", "/logout");
    location.href = "/login.html";
  });
  const r = await api("GET", "/subjects");
  if (r.status !== 200) {
    document.getElementById("summary").textContent = "";
    document.getElementById("error").textContent = r.data.error;
    return;
  }
  const body = document.getElementById("subjects");
  const counts = {};
  for (const s of r.data.subjects) {
    counts[s.status] = (counts[s.status] || 0) + 1;
    body.append(el("tr", { "data-subject": s.usubjid },
      el("td", {}, s.usubjid), el("td", {}, s.status),
      el("td", {}, s.first_dose), resp(s.cbor_cns, s.reason_cns),
      resp(s.cbor, s.reason)));
  }
  document.getElementById("summary").textContent =
    r.data.subjects.length + " subjects: " +
    Object.entries(counts).map(([k, v]) => v + " " + k).join(", ") + ".";
}

document.addEventListener("DOMContentLoaded", () => {
  const page = document.body.dataset.page;
  if (page === "login") loginPage();
  else if (page === "subjects") subjectsPage();
});
