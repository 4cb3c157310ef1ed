// TGE Monitor dashboard: plain JS, no dependencies. Feed text is only ever set with
// textContent (never innerHTML), and the page runs under a strict CSP.
"use strict";

const state = { token: sessionStorage.getItem("tge_token"), user: null, ws: null, retry: 0 };
const $ = (id) => document.getElementById(id);

function el(tag, text, cls) {
  const node = document.createElement(tag);
  if (text !== undefined && text !== null) node.textContent = String(text);
  if (cls) node.className = cls;
  return node;
}

async function api(method, path, body) {
  const headers = { "Accept": "application/json" };
  if (state.token) headers["Authorization"] = "Bearer " + state.token;
  if (body !== undefined) headers["Content-Type"] = "application/json";
  const resp = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  if (resp.status === 204) return null;
  const data = await resp.json().catch(() => ({}));
  if (!resp.ok) {
    if (resp.status === 401 && path !== "/auth/login") signOut();
    const err = new Error((data.error && data.error.message) || resp.statusText);
    err.status = resp.status;
    throw err;
  }
  return data;
}

const BADGES = { official: "✅", unknown: "⚠️", suspicious: "🚫" };

// "https://evil.xyz/x" -> "hxxps://evil[.]xyz/x": shown, never a link.
function defang(url) {
  const m = /^([a-z]+):\/\/([^/?#]*)(.*)$/i.exec(url);
  if (!m) return url.replace(/\./g, "[.]");
  return m[1].replace(/http/i, "hxxp") + "://" + m[2].replace(/\./g, "[.]") + m[3];
}

// The phishing guard's verdict on every link: ✅/⚠️ links open, a 🚫 one is defanged text.
function linkList(alert) {
  const ul = el("ul", null, "links");
  const companies = alert.companies || [];
  for (const link of (alert.links || [])) {
    const li = el("li", null, "link " + link.verdict);
    li.append(el("span", BADGES[link.verdict] || "⚠️", "badge"), " ");
    if (link.verdict === "suspicious") {
      li.append(el("code", defang(link.url)));
      const project = link.company || companies[0] || "the project";
      li.append(" ", el("strong", `this is not ${project}'s site`), " ", el("span", `(${link.reason})`, "reason"));
    } else {
      const a = el("a", link.url);
      if (/^https?:\/\//i.test(link.url)) { a.href = link.url; a.rel = "noopener noreferrer"; a.target = "_blank"; }
      li.append(a, " ", el("span", link.reason, "reason"));
    }
    ul.append(li);
  }
  return ul;
}

function sourceIsSafe(alert) {
  const own = (alert.links || []).find((l) => l.url === alert.url);
  return !own || own.verdict !== "suspicious";
}

function renderAlert(alert, prepend) {
  const li = el("li", null, "alert " + (alert.band || "low") + (alert.kind === "warning" ? " warning" : ""));
  li.dataset.id = alert.id;
  if (alert.kind === "warning" && alert.warning) li.append(el("div", "⚠️ " + alert.warning, "warn"));
  if (alert.link_headline) li.append(el("div", alert.link_headline, "warn"));
  const title = el("a", alert.title || "(untitled)");
  if (alert.url && /^https?:\/\//i.test(alert.url) && sourceIsSafe(alert)) { title.href = alert.url; title.rel = "noopener noreferrer"; title.target = "_blank"; }
  li.append(el("strong", null), title);
  const conf = typeof alert.confidence === "number" ? Math.round(alert.confidence * 100) + "%" : "?";
  const project = alert.new_project;
  const projectLabel = project ? (project.name || "") + (project.ticker ? (project.name ? " ($" + project.ticker + ")" : "$" + project.ticker) : "") : "";
  const companies = project ? "new project: " + projectLabel : ((alert.companies || []).join(", ") || "no company");
  li.append(el("div", `${conf} · ${alert.band || ""} · ${companies} · ${alert.source || ""}`, "meta"));
  if (alert.why) li.append(el("div", alert.why, "why"));
  if ((alert.links || []).length) li.append(linkList(alert));
  li.append(voteButtons(alert));
  li.append(whyLink(alert));
  if (project && state.user && state.user.role === "admin") li.append(addProjectLink(alert, project));
  const list = $("alerts");
  if (list.querySelector(`[data-id="${CSS.escape(String(alert.id))}"]`)) return;
  if (prepend) list.prepend(li); else list.append(li);
  while (list.children.length > 200) list.lastChild.remove();
}

const VOTES = [["up", "👍", "useful"], ["down", "👎", "not useful"], ["not_tge", "🚫 Not a TGE", "not a TGE"]];

// One vote per user per alert (a new one replaces it); it is a label for the next retrain.
function voteButtons(alert) {
  const box = el("div", null, "votes");
  const status = el("span", "", "vote-status");
  for (const [vote, label, meaning] of VOTES) {
    const button = el("button", label, "vote");
    button.type = "button";
    button.dataset.vote = vote;
    button.title = "Mark this alert " + meaning;
    button.addEventListener("click", async () => {
      try {
        await api("POST", `/alerts/${encodeURIComponent(alert.id)}/feedback`, { vote });
        box.querySelectorAll("button.vote").forEach((b) => b.classList.toggle("chosen", b === button));
        status.textContent = " thanks: " + meaning;
        if (state.user && state.user.role === "admin") loadFeedbackStats();
      } catch (e) { status.textContent = " " + e.message; }
    });
    box.append(button);
  }
  box.append(status);
  return box;
}

// "Why?": the alert's path (GET /alerts/{id}/trace, the chat's /why): fetched, duplicates,
// score, and for each of your destinations its filter and the delivery.
const TRACE_MARKS = { passed: "✅", stopped: "⛔", waiting: "⏳", info: "•" };
function whyLink(alert) {
  const box = el("div", null, "why-trace");
  const link = el("a", "Why?");
  link.href = "#";
  link.className = "why-link";
  link.addEventListener("click", async (event) => {
    event.preventDefault();
    try {
      const trace = await api("GET", `/alerts/${encodeURIComponent(alert.id)}/trace`);
      const list = el("ol", null, "trace");
      for (const step of trace.steps) list.append(el("li", `${TRACE_MARKS[step.outcome] || "•"} ${step.text}`));
      box.replaceChildren(link, list);
    } catch (e) { box.replaceChildren(link, el("span", " " + e.message, "error")); }
  });
  box.append(link);
  return box;
}

// An admin adds a discovered project to the companies table (the companies service, as
// POST /companies); the name can be corrected first, since it was read from the text.
function addProjectLink(alert, project) {
  const box = el("div", null, "add-project");
  const link = el("a", `➕ Add ${project.name || "$" + project.ticker} to companies`);
  link.href = "#";
  link.className = "add-project-link";
  const status = el("span", "", "vote-status");
  link.addEventListener("click", async (event) => {
    event.preventDefault();
    const name = project.name || window.prompt(`Name of the project with ticker $${project.ticker}?`, "");
    if (!name) return;
    try {
      const company = await api("POST", "/companies", { name, tokens: project.ticker ? [project.ticker] : [] });
      status.textContent = ` added ${company.name}`;
      link.remove();
      loadSide();
    } catch (e) { status.textContent = " " + e.message; }
  });
  box.append(link, status);
  return box;
}

function rateRow(row) {
  const tr = el("tr");
  const rate = row.wrong_rate === null ? "-" : Math.round(row.wrong_rate * 100) + "%";
  tr.append(el("td", row.name), el("td", rate, "num"), el("td", `${row.wrong}/${row.votes} votes`, "num"));
  return tr;
}

async function loadFeedbackStats() {
  if (!state.user || state.user.role !== "admin") return;
  try {
    const data = await api("GET", "/feedback/stats?limit=20");
    const total = data.total;
    $("fb-total").textContent = total.votes
      ? `${total.wrong} of ${total.votes} votes said wrong (${Math.round(total.wrong_rate * 100)}%), ${total.not_tge} "not a TGE"`
      : "no votes yet";
    for (const [id, rows] of [["fb-sources", data.by_source], ["fb-companies", data.by_company]]) {
      const table = $(id);
      table.replaceChildren();
      const head = el("tr");
      head.append(el("th", "name"), el("th", "wrong"), el("th", "of"));
      table.append(head);
      rows.forEach((r) => table.append(rateRow(r)));
    }
    $("feedback-stats").hidden = false;
  } catch (e) { $("fb-total").textContent = "unavailable: " + e.message; }
}

function seconds(value) {
  if (value === null || value === undefined) return "–";
  return value < 60 ? `${value.toFixed(1)} s` : `${(value / 60).toFixed(1)} min`;
}

async function loadLatency() {
  try {
    const data = await api("GET", "/stats/latency?hours=24");
    $("latency-total").textContent = data.count
      ? `publication → delivery: p50 ${seconds(data.p50_s)}, p95 ${seconds(data.p95_s)} (${data.count} sends)`
      : "publication → delivery: no alerts sent in the last 24 h";
    const table = $("latency-channels");
    table.replaceChildren();
    const rows = Object.entries(data.by_channel || {});
    if (rows.length) {
      const head = el("tr");
      head.append(el("th", "channel"), el("th", "p50"), el("th", "p95"));
      table.append(head);
      for (const [name, s] of rows) {
        const tr = el("tr");
        tr.append(el("td", name), el("td", seconds(s.p50_s), "num"), el("td", seconds(s.p95_s), "num"));
        table.append(tr);
      }
    }
  } catch (e) { $("latency-total").textContent = "latency unavailable: " + e.message; }
}

async function importOpml(event) {
  event.preventDefault();
  const file = $("opml-file").files[0];
  if (!file) { $("opml-result").textContent = "choose an OPML file first"; return; }
  try {
    const result = await api("POST", "/feeds/opml", { opml: await file.text() });
    const skipped = result.skipped.map((s) => `${s.url}: ${s.reason}`).join("; ");
    $("opml-result").textContent = `${result.added.length} of ${result.total} feed(s) added` + (skipped ? `; skipped ${skipped}` : "");
    await loadSide();
  } catch (e) { $("opml-result").textContent = "import refused: " + e.message; }
}

async function exportOpml(event) {
  event.preventDefault();
  try {
    const response = await fetch("/feeds/opml", { headers: { Authorization: `Bearer ${state.token}` } });
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    const url = URL.createObjectURL(await response.blob());
    const a = document.createElement("a");
    a.href = url; a.download = "tge-monitor-feeds.opml"; a.click();
    URL.revokeObjectURL(url);
  } catch (e) { $("opml-result").textContent = "export failed: " + e.message; }
}

function fill(listId, items, render) {
  const list = $(listId);
  list.replaceChildren();
  if (!items.length) list.append(el("li", "none"));
  for (const item of items) list.append(render(item));
}

async function loadAlerts() {
  try {
    const data = await api("GET", "/alerts?limit=50");
    $("alerts").replaceChildren();
    data.items.forEach((a) => renderAlert(a, false));
  } catch (e) { $("alerts").replaceChildren(el("li", "alerts unavailable: " + e.message, "error")); }
}

async function loadSide() {
  const jobs = [
    ["destinations", "/destinations?limit=100", renderDestination],
    ["watchlist", "/watchlist", (c) => el("li", c.name)],
    ["companies", "/companies?limit=100", (c) => el("li", `${c.name} ${c.tokens && c.tokens.length ? "($" + c.tokens.join(", $") + ")" : ""}`)],
    ["feeds", "/feeds?limit=100", renderFeed],
  ];
  for (const [id, path, render] of jobs) {
    try { fill(id, (await api("GET", path)).items, render); }
    catch (e) { $(id).replaceChildren(el("li", "unavailable", "error")); }
  }
}

const PHASES = { announced: "announced", date_set: "date set", snapshot: "snapshot", claim_open: "claim opens", listing: "listing", delayed: "delayed", cancelled: "cancelled" };

function localWhen(iso, allDay) {
  if (!iso) return "date not yet known";
  const d = new Date(iso);
  return allDay ? d.toLocaleDateString(undefined, { timeZone: "UTC", dateStyle: "medium" }) : d.toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" });
}

// The calendar: upcoming events grouped by local day; one click shows the timeline.
async function loadEvents() {
  const list = $("events");
  try {
    const data = await api("GET", "/events?upcoming=true&limit=30");
    list.replaceChildren();
    if (!data.items.length) list.append(el("li", "no dated events ahead"));
    let day = "";
    for (const event of data.items) {
      const next = event.phases.find((p) => p.at === event.next_at) || {};
      const label = new Date(event.next_at).toLocaleDateString(undefined, { weekday: "short", day: "numeric", month: "short", timeZone: next.all_day ? "UTC" : undefined });
      if (label !== day) { day = label; list.append(el("li", label, "day")); }
      const li = el("li", null, "event " + event.status);
      li.dataset.id = event.id;
      const link = el("a", `${event.project}${event.token ? " ($" + event.token + ")" : ""}: ${PHASES[next.kind] || next.kind || ""}`);
      link.href = "#";
      link.addEventListener("click", (e) => { e.preventDefault(); showEvent(event.id); });
      li.append(link, el("span", " " + (next.all_day ? "all day" : localWhen(event.next_at, false)) + (event.status === "delayed" ? " · delayed" : ""), "meta"));
      list.append(li);
    }
  } catch (e) { list.replaceChildren(el("li", "calendar unavailable: " + e.message, "error")); }
}

async function showEvent(id) {
  const box = $("event-detail");
  try {
    const event = await api("GET", `/events/${encodeURIComponent(id)}`);
    box.replaceChildren(el("h3", `${event.project}${event.token ? " ($" + event.token + ")" : ""}`));
    box.append(el("div", `${event.status} · ${event.sources} source(s) · ${Math.round(event.confidence * 100)}%`, "meta"));
    const ol = el("ol", null, "timeline");
    for (const phase of event.phases) {
      const li = el("li", `${PHASES[phase.kind] || phase.kind}: ${localWhen(phase.at, phase.all_day)}` + (phase.previous_at ? ` (was ${localWhen(phase.previous_at, phase.all_day)})` : "") + (phase.corroboration > 1 ? ` · ${phase.corroboration} sources` : ""));
      const sources = el("ul", null, "sources");
      for (const src of (phase.sources || [])) {
        const a = el("a", `${src.source}: ${src.title}`);
        if (src.url && /^https?:\/\//i.test(src.url)) { a.href = src.url; a.rel = "noopener noreferrer"; a.target = "_blank"; }
        const item = el("li"); item.append(a); sources.append(item);
      }
      li.append(sources);
      ol.append(li);
    }
    box.append(ol);
    // later news of the token (a buyback, a crash, a review): linked, never part of the timeline
    if ((event.coverage || []).length) {
      box.append(el("h4", "Related news"));
      const related = el("ul", null, "sources coverage");
      for (const news of event.coverage) {
        const a = el("a", `${news.source}: ${news.title}`);
        if (news.url && /^https?:\/\//i.test(news.url)) { a.href = news.url; a.rel = "noopener noreferrer"; a.target = "_blank"; }
        const item = el("li"); item.append(a); related.append(item);
      }
      box.append(related);
    }
    box.hidden = false;
  } catch (e) { box.replaceChildren(el("p", e.message, "error")); box.hidden = false; }
}

async function calendarLink() {
  try {
    const reply = await api("POST", "/commands/calendar", {});
    const url = reply.data && reply.data.url;
    $("ics-url").replaceChildren(el("code", url || reply.text));
  } catch (e) { $("ics-url").textContent = e.message; }
}

// A stopped destination says so, with the reason and the fix, so nobody waits for alerts
// that cannot arrive.
function renderDestination(dest) {
  const li = el("li", null, "destination " + (dest.status || "active"));
  li.append(el("span", `${dest.name || dest.address || "#" + dest.id} (${dest.kind})`));
  if (dest.status === "stopped") {
    li.append(el("span", " stopped", "bad"));
    li.append(el("div", "Why: " + (dest.rejected_reason || "deliveries were refused"), "reason"));
    if (dest.fix) li.append(el("div", "Fix: " + dest.fix, "fix"));
  } else {
    li.append(el("span", dest.verified === false ? " waiting for confirmation" : " active", dest.verified === false ? "bad" : "good"));
  }
  return li;
}

function renderFeed(feed) {
  const li = el("li");
  const healthy = feed.enabled && !feed.consecutive_failures;
  li.append(el("span", feed.name || feed.url || feed.query || ("feed " + feed.id)));
  li.append(el("span", feed.enabled ? (healthy ? " ok" : ` failing (${feed.consecutive_failures})`) : " disabled", healthy ? "good" : "bad"));
  if (feed.push === "active") li.append(el("span", " pushed", "good"));
  else if (feed.adaptive_interval_s) li.append(el("span", ` every ${seconds(feed.adaptive_interval_s)}`, "meta"));
  if (feed.last_error) li.title = feed.last_error;
  if (state.user && state.user.role === "admin") {
    const button = el("button", feed.enabled ? "Disable" : "Enable");
    button.className = "feed-toggle";
    button.addEventListener("click", async () => {
      try { await api("PATCH", `/feeds/${feed.id}`, { enabled: !feed.enabled }); await loadSide(); }
      catch (e) { alert(e.message); }
    });
    li.append(" ", button);
  }
  return li;
}

function filters() {
  const conf = parseFloat($("f-conf").value);
  const companies = $("f-companies").value.split(",").map((s) => s.trim()).filter(Boolean);
  return { confidence_threshold: isNaN(conf) ? 0 : Math.min(1, Math.max(0, conf)), companies };
}

function connect() {
  if (!state.token) return;
  const proto = location.protocol === "https:" ? "wss:" : "ws:";
  const ws = new WebSocket(`${proto}//${location.host}/ws`);
  state.ws = ws;
  ws.addEventListener("open", () => {
    ws.send(JSON.stringify({ type: "auth", data: { token: state.token } }));
  });
  ws.addEventListener("message", (event) => {
    let msg;
    try { msg = JSON.parse(event.data); } catch { return; }
    if (msg.type === "status") {
      if (msg.data.authenticated && !msg.data.subscribed) ws.send(JSON.stringify({ type: "subscribe", data: filters() }));
      if (msg.data.subscribed) { $("conn").textContent = "live"; $("conn").className = "pill on"; state.retry = 0; }
    } else if (msg.type === "alert") {
      renderAlert(msg.data, true);
    }
  });
  ws.addEventListener("close", () => {
    $("conn").textContent = "offline"; $("conn").className = "pill off";
    if (state.ws === ws && state.token) {
      state.retry = Math.min(state.retry + 1, 6);
      setTimeout(connect, 500 * 2 ** state.retry);
    }
  });
}

async function enter() {
  try { state.user = await api("GET", "/me"); } catch { return; }
  $("who").textContent = `${state.user.username} (${state.user.role})`;
  $("login-view").hidden = true; $("app-view").hidden = false; $("logout").hidden = false;
  await loadAlerts();
  connect();
  loadSide();
  loadEvents();
  loadFeedbackStats();
  loadLatency();
  $("opml-form").hidden = state.user.role !== "admin";
}

function signOut() {
  state.token = null; state.user = null;
  sessionStorage.removeItem("tge_token");
  if (state.ws) { const ws = state.ws; state.ws = null; ws.close(); }
  $("login-view").hidden = false; $("app-view").hidden = true; $("logout").hidden = true;
  $("feedback-stats").hidden = true;
  $("who").textContent = "";
}

document.addEventListener("DOMContentLoaded", () => {
  $("login-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    $("login-error").textContent = "";
    try {
      const data = await api("POST", "/auth/login", { username: $("username").value, password: $("password").value });
      state.token = data.access_token;
      sessionStorage.setItem("tge_token", state.token);
      await enter();
    } catch (e) { $("login-error").textContent = e.message; }
  });
  $("filters").addEventListener("submit", (event) => {
    event.preventDefault();
    if (state.ws && state.ws.readyState === WebSocket.OPEN) state.ws.send(JSON.stringify({ type: "subscribe", data: filters() }));
  });
  $("logout").addEventListener("click", signOut);
  $("ics-link").addEventListener("click", calendarLink);
  $("opml-form").addEventListener("submit", importOpml);
  $("opml-export").addEventListener("click", exportOpml);
  if (state.token) enter();
});
