// Roadmap pages: drag-and-drop between Now / Next / Later (Sortable) and the
// forecast histogram (Chart.js). Without JavaScript the buttons move items and
// the tables show the figures.
(() => {
  const css = (name) => getComputedStyle(document.documentElement).getPropertyValue(name).trim();
  const csrfToken = () => JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRFToken"];

  function initBoard() {
    const board = document.querySelector("#board[data-movable]");
    if (!board || !window.Sortable) return;
    const message = document.getElementById("roadmap-message");
    const isItem = (el) => el && el.matches("li[data-item]");
    board.querySelectorAll(".roadmap-list").forEach((list) => {
      Sortable.create(list, {
        group: "roadmap",
        forceFallback: true,
        draggable: "li[data-item]",
        filter: "button, input, form",
        preventOnFilter: false,
        async onEnd(event) {
          if (event.from === event.to && event.oldIndex === event.newIndex) return;
          const card = event.item;
          const next = isItem(card.nextElementSibling) ? card.nextElementSibling : null;
          const previous = isItem(card.previousElementSibling) ? card.previousElementSibling : null;
          const place = next ? { before: next.dataset.item } : previous ? { after: previous.dataset.item } : { to: "bottom" };
          place.horizon = event.to.dataset.horizon;
          message.hidden = true;
          const response = await fetch(card.dataset.moveUrl, {
            method: "POST",
            credentials: "same-origin",
            headers: { "X-CSRFToken": csrfToken(), "X-Requested-With": "fetch" },
            body: new URLSearchParams(place),
          });
          if (!response.ok) {
            // Put the card back where it was and say why.
            event.from.insertBefore(card, event.from.children[event.oldIndex] || null);
            message.textContent = response.status === 403 ? "Your role may not change the roadmap." : await response.text();
            message.hidden = false;
            return;
          }
          // The server's board: counts, empty notes and buttons follow the move.
          htmx.ajax("GET", window.location.pathname, { target: "#board", swap: "outerHTML", select: "#board" }).then(initBoard);
        },
      });
    });
  }

  function drawHistograms() {
    if (!window.Chart) return;
    document.querySelectorAll("canvas[data-histogram]:not([data-drawn])").forEach((canvas) => {
      const bins = JSON.parse(canvas.dataset.histogram || "[]");
      if (!bins.length) return;
      new Chart(canvas, {
        type: "bar",
        data: {
          labels: bins.map((bin) => (bin.to ? bin.from : `after ${bin.from}`)),
          datasets: [
            { type: "bar", label: "Runs finishing", data: bins.map((bin) => bin.runs), backgroundColor: css("--accent") || "#3657c9", yAxisID: "runs" },
            { type: "line", label: "Done by then (%)", data: bins.map((bin) => Math.round(bin.cumulative * 100)), borderColor: "#b54708", yAxisID: "share", pointRadius: 0 },
          ],
        },
        options: {
          animation: false,
          responsive: true,
          scales: {
            runs: { position: "left", beginAtZero: true, title: { display: true, text: "runs" } },
            share: { position: "right", min: 0, max: 100, title: { display: true, text: "% done" }, grid: { drawOnChartArea: false } },
          },
        },
      });
      canvas.dataset.drawn = "1";
    });
  }

  document.addEventListener("DOMContentLoaded", () => {
    initBoard();
    drawHistograms();
  });
})();
