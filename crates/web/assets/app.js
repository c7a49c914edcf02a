// Khiên Mạng: small progressive enhancements. No inline script anywhere (CSP).
document.addEventListener("DOMContentLoaded", () => {
  // Keep the search box's date in the result links' as_of (htmx includes it).
  const q = document.getElementById("q");
  if (q && q.value === "" && q.form) q.focus();

  // "Use my location" on the report form: fills the hidden lat/lon fields;
  // the commune is then found on the server.
  const locate = document.getElementById("use-location");
  if (locate && "geolocation" in navigator) {
    const status = document.getElementById(locate.dataset.status);
    locate.addEventListener("click", () => {
      status.textContent = "…";
      navigator.geolocation.getCurrentPosition(
        (pos) => {
          document.getElementById(locate.dataset.lat).value = pos.coords.latitude.toFixed(5);
          document.getElementById(locate.dataset.lon).value = pos.coords.longitude.toFixed(5);
          status.textContent = "✓ " + pos.coords.latitude.toFixed(3) + ", " + pos.coords.longitude.toFixed(3);
        },
        () => { status.textContent = "✗"; },
        { enableHighAccuracy: false, timeout: 10000, maximumAge: 600000 },
      );
    });
  } else if (locate) {
    locate.hidden = true;
  }
});

// Online contests: the countdown of an attempt. It counts down from what
// the server said was left (not from the device's clock), warns near the
// end and sends the answers when time is up; the server's deadline
// decides whatever this shows.
document.addEventListener("DOMContentLoaded", () => {
  const countdown = document.getElementById("countdown");
  if (!countdown) return;
  const remaining = Number(countdown.dataset.remainingMs || 0);
  const end = Date.now() + remaining;
  const box = document.getElementById("timer");
  const alert = document.getElementById("countdown-alert");
  const sheet = document.getElementById("sheet");
  let warned = false;
  let sent = false;
  if (sheet) sheet.addEventListener("submit", () => { sent = true; });
  const tick = () => {
    const left = Math.max(0, end - Date.now());
    const secs = Math.ceil(left / 1000);
    countdown.textContent = left > 0
      ? String(Math.floor(secs / 60)).padStart(2, "0") + ":" + String(secs % 60).padStart(2, "0")
      : countdown.dataset.overText;
    if (secs <= 30 && box) box.classList.add("contest-hurry");
    if (secs <= 30 && !warned && alert) {
      warned = true;
      alert.textContent = countdown.textContent;
    }
    if (left <= 0) {
      clearInterval(timer);
      if (remaining > 0 && sheet && sheet.dataset.autosubmit && !sent) {
        sent = true;
        sheet.requestSubmit();
      }
    }
  };
  const timer = setInterval(tick, 250);
  tick();
});

// Accounts: the "print the first-login sheet" button (no inline script);
// the report receipt's print button too. Shown only where script runs.
document.addEventListener("DOMContentLoaded", () => {
  for (const button of document.querySelectorAll("[data-print]")) {
    button.hidden = false;
    button.addEventListener("click", () => window.print());
  }
});

// The report receipt: copy the code and secret in one go. The button stays
// hidden without script or clipboard; the save link works without either.
document.addEventListener("DOMContentLoaded", () => {
  for (const button of document.querySelectorAll("[data-copy-from]")) {
    if (!navigator.clipboard) continue;
    button.hidden = false;
    const status = document.getElementById(button.dataset.status);
    button.addEventListener("click", () => {
      const text = button.dataset.copyFrom.split(" ")
        .map((id) => document.getElementById(id))
        .filter((el) => el)
        .map((el) => {
          const label = el.closest("dd") && el.closest("dd").previousElementSibling;
          return (label ? label.textContent + ": " : "") + el.textContent.trim();
        })
        .join("\n");
      navigator.clipboard.writeText(text).then(
        () => { if (status) status.textContent = button.dataset.copied; },
        () => { if (status) status.textContent = button.dataset.failed; },
      );
    });
  }
});

// Surveys: with script, the whole path is one page. Every question is in
// the form; those the answers so far skip are hidden and disabled (so they
// are neither shown nor sent), following the same rules as the server,
// which still drops any answer off the path before storing.
document.addEventListener("DOMContentLoaded", () => {
  const form = document.getElementById("survey-form");
  if (!form || form.dataset.page !== "0") return;
  const page = form.querySelector("input[name=page]");
  if (page) page.remove();
  const qs = [...form.querySelectorAll("fieldset[data-q]")];
  const ids = qs.map((f) => f.dataset.q);
  const picked = (f) => [...f.querySelectorAll("input:checked")].map((i) => i.value);
  const typed = (f) => {
    const i = f.querySelector("input[type=number]");
    return i && i.value.trim() !== "" ? Number(i.value) : null;
  };
  const holds = (op, x, v) => ({ lt: x < v, le: x <= v, eq: x === v, ne: x !== v, ge: x >= v, gt: x > v })[op];
  const nextAfter = (k) => {
    const f = qs[k];
    for (const rule of (f.dataset.rules || "").split(";").filter(Boolean)) {
      const [when, to] = rule.split(">");
      const [op, v] = when.split(":");
      let match = false;
      if (op === "c") match = picked(f).includes(v);
      else {
        const x = f.dataset.kind === "scale" ? (picked(f).length ? Number(picked(f)[0]) : null) : typed(f);
        match = x !== null && holds(op, x, Number(v));
      }
      if (match) {
        if (!to) return qs.length;
        const j = ids.indexOf(to);
        return j > k ? j : k + 1;
      }
    }
    return k + 1;
  };
  const update = () => {
    const on = new Set();
    for (let k = 0; k < qs.length; k = nextAfter(k)) on.add(k);
    qs.forEach((f, k) => { f.hidden = !on.has(k); f.disabled = !on.has(k); });
  };
  const send = document.getElementById("survey-submit");
  if (send && send.dataset.send) send.textContent = send.dataset.send;
  form.addEventListener("change", update);
  form.addEventListener("input", update);
  update();
});

// The survey builder: changing a question's kind shows its fields at once
// (without script, the "update the preview" button does it).
document.addEventListener("DOMContentLoaded", () => {
  const refresh = document.getElementById("builder-refresh");
  if (!refresh) return;
  document.querySelectorAll("#builder select[data-refresh]").forEach((s) => {
    s.addEventListener("change", () => refresh.click());
  });
});

// Live search in the pickers and paged lists (attendees, people, voices,
// trainings, accounts, an account's initiatives). Without script the
// search button (or the list's form) sends the search and the page comes
// back with the results. With script, typing in a box marked
// `data-live-targets` sends the same request after a pause, swaps in the
// parts of the answer with those ids, and a polite live region says how
// many were found. What is ticked travels with the request, as it does
// with the button.
document.addEventListener("DOMContentLoaded", () => {
  if (!window.fetch || !window.DOMParser) return;
  for (const input of document.querySelectorAll("input[data-live-targets]")) {
    const form = input.form;
    if (!form) continue;
    const ids = input.dataset.liveTargets.split(/\s+/).filter(Boolean);
    const button = input.dataset.liveButton ? document.getElementById(input.dataset.liveButton) : null;
    const status = document.createElement("p");
    status.className = "sr-only";
    status.id = input.id + "-live";
    status.setAttribute("role", "status");
    status.setAttribute("aria-live", "polite");
    input.insertAdjacentElement("afterend", status);
    let timer = null;
    let inflight = null;
    let last = input.value;
    const run = async () => {
      if (input.value === last) return;
      last = input.value;
      if (inflight) inflight.abort();
      inflight = new AbortController();
      const data = new FormData(form);
      if (button && button.name) data.set(button.name, button.value);
      const get = (form.getAttribute("method") || "get").toLowerCase() === "get";
      // Read the attribute: a button named "action" shadows form.action.
      let url = new URL(form.getAttribute("action") || location.href, location.href).href;
      const init = { signal: inflight.signal, credentials: "same-origin" };
      if (get) {
        url = url.split("?")[0] + "?" + new URLSearchParams(data).toString();
      } else {
        init.method = "POST";
        init.body = form.getAttribute("enctype") === "multipart/form-data" ? data : new URLSearchParams(data);
      }
      let res;
      try {
        res = await fetch(url, init);
      } catch (_) {
        return; // a newer search took over, or the network failed: the button still works
      }
      if (!(res.ok || res.status === 422)) return;
      const doc = new DOMParser().parseFromString(await res.text(), "text/html");
      let count = null;
      for (const id of ids) {
        const here = document.getElementById(id);
        const there = doc.getElementById(id);
        if (!here || !there) continue;
        here.innerHTML = there.innerHTML;
        const counted = here.matches("[data-live-count]") ? here : here.querySelector("[data-live-count]");
        if (counted && count === null) count = counted.textContent.trim();
      }
      if (count === null && input.dataset.liveLabel) {
        const n = ids.map((id) => document.getElementById(id))
          .filter(Boolean)
          .reduce((sum, el) => sum + el.querySelectorAll('option:not([value=""]), input[type=checkbox], tbody tr').length, 0);
        count = input.dataset.liveLabel + ": " + n;
      }
      status.textContent = count ?? "";
      if (get) history.replaceState(null, "", url);
    };
    input.addEventListener("input", () => {
      clearTimeout(timer);
      timer = setTimeout(run, 300);
    });
    // Enter still submits the form as without script; a pending live search is dropped.
    form.addEventListener("submit", () => clearTimeout(timer));
  }
});
