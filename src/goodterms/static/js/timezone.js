// The time-zone field of the settings page: when it is still empty (the server's zone), propose the zone the
// browser is in, if it is one of the names the field accepts. Nothing is saved until the user saves the form.
(function () {
  "use strict";
  const field = document.querySelector("input[data-time-zone]");
  const hint = document.querySelector("[data-browser-zone]");
  if (!field || !hint || field.value) return;
  let zone = "";
  try {
    zone = Intl.DateTimeFormat().resolvedOptions().timeZone || "";
  } catch (error) {
    return;
  }
  // Chromium reports some places by their old names (Asia/Calcutta): the page lists "old=new" pairs.
  const renamed = new Map(
    (hint.getAttribute("data-zones-renamed") || "").split(" ").filter(Boolean).map((pair) => pair.split("="))
  );
  zone = renamed.get(zone) || zone;
  const list = document.getElementById(field.getAttribute("list"));
  const known = list && Array.from(list.options).some((option) => option.value === zone);
  if (!known) return;
  hint.querySelector("[data-browser-zone-name]").textContent = zone.replace(/_/g, " ");
  hint.hidden = false;
  hint.querySelector("[data-use-browser-zone]").addEventListener("click", () => {
    field.value = zone;
    field.focus();
  });
})();
