// goodterms' only script: small conveniences. Every page works without it.
document.addEventListener("submit", (event) => {
  const form = event.target;
  const question = form.getAttribute && form.getAttribute("data-confirm");
  if (question && !window.confirm(question)) event.preventDefault();
});
document.addEventListener("focusin", (event) => {
  if (event.target.matches && event.target.matches("[data-select-on-focus]")) event.target.select();
});
// A "Copy" button next to a read-only field (the invitation link): shown only where the clipboard works.
for (const button of document.querySelectorAll("[data-copy]")) {
  if (!navigator.clipboard) continue;
  button.hidden = false;
  button.addEventListener("click", () => {
    const field = document.getElementById(button.getAttribute("data-copy"));
    if (!field) return;
    navigator.clipboard.writeText(field.value).then(() => { button.textContent = "Copied"; });
  });
}
// The start and change forms of an exit: as the answers change, say which playbook they lead to.
for (const form of document.querySelectorAll("form[data-playbook-suggestion]")) {
  const help = document.getElementById("id_playbook_helptext");
  const choose = form.querySelector('select[name="playbook"] option[value=""]');
  if (!help) continue;
  help.setAttribute("aria-live", "polite");
  const names = ["initiated_by", "reason", "money_affected", "feeling"];
  const ask = () => {
    const data = new FormData(form);
    const query = new URLSearchParams();
    for (const name of names) {
      const value = data.get(name);
      if (value !== null) query.set(name, name === "money_affected" ? "on" : value);
    }
    fetch(form.getAttribute("data-playbook-suggestion") + "?" + query, { credentials: "same-origin" })
      .then((response) => (response.ok ? response.json() : null))
      .then((found) => {
        if (!found) return;
        help.textContent = found.text;
        if (choose) choose.textContent = "Choose for me from the answers (now: " + found.title + ")";
      })
      .catch(() => {});
  };
  form.addEventListener("change", (event) => {
    if (names.includes(event.target.name)) ask();
  });
}
// On a phone the header folds its links behind "Menu" (without this script they simply stay visible).
for (const toggle of document.querySelectorAll(".menu-toggle")) {
  const menu = document.getElementById(toggle.getAttribute("aria-controls"));
  if (!menu) continue;
  toggle.hidden = false;
  document.documentElement.classList.add("has-menu");
  toggle.addEventListener("click", () => {
    const open = toggle.getAttribute("aria-expanded") !== "true";
    toggle.setAttribute("aria-expanded", String(open));
    menu.classList.toggle("is-open", open);
  });
}
