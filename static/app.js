// Vitrina's own script: htmx settings. Pages work without it; it only makes updates in place.
document.addEventListener("DOMContentLoaded", function () {
  if (!window.htmx) { return; }
  // Swap error answers too: they carry a message for #flash (the server retargets them).
  htmx.config.responseHandling = [
    { code: "204", swap: false },
    { code: "[23]..", swap: true },
    { code: "[45]..", swap: true, error: true }
  ];
});

// The language switch returns to the address shown, which htmx may have changed since the
// page loaded: the ticket list pushes its filters and page into the URL.
document.addEventListener("submit", function (event) {
  var form = event.target;
  if (form.getAttribute("action") !== "/settings/language") { return; }
  var next = form.querySelector("input[name=next]");
  if (next) { next.value = window.location.pathname + window.location.search; }
});
