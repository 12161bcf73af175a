// The editor's live tone coach. The page works without it: "Check" posts the form and the server coaches.
(() => {
  const form = document.getElementById("editor");
  const body = document.getElementById("id_body");
  if (!form || !body || body.readOnly) return;
  const url = form.dataset.coachUrl;
  const token = form.querySelector("input[name=csrfmiddlewaretoken]").value;
  const preview = document.getElementById("coach-preview");
  const list = document.getElementById("coach-findings");
  const politeness = document.getElementById("coach-politeness");
  let timer = null;
  let asked = 0;

  function el(tag, attrs, text) {
    const node = document.createElement(tag);
    Object.entries(attrs || {}).forEach(([key, value]) => node.setAttribute(key, value));
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function apply(finding) {
    // Replace exactly the flagged words, then coach the new text at once.
    const text = body.value;
    if (text.slice(finding.start, finding.end) !== finding.words) return;
    body.value = text.slice(0, finding.start) + finding.replacement + text.slice(finding.end);
    body.focus();
    const at = finding.start + finding.replacement.length;
    body.setSelectionRange(at, at);
    check();
  }

  function show(report, text) {
    politeness.textContent = report.politeness.toFixed(2);
    const findings = report.findings
      .map((f) => Object.assign({}, f, { words: text.slice(f.start, f.end) }))
      .sort((a, b) => a.start - b.start);
    // The preview: the text with each finding's words marked (overlapping findings: the first one wins).
    preview.textContent = "";
    let at = 0;
    findings.forEach((f, index) => {
      if (f.start < at || f.end <= f.start) return;
      preview.append(text.slice(at, f.start));
      const mark = el("mark", { class: "severity-" + f.severity, title: f.message, "data-finding": index }, f.words);
      preview.append(mark);
      at = f.end;
    });
    preview.append(text.slice(at));
    list.textContent = "";
    if (!findings.length) list.append(el("li", { class: "finding" }, "Nothing a client would take badly."));
    findings.forEach((f) => {
      const item = el("li", { class: "finding severity-" + f.severity });
      const label = f.category === "unanswered-question" ? "The client may ask" : f.severity.charAt(0).toUpperCase() + f.severity.slice(1);
      item.append(el("strong", {}, label));
      item.append(document.createTextNode((f.words ? ": “" + f.words + "”" : "") + " — " + f.message + " "));
      if (f.replacement) {
        const button = el("button", { type: "button", class: "button apply" }, "Use “" + f.replacement + "”");
        button.addEventListener("click", () => apply(f));
        item.append(button);
      }
      if (f.suggestion && !f.replacement) {
        item.append(el("span", { class: "suggestion" }, "Try: " + f.suggestion));
      }
      list.append(item);
    });
    document.getElementById("coach-status").dataset.findings = String(findings.length);
  }

  async function check() {
    const text = body.value;
    const mine = ++asked;
    try {
      const response = await fetch(url, {
        method: "POST",
        headers: { "Content-Type": "application/json", "X-CSRFToken": token },
        body: JSON.stringify({ body: text }),
        credentials: "same-origin",
      });
      if (!response.ok || mine !== asked) return; // a newer keystroke's answer wins
      show(await response.json(), text);
    } catch (error) {
      // Offline or the server restarting: the "Check" button still works.
    }
  }

  body.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(check, 250);
  });
  check();
})();
