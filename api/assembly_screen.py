"""The scrutineers' projector page: one self-contained French HTML page, no external file.

It holds no data: the scrutineer signs in on the page, then the page reads the tally streamed
by ``live`` (a ``fetch`` with the Authorization header, read as Server-Sent Events) and redraws
with DOM text nodes only, so nothing from the database is ever parsed as HTML. The Content
Security Policy allows exactly this script and style (by hash) and requests to this server.
"""

from __future__ import annotations

import base64
import hashlib

_STYLE = """
body{font-family:system-ui,sans-serif;margin:1.5rem;background:#fafafa;color:#111;font-size:1.2rem}
h1{font-size:1.8rem;margin:0 0 .5rem}h2{font-size:1.4rem;margin:1.2rem 0 .3rem}
form{display:flex;gap:.5rem;flex-wrap:wrap;align-items:end}
label{display:flex;flex-direction:column;font-size:1rem}
input,button{font-size:1.1rem;padding:.3rem .5rem}
table{border-collapse:collapse;margin:.3rem 0}
th,td{border:1px solid #bbb;padding:.2rem .6rem;text-align:right}
th:first-child,td:first-child{text-align:left}
.adopted{color:#0a6b2b;font-weight:bold}.rejected{color:#a11;font-weight:bold}
.not_deliberated,.undecided{color:#8a5a00;font-weight:bold}
#etat{color:#555;font-size:1rem}ul{margin:.2rem 0}
"""

_SCRIPT = """
"use strict";
let token = null;
const $ = (id) => document.getElementById(id);
function el(tag, text, cls) {
  const node = document.createElement(tag);
  if (text !== undefined && text !== null) node.textContent = String(text);
  if (cls) node.className = cls;
  return node;
}
function status(text) { $("etat").textContent = text; }
function row(cells, head) {
  const tr = el("tr");
  for (const c of cells) tr.appendChild(el(head ? "th" : "td", c));
  return tr;
}
function draw(tally) {
  const a = tally.assembly;
  $("titre").textContent = a.title + " — " + a.kind_label + " du " +
    a.held_on.split("-").reverse().join("/");
  const root = $("resultats");
  root.replaceChildren();
  for (const q of tally.quorums) root.appendChild(el("p", q.explanation));
  for (const r of tally.resolutions) {
    root.appendChild(el("h2", "Résolution n° " + r.number + " : " + r.title));
    const table = el("table");
    table.appendChild(row(["Collège", "Pour", "Contre", "Abst.", "Blanc", "Nul", "Base",
      "Résultat", "Poids retenu"], true));
    for (const c of r.colleges) {
      table.appendChild(row([c.label, c.counts["for"], c.counts.against, c.counts.abstain,
        c.counts.blank, c.counts["null"], c.base, c.result_text || c.state_label,
        c.effective_weight_text]));
    }
    if (r.outcome !== "sealed") root.appendChild(table);
    const verdict = el("p", "", r.outcome);
    verdict.textContent = "Résultat pondéré : " + (r.weighted_text || "—") + " (majorité : " +
      r.threshold_text + ") — " + r.outcome_label;
    root.appendChild(verdict);
    const lines = el("ul");
    for (const line of r.explanation) lines.appendChild(el("li", line));
    root.appendChild(lines);
  }
  const now = new Date().toLocaleTimeString("fr-FR", {timeZone: tally.time_zone});
  status(tally.final ? "Assemblée close : résultats définitifs." :
    "En direct — mis à jour à chaque vote (" + now + ").");
}
async function failure(response) {
  try { return (await response.json()).error.message; } catch (e) { return response.statusText; }
}
async function follow() {
  const response = await fetch("live", {
    headers: {"Authorization": "Bearer " + token, "Accept": "text/event-stream"},
    cache: "no-store",
  });
  if (!response.ok) {
    const message = await failure(response);
    if (response.status === 401) { token = null; $("connexion").hidden = false; }
    status("Refusé : " + message);
    return true;
  }
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let buffer = "", final = false;
  for (;;) {
    const {value, done} = await reader.read();
    if (done) return final;
    buffer += decoder.decode(value, {stream: true});
    let cut;
    while ((cut = buffer.indexOf("\\n\\n")) >= 0) {
      const block = buffer.slice(0, cut);
      buffer = buffer.slice(cut + 2);
      let name = "message", data = "";
      for (const line of block.split("\\n")) {
        if (line.startsWith("event: ")) name = line.slice(7);
        else if (line.startsWith("data: ")) data += line.slice(6);
      }
      if (name === "tally") { const tally = JSON.parse(data); final = tally.final; draw(tally); }
      else if (name === "erreur") { status("Erreur : " + data); return true; }
    }
  }
}
async function run() {
  while (token) {
    let stop = false;
    try { stop = await follow(); } catch (e) { status("Connexion perdue, nouvel essai…"); }
    if (stop) return;
    await new Promise((resolve) => setTimeout(resolve, 3000));
  }
}
$("connexion").addEventListener("submit", async (event) => {
  event.preventDefault();
  const body = new URLSearchParams({username: $("identifiant").value,
    password: $("motdepasse").value});
  const response = await fetch("../../auth/token", {method: "POST", body: body});
  if (!response.ok) { status("Connexion refusée : " + await failure(response)); return; }
  token = (await response.json()).access_token;
  $("motdepasse").value = "";
  $("connexion").hidden = true;
  status("Connecté, lecture du dépouillement…");
  run();
});
"""


def _hash(text: str) -> str:
    digest = hashlib.sha256(text.encode()).digest()
    return f"'sha256-{base64.b64encode(digest).decode()}'"


SCREEN_PAGE = f"""<!doctype html>
<html lang="fr">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>Écran des scrutateurs</title>
<style>{_STYLE}</style>
</head>
<body>
<h1 id="titre">Écran des scrutateurs</h1>
<form id="connexion">
<label>Identifiant <input id="identifiant" autocomplete="username" required></label>
<label>Mot de passe <input id="motdepasse" type="password" autocomplete="current-password"
 required></label>
<button type="submit">Afficher le dépouillement</button>
</form>
<p id="etat">Connectez-vous avec un compte de scrutateur, du conseil ou d'administrateur.</p>
<div id="resultats"></div>
<script>{_SCRIPT}</script>
</body>
</html>
"""

SCREEN_HEADERS = {
    "Content-Security-Policy": (
        f"default-src 'none'; script-src {_hash(_SCRIPT)}; style-src {_hash(_STYLE)}; "
        "connect-src 'self'; form-action 'none'; frame-ancestors 'none'; base-uri 'none'"
    ),
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
    "X-Content-Type-Options": "nosniff",
}
