// A job's page (templates/jobs/job.html): its state is polled every two seconds and shown in the
// page's polite live region, so that a screen reader hears the progress. When the job ends, the
// result (or the error) is put in place from the page as the server now renders it, and the live
// region says how it ended; a full reload would be silent for a screen reader. Polling stops then,
// and when the job is gone or no longer ours to see. Without JavaScript the page refreshes itself
// (its <noscript> meta refresh) until the job ends.
(function () {
  "use strict";
  var box = document.getElementById("job");
  if (!box || box.dataset.finished === "true") { return; }
  var state = document.getElementById("job-state");
  var bar = document.getElementById("job-progress");
  var stopped = false;

  function later(delay) { if (!stopped) { window.setTimeout(poll, delay); } }

  function showProgress(job) {
    var strong = document.createElement("strong");
    strong.textContent = job.state_label;
    state.replaceChildren(strong);
    if (job.note) { state.append(": " + job.note); }
    if (bar && job.percent !== null) { bar.value = job.percent; bar.textContent = job.percent + " %"; }
  }

  function showEnd(job) {
    stopped = true;
    fetch(window.location.href, { headers: { Accept: "text/html" }, credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.text() : Promise.reject(response.status); })
      .then(function (html) {
        var page = new DOMParser().parseFromString(html, "text/html");
        var fresh = page.getElementById("job");
        if (!fresh || fresh.dataset.finished !== "true") { throw new Error("not finished"); }
        var freshState = page.getElementById("job-state");
        // The live region stays the same element (a replaced one is not read out): everything
        // around it is replaced, then its text says how the job ended, with the outcome.
        Array.prototype.slice.call(box.children).forEach(function (child) {
          if (child !== state) { child.remove(); }
        });
        var after = false;
        Array.prototype.slice.call(fresh.children).forEach(function (child) {
          if (child.id === "job-state") { after = true; return; }
          if (after) { box.append(child); } else { box.insertBefore(child, state); }
        });
        // The live region below says how it ended: an inserted alert would say the error twice.
        box.querySelectorAll('[role="alert"]').forEach(function (alert) { alert.removeAttribute("role"); });
        box.dataset.finished = "true";
        state.replaceChildren.apply(state, Array.prototype.slice.call(freshState.childNodes));
        var outcome = box.querySelector("[data-outcome]");
        if (outcome && outcome.textContent.trim()) {
          var said = document.createElement("span");
          said.className = "visually-hidden";
          said.textContent = " " + outcome.textContent.trim();
          state.append(said);
        }
      })
      .catch(function () {
        // The result could not be put in place: say how it ended, then show the page as it is now.
        showProgress({ state_label: job.state_label, note: "", percent: null });
        window.setTimeout(function () { window.location.reload(); }, 3000);
      });
  }

  function poll() {
    var asked = { headers: { Accept: "application/json" }, credentials: "same-origin", redirect: "manual" };
    fetch(box.dataset.statusUrl, asked)
      .then(function (response) {
        var json = (response.headers.get("Content-Type") || "").indexOf("json") !== -1;
        if (response.ok && json) { return response.json(); }
        // Signed out (a redirect to the login), gone, or no longer ours to see: asking again
        // would not change that. The page, loaded again, says which.
        if (response.type === "opaqueredirect" || (response.status >= 400 && response.status < 500)) {
          stopped = true;
          window.location.reload();
        }
        return null;
      })
      .then(function (job) {
        if (!job) { later(5000); return; }
        if (job.finished) { showEnd(job); return; }
        showProgress(job);
        later(2000);
      })
      .catch(function () { later(5000); });
  }
  later(1000);
})();
