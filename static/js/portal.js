// Site-wide behaviour. htmx swaps 4xx responses too, so forms sent with htmx
// show the server's validation messages instead of failing silently.
document.addEventListener("DOMContentLoaded", () => {
  if (!window.htmx) return;
  htmx.config.responseHandling = [
    { code: "204", swap: false },
    { code: "[23]..", swap: true },
    { code: "(400|409|422)", swap: true, error: false },
    { code: "[45]..", swap: false, error: true },
  ];
});

// Double submission: while a form is being sent, its submit buttons are
// disabled, so a double click sends it once. The server side is the
// idempotency key (`{% idempotency_field %}`, apps/core/idempotency.py).
(() => {
  const SUBMITTERS = 'button:not([type]), button[type="submit"], input[type="submit"]';

  function submitters(form) {
    const inside = Array.from(form.querySelectorAll(SUBMITTERS));
    const outside = form.id ? Array.from(document.querySelectorAll(`[form="${CSS.escape(form.id)}"]`)) : [];
    return inside.concat(outside.filter((el) => el.matches(SUBMITTERS)));
  }

  function setBusy(form, busy) {
    for (const button of submitters(form)) button.disabled = busy;
    form.toggleAttribute("aria-busy", busy);
    if (busy) form.dataset.submitting = "1";
    else delete form.dataset.submitting;
  }

  function newKey() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID().replaceAll("-", "");
    const bytes = new Uint8Array(16);
    crypto.getRandomValues(bytes);
    return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  }

  // Plain forms: the page is left, so nothing re-enables them but going back.
  document.addEventListener("submit", (event) => {
    const form = event.target;
    if (!(form instanceof HTMLFormElement) || event.defaultPrevented) return; // htmx handles its own
    if (form.method.toLowerCase() !== "post") return;
    if (form.dataset.submitting) {
      event.preventDefault();
      return;
    }
    form.dataset.submitting = "1";
    // Disabled only after this event: a button disabled now would drop its name=value from what is sent.
    setTimeout(() => setBusy(form, true), 0);
  });

  // Back to a page kept in the browser's cache: its forms can be sent again.
  window.addEventListener("pageshow", (event) => {
    if (!event.persisted) return;
    for (const form of document.querySelectorAll("form[data-submitting]")) setBusy(form, false);
  });

  // htmx requests that change something: busy until the answer is in. A form
  // that stays on the page gets a fresh key, so its next entry is a new one.
  function formOf(detail) {
    const elt = detail.elt;
    return elt instanceof HTMLFormElement ? elt : elt.closest && elt.closest("form");
  }
  const changes = (detail) => detail.requestConfig && detail.requestConfig.verb !== "get";

  document.addEventListener("htmx:beforeRequest", (event) => {
    if (!changes(event.detail)) return;
    const form = formOf(event.detail);
    if (form) setBusy(form, true);
    else if (event.detail.elt.matches && event.detail.elt.matches("button")) event.detail.elt.disabled = true;
  });
  document.addEventListener("htmx:afterRequest", (event) => {
    if (!changes(event.detail)) return;
    const form = formOf(event.detail);
    if (form) {
      setBusy(form, false);
      if (event.detail.successful) {
        for (const input of form.querySelectorAll('input[name="idempotency_key"]')) input.value = newKey();
      }
    } else if (event.detail.elt.matches && event.detail.elt.matches("button")) {
      event.detail.elt.disabled = false;
    }
  });
})();

// A table wider than a phone's screen scrolls inside its own box (portal.css);
// such a box takes keyboard focus, so it can be scrolled without a mouse.
(() => {
  function markScrollingTables() {
    for (const table of document.querySelectorAll("#main table")) {
      const scrolls = table.scrollWidth > table.clientWidth + 1 && getComputedStyle(table).overflowX === "auto";
      if (scrolls && !table.hasAttribute("tabindex")) table.setAttribute("tabindex", "0");
      else if (!scrolls && table.getAttribute("tabindex") === "0") table.removeAttribute("tabindex");
    }
  }
  let pending = 0;
  const later = () => {
    cancelAnimationFrame(pending);
    pending = requestAnimationFrame(markScrollingTables);
  };
  document.addEventListener("DOMContentLoaded", markScrollingTables);
  window.addEventListener("resize", later);
  document.addEventListener("htmx:afterSettle", later);
})();
