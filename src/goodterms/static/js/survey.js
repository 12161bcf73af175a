// The exit survey's page: say once that it was shown ("opened"), and save answers as the person goes.
// Without this script the page works the same: "Save and finish later" and "Send" post the form.
(function () {
  "use strict";
  var form = document.getElementById("survey-form");
  if (!form) { return; }
  var nonce = form.getAttribute("data-nonce");
  var base = window.location.pathname.replace(/\/?$/, "/");
  var saved = document.getElementById("saved");

  function post(url, body, headers) {
    return window.fetch(url, {
      method: "POST",
      body: body,
      headers: headers || {},
      credentials: "same-origin",
      referrerPolicy: "no-referrer",
      cache: "no-store"
    });
  }

  var opened = new URLSearchParams();
  opened.set("nonce", nonce);
  post(base + "opened/", opened).catch(function () {});

  var timer = null;
  function save() {
    timer = null;
    var data = new URLSearchParams(new FormData(form));
    data.set("action", "save");
    post(base, data, { "X-Survey-Autosave": "1" }).then(function (response) {
      if (saved && response.status === 204) { saved.textContent = "Saved"; }
    }).catch(function () {});
  }
  function later() {
    if (saved) { saved.textContent = ""; }
    if (timer) { window.clearTimeout(timer); }
    timer = window.setTimeout(save, 1500);
  }
  form.addEventListener("input", later);
  form.addEventListener("change", later);
}());
