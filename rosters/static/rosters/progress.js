// Follows a running import without reloading the page. Without scripts the
// page refreshes itself every 2 seconds (a <meta http-equiv="refresh">); with
// them, that refresh is cancelled and the JSON status is polled instead.
(function () {
  "use strict";
  var box = document.getElementById("import-progress");
  if (!box || !window.fetch) { return; }
  var refresh = document.querySelector('meta[http-equiv="refresh"]');
  if (refresh) { refresh.parentNode.removeChild(refresh); }
  var bar = box.querySelector("progress");
  var text = box.querySelector("[data-role=message]");
  var url = box.getAttribute("data-status-url");

  function poll() {
    fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (response) {
        if (!response.ok) { throw new Error(response.status); }
        return response.json();
      })
      .then(function (status) {
        if (!status.busy) { window.location.assign(status.next); return; }
        if (status.rows_total > 0 && !status.writing) {
          bar.max = status.rows_total;
          bar.value = Math.min(status.rows_done, status.rows_total);
        } else {
          bar.removeAttribute("value");  // indeterminate while writing
        }
        text.textContent = status.message;
        window.setTimeout(poll, 1500);
      })
      .catch(function () { window.setTimeout(function () { window.location.reload(); }, 5000); });
  }
  window.setTimeout(poll, 1000);
})();
