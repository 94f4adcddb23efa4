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
