// Retrospective board. The live part (#board-live) polls every two seconds
// with the board version it shows; the server answers 204 while nothing
// moved. A poll waits while this person is sending something, dragging a
// card or typing in a field that a swap would replace, so it never throws
// their work away (the add-card forms, which change with nothing else, are
// kept across swaps with hx-preserve). Without JavaScript every button and
// form still works.
(() => {
  let sending = 0;
  let dragging = false;

  const isPoll = (event) => event.detail.elt.id === "board-live" && event.detail.requestConfig.verb === "get";

  function typingInSwappedField(board) {
    const active = document.activeElement;
    if (!active || !board.contains(active) || !active.matches("textarea, input, select")) return false;
    return !active.closest("[hx-preserve]");
  }

  document.addEventListener("htmx:beforeRequest", (event) => {
    if (isPoll(event)) {
      const board = event.detail.elt;
      if (sending || dragging || document.hidden || typingInSwappedField(board)) event.preventDefault();
      return;
    }
    const elt = event.detail.elt;
    if (!elt.closest("#board-live")) return;
    // Counted until the answer is in, whatever the swap does to the element
    // that sent it (a replaced element's own events no longer reach document).
    sending += 1;
    event.detail.xhr.addEventListener("loadend", () => {
      sending = Math.max(0, sending - 1);
    });
    if (elt.matches("form.add-card, form.add-action, form.new-theme")) {
      event.detail.xhr.addEventListener("load", () => {
        if (event.detail.xhr.status < 300) {
          elt.reset();
          const messages = document.getElementById("messages");
          if (messages) messages.innerHTML = "";
        }
      });
    }
  });

  // Group phase: drag a card into a theme, or back out to the loose cards.
  function initGrouping(root) {
    if (!root.querySelector) return;
    const board = root.id === "board-live" ? root : root.querySelector("#board-live");
    if (!board || !window.Sortable || !board.classList.contains("phase-group")) return;
    const url = board.dataset.groupUrl;
    board.querySelectorAll(".card-list[data-theme], .card-list[data-loose]").forEach((list) => {
      Sortable.create(list, {
        group: "retro-cards",
        forceFallback: true,
        sort: false,
        filter: "button, select, input, label, textarea, .empty-note",
        preventOnFilter: false,
        onStart() {
          dragging = true;
        },
        onEnd() {
          dragging = false;
        },
        onAdd(event) {
          htmx.ajax("POST", url, {
            source: board,
            target: "#board-live",
            swap: "outerHTML",
            values: { card: event.item.dataset.card, theme: event.to.dataset.theme || "" },
          });
        },
      });
    });
  }

  // The discussion timer counts down between polls (the server sends the seconds left).
  function tick() {
    document.querySelectorAll(".timer[data-seconds]").forEach((timer) => {
      if (!timer.dataset.started) timer.dataset.started = String(Date.now());
      const left = Math.max(0, Number(timer.dataset.seconds) - Math.floor((Date.now() - Number(timer.dataset.started)) / 1000));
      timer.textContent = `${Math.floor(left / 60)}:${String(left % 60).padStart(2, "0")}`;
      timer.classList.toggle("over", left === 0);
    });
  }

  // Team health: a line per dimension over the last checks (the table beside it has the figures).
  const PALETTE = ["#3657c9", "#067647", "#b54708", "#b42318", "#6941c6", "#0e7090", "#c11574", "#667085", "#4e5ba6", "#027a48", "#93370d"];

  function drawHealth(root) {
    if (!window.Chart || !root.querySelectorAll) return;
    root.querySelectorAll("canvas[data-health-chart]:not([data-drawn])").forEach(async (canvas) => {
      canvas.dataset.drawn = "1";
      const response = await fetch(canvas.dataset.url, { headers: { Accept: "application/json" }, credentials: "same-origin" });
      if (!response.ok) return;
      const data = await response.json();
      new Chart(canvas, {
        type: "line",
        data: {
          labels: data.checks.map((check) => check.label),
          datasets: data.dimensions.map((dimension, i) => ({
            label: dimension.name,
            data: dimension.cells.map((cell) => (cell ? cell.score : null)),
            borderColor: PALETTE[i % PALETTE.length],
            backgroundColor: PALETTE[i % PALETTE.length],
            spanGaps: false,
            tension: 0,
          })),
        },
        options: { animation: false, responsive: true, scales: { y: { min: 0, max: 100, title: { display: true, text: "score" } } } },
      });
    });
  }

  // htmx:load fires for the page and for every swapped-in board.
  document.addEventListener("htmx:load", (event) => {
    initGrouping(event.detail.elt);
    drawHealth(event.detail.elt);
  });
  setInterval(tick, 1000);
})();
