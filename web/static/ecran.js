/* The scrutineers' live screen: follows the tally's Server-Sent Events feed (the session
   cookie goes with it, same origin) and redraws the page with DOM text nodes only: nothing
   read from the feed is ever parsed as HTML. */
"use strict";
(function () {
  const root = document.getElementById("ecran");
  if (!root || !window.EventSource) return;
  const status = document.getElementById("ecran-etat");
  const quorums = document.getElementById("ecran-quorums");
  const resolutions = document.getElementById("ecran-resolutions");
  const secret = new Set((root.dataset.secretes || "").split(" ").filter(Boolean).map(Number));

  function el(tag, text, className) {
    const node = document.createElement(tag);
    if (text !== undefined && text !== null) node.appendChild(document.createTextNode(String(text)));
    if (className) node.className = className;
    return node;
  }

  function cell(tag, text, className, scope) {
    const node = el(tag, text, className);
    if (scope) node.setAttribute("scope", scope);
    return node;
  }

  function table(r) {
    const wrap = el("div", null, "tableau-defilant");
    // Scrollable on a phone: reachable with the keyboard and named by its caption.
    wrap.setAttribute("tabindex", "0");
    wrap.setAttribute("role", "region");
    wrap.setAttribute("aria-labelledby", "decompte-" + r.number);
    const t = el("table");
    const caption = el("caption", "Décompte par collège, résolution n° " + r.number);
    caption.id = "decompte-" + r.number;
    t.appendChild(caption);
    const head = el("thead");
    const top = el("tr");
    for (const title of ["Collège", "Pour", "Contre", "Abst.", "Blanc", "Nul", "Base",
      "Résultat", "Poids retenu"]) {
      top.appendChild(cell("th", title, null, "col"));
    }
    head.appendChild(top);
    t.appendChild(head);
    const body = el("tbody");
    for (const c of r.colleges) {
      const tr = el("tr");
      tr.appendChild(cell("th", c.label, null, "row"));
      for (const value of [c.counts["for"], c.counts.against, c.counts.abstain, c.counts.blank,
        c.counts["null"], c.base, c.result_text || c.state_label, c.effective_weight_text]) {
        tr.appendChild(cell("td", value, "montant"));
      }
      body.appendChild(tr);
    }
    t.appendChild(body);
    wrap.appendChild(t);
    return wrap;
  }

  function resolution(r) {
    const section = el("section", null, "resolution-direct");
    section.appendChild(el("h2", "Résolution n° " + r.number + " : " + r.title));
    if (secret.has(r.number)) section.appendChild(el("p", "Bulletin secret.", "avertissement"));
    if (r.outcome !== "sealed") section.appendChild(table(r));  // no ballot opened yet
    const verdict = el("p", "Résultat : " + (r.weighted_text || "—") + " (majorité : " +
      r.threshold_text + ") — ", "verdict " + r.outcome);
    verdict.appendChild(el("strong", r.outcome_label));
    section.appendChild(verdict);
    const lines = el("ul", null, "explication-direct");
    for (const line of r.explanation) lines.appendChild(el("li", line));
    section.appendChild(lines);
    return section;
  }

  function draw(tally) {
    quorums.replaceChildren(...tally.quorums.map((q) => el("p", "Quorum : " + q.explanation)));
    const drawn = tally.resolutions.map(resolution);
    if (!drawn.length) drawn.push(el("p", "Aucune résolution n'est encore inscrite."));
    resolutions.replaceChildren(...drawn);
    const now = new Date().toLocaleTimeString("fr-FR", {timeZone: tally.time_zone});
    status.textContent = tally.final ? "Assemblée close : résultats définitifs." :
      "En direct — dernière mise à jour à " + now + " (heure de l'organisation).";
  }

  const source = new EventSource(root.dataset.flux);
  source.addEventListener("tally", (event) => {
    const tally = JSON.parse(event.data);
    draw(tally);
    if (tally.final) source.close();
  });
  source.addEventListener("erreur", (event) => {
    status.textContent = "Refusé : " + event.data;
    source.close();
  });
  source.addEventListener("error", () => {
    status.textContent = source.readyState === EventSource.CLOSED ?
      "Flux interrompu : rechargez la page (reconnectez-vous si la session a expiré)." :
      "Connexion perdue, nouvel essai…";
  });
})();
