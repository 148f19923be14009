// The job page follows its job: every two seconds it asks for the progress and shows it;
// when the job has ended it loads the page again to show the result. No other script, no library.
(function () {
  var section = document.getElementById("job-status");
  if (!section || section.dataset.final === "true") { return; }
  var url = section.dataset.progressUrl;
  function show(name, value) {
    var el = section.querySelector('[data-job="' + name + '"]');
    if (el) { el.textContent = value; }
  }
  function poll() {
    fetch(url, {credentials: "same-origin", headers: {"Accept": "application/json"}})
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) {
        if (!data) { return setTimeout(poll, 5000); }
        if (data.final) { window.location.reload(); return; }
        show("status_text", data.status_text); show("phase", data.phase);
        show("done", data.done); show("total", data.total);
        var bar = section.querySelector('[data-job="bar"]');
        if (bar) { bar.max = data.total || 1; bar.value = data.done; }
        setTimeout(poll, 2000);
      })
      .catch(function () { setTimeout(poll, 5000); });
  }
  setTimeout(poll, 1000);
})();
