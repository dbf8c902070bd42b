// The progress page of a background job (/tresorerie/travaux/<id>): asks for the job's state
// twice a second, moves the bar, and goes on to the result once the job is finished.
"use strict";
(function () {
  const box = document.getElementById("travail");
  if (!box) return;
  const bar = document.getElementById("avancement");
  const text = document.getElementById("avancement-texte");
  let said = "";
  function tick() {
    fetch(box.dataset.etat, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then((answer) => (answer.ok ? answer.json() : Promise.reject(answer.status)))
      .then((job) => {
        if (job.state !== "running") {
          window.location.replace(box.dataset.suite);
          return;
        }
        if (job.percent !== null) {
          bar.value = job.percent;
          bar.textContent = job.percent + " %";
          const now = job.percent + " % fait.";
          if (now !== said && job.percent % 10 === 0) {
            text.textContent = now; // every 10 %: a screen reader is not flooded
            said = now;
          }
        }
        window.setTimeout(tick, 500);
      })
      .catch(() => window.setTimeout(tick, 2000));
  }
  window.setTimeout(tick, 300);
})();
