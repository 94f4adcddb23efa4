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

// Fields marked data-shown-for="VALUE" show only while the form's `kind` select has that
// value, such as the cloud fields of a site. Without this script they always show.
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("form select[name=kind]").forEach(function (select) {
    var update = function () {
      select.form.querySelectorAll("[data-shown-for]").forEach(function (part) {
        part.hidden = part.getAttribute("data-shown-for") !== select.value;
      });
    };
    select.addEventListener("change", update);
    update();
  });
});
