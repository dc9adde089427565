// Keep a returns job's progress bar current while the job runs, then show its outcome.
// A file, never inline script (the Content Security Policy forbids that). Without
// JavaScript the page's "Refresh this page" link does the same by hand.
(function () {
  "use strict";
  var box = document.querySelector("[data-job-progress]");
  if (!box || !window.fetch) {
    return;
  }
  var bar = box.querySelector("progress");
  var text = box.querySelector("#job-progress-text");
  var url = box.getAttribute("data-status-url");
  var INTERVAL_MS = 1500;

  function show(job) {
    if (job.total) {
      bar.max = job.total;
      bar.value = job.done;
    }
    bar.textContent = job.percent + "%";
    var words = job.status_label;
    if (job.total) {
      words += ": " + job.done + " of " + job.total + " steps done";
    }
    if (job.stage) {
      words += " (" + job.stage + ")";
    }
    text.textContent = words + ".";
  }

  function poll() {
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) {
          throw new Error("status " + response.status);
        }
        return response.json();
      })
      .then(function (job) {
        show(job);
        if (job.finished) {
          window.location.reload();
        } else {
          window.setTimeout(poll, INTERVAL_MS);
        }
      })
      .catch(function () {
        window.setTimeout(poll, INTERVAL_MS * 4);
      });
  }

  window.setTimeout(poll, INTERVAL_MS);
})();
