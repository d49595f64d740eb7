// A job's page (templates/jobs/job.html): its state is polled every two seconds and shown in
// place; when the job ends, the page is loaded again to show its result or its error.
(function () {
  "use strict";
  var box = document.getElementById("job");
  if (!box || box.dataset.finished === "true") { return; }
  var state = document.getElementById("job-state");
  var bar = document.getElementById("job-progress");
  function poll() {
    fetch(box.dataset.statusUrl, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (job) {
        if (!job) { window.setTimeout(poll, 5000); return; }
        if (job.finished) { window.location.reload(); return; }
        var strong = document.createElement("strong");
        strong.textContent = job.state_label;
        state.replaceChildren(strong);
        if (job.note) { state.append(": " + job.note); }
        if (bar && job.percent !== null) { bar.value = job.percent; bar.textContent = job.percent + " %"; }
        window.setTimeout(poll, 2000);
      })
      .catch(function () { window.setTimeout(poll, 5000); });
  }
  window.setTimeout(poll, 1000);
})();
