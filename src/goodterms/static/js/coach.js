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
  const count = document.getElementById("coach-count");
  const subject = document.getElementById("id_subject");
  let timer = null;
  let asked = 0;

  // The server counts characters (Unicode code points); JavaScript strings count UTF-16 units, in which an
  // emoji or another character outside the basic plane takes two. Offsets are converted before any slicing.
  function utf16Offsets(text) {
    const offsets = [0];
    let at = 0;
    for (const char of text) {
      at += char.length;
      offsets.push(at);
    }
    return offsets;
  }

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
    politeness.textContent = report.politeness === null ? "not scored" : report.politeness.toFixed(2);
    // Why the score is what it is: the words and strategies that pulled it down or lifted it most.
    const offsets = utf16Offsets(text);
    const reasons = document.getElementById("coach-reasons");
    if (reasons) {
      reasons.textContent = "";
      (report.reasons || []).forEach((r) => {
        const down = r.weight < 0;
        // The words as the user wrote them; for a strategy, what it does in plain words too.
        const words = text.slice(offsets[r.start] ?? text.length, offsets[r.end] ?? text.length) || r.words;
        const line = (down ? "Pulls it down" : "Lifts it") + ": “" + words + "”" + (r.says ? " — " + r.says : "");
        reasons.append(el("li", { class: down ? "reason-down" : "reason-up" }, line));
      });
    }
    const findings = report.findings
      .map((f) => {
        const start = offsets[f.start] ?? text.length;
        const end = offsets[f.end] ?? text.length;
        return Object.assign({}, f, { start, end, words: text.slice(start, end) });
      })
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
    // The live region says exactly what the list shows.
    document.getElementById("coach-status").dataset.findings = String(findings.length);
    count.textContent = findings.length + (findings.length === 1 ? " finding" : " findings");
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

  // Nothing typed is lost by leaving: the browser asks first while the text differs from what was saved.
  const saved = { body: body.value, subject: subject ? subject.value : "" };
  let submitting = false;
  form.addEventListener("submit", () => {
    submitting = true;
  });
  window.addEventListener("beforeunload", (event) => {
    const changed = body.value !== saved.body || (subject && subject.value !== saved.subject);
    if (changed && !submitting) {
      event.preventDefault();
      event.returnValue = "";
    }
  });
  check();
})();
