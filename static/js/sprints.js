// Sprint pages: charts drawn from the app's JSON, drag-and-drop planning and
// the board. Without JavaScript the tables and buttons still do everything.
(() => {
  const css = (name) => getComputedStyle(document.documentElement).getPropertyValue(name).trim();

  function burndownChart(canvas, data) {
    return new Chart(canvas, {
      data: {
        labels: data.days,
        datasets: [
          { type: "line", label: "Remaining", data: data.remaining, borderColor: css("--accent"), tension: 0, spanGaps: false },
          { type: "line", label: "Ideal", data: data.ideal, borderColor: css("--muted"), borderDash: [6, 4], pointRadius: 0 },
          { type: "bar", label: "Added scope", data: data.added, backgroundColor: "rgba(181, 71, 8, .45)" },
          { type: "bar", label: "Removed scope", data: data.removed, backgroundColor: "rgba(102, 112, 133, .35)" },
        ],
      },
      options: { animation: false, responsive: true, scales: { y: { beginAtZero: true, title: { display: true, text: "points" } } } },
    });
  }

  function velocityChart(canvas, data) {
    return new Chart(canvas, {
      type: "bar",
      data: {
        labels: data.sprints.map((row) => row.name),
        datasets: [
          { label: "Committed", data: data.sprints.map((row) => row.committed), backgroundColor: "rgba(102, 112, 133, .45)" },
          { label: "Completed", data: data.sprints.map((row) => row.completed), backgroundColor: css("--accent") },
        ],
      },
      options: { animation: false, responsive: true, scales: { y: { beginAtZero: true, title: { display: true, text: "points" } } } },
    });
  }

  function drawCharts(root) {
    if (!window.Chart) return;
    root.querySelectorAll("canvas[data-chart]:not([data-drawn])").forEach(async (canvas) => {
      const response = await fetch(canvas.dataset.url, { headers: { Accept: "application/json" }, credentials: "same-origin" });
      if (!response.ok) return;
      const data = await response.json();
      (canvas.dataset.chart === "velocity" ? velocityChart : burndownChart)(canvas, data);
      canvas.dataset.drawn = "1";
    });
  }

  const csrfToken = () => JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRFToken"];

  async function post(url, values) {
    const body = new URLSearchParams(values);
    return fetch(url, {
      method: "POST",
      body,
      credentials: "same-origin",
      headers: { "X-CSRFToken": csrfToken(), "HX-Request": "true" },
    });
  }

  // Planning: drag between the backlog and the sprint (or its stages).
  function initPlanning(root) {
    const planning = root.querySelector("#planning") || (root.id === "planning" ? root : null);
    if (!planning || !window.Sortable) return;
    const send = (url, values) =>
      htmx.ajax("POST", url, { target: "#planning", swap: "outerHTML", values });
    planning.querySelectorAll(".plan-list").forEach((list) => {
      if (list.dataset.closed) return;
      Sortable.create(list, {
        group: "plan",
        forceFallback: true,
        sort: false,
        filter: ".empty-note, button, select, input",
        preventOnFilter: false,
        onAdd(event) {
          const item = event.item.dataset.item;
          const to = event.to.dataset;
          const from = event.from.dataset;
          if (to.list === "backlog") send(planning.dataset.removeUrl, { item });
          else if (from.list === "backlog") send(planning.dataset.addUrl, { item, stage: to.stage || "" });
          else send(planning.dataset.stageUrl, { item, stage: to.stage || "" });
        },
      });
    });
  }

  // Board counts after a drag: each column's cards, and the WIP limits over
  // all lanes (the server drew the same on page load).
  function recount() {
    const board = document.querySelector(".board");
    if (!board) return;
    board.querySelectorAll(".board-column").forEach((column) => {
      const count = column.querySelectorAll(".board-card").length;
      column.querySelector(".column-count").textContent = count;
      if (column.dataset.limit) {
        const over = count > Number(column.dataset.limit);
        column.classList.toggle("over-limit", over);
        column.querySelector(".over-badge").hidden = !over;
      }
    });
    document.querySelectorAll("#wip-status li[data-status]").forEach((line) => {
      const count = board.querySelectorAll(`.card-list[data-status="${line.dataset.status}"] .board-card`).length;
      const over = count > Number(line.dataset.limit);
      line.querySelector(".wip-count").textContent = count;
      line.querySelector(".wip-over").hidden = !over;
      line.classList.toggle("over", over);
    });
  }

  // After a move from the keyboard form the board is drawn again: focus goes
  // to the moved card, where the person's attention is.
  function focusMovedCard(area) {
    const moved = area.dataset.focusItem;
    if (!moved) return;
    const link = area.querySelector(`.board-card[data-item="${moved}"] a.title`);
    if (link) link.focus();
  }

  // Board: a card dropped in another column asks the server to change its
  // status; if the workflow refuses, the card goes back and the reason shows.
  function initBoard(root) {
    const area = document.getElementById("board-area");
    if (area) area.dataset.ready = "1";
    const board = root.querySelector(".board[data-movable]");
    if (!board || !window.Sortable) return;
    const message = document.getElementById("board-message");
    board.querySelectorAll(".card-list").forEach((list) => {
      Sortable.create(list, {
        group: `lane-${list.dataset.lane}`,
        forceFallback: true,
        filter: "button, select, input, label",
        preventOnFilter: false,
        async onAdd(event) {
          const card = event.item;
          const snapBack = () => event.from.insertBefore(card, event.from.children[event.oldIndex] || null);
          message.hidden = true;
          const response = await post(board.dataset.moveUrl, {
            item: card.dataset.item,
            status: event.to.dataset.status,
            version: card.dataset.version,
          });
          const text = await response.text();
          if (!response.ok) {
            snapBack();
            message.textContent = text;
            message.hidden = false;
            return;
          }
          const fresh = document.createRange().createContextualFragment(text).firstElementChild;
          const hadFocus = card.contains(document.activeElement);
          card.replaceWith(fresh);
          if (hadFocus) fresh.querySelector("a.title")?.focus();
          recount();
        },
      });
    });
  }

  // A select that shows its choice at once (the board's swimlanes); a button does it without JavaScript.
  function initAutoSubmit(root) {
    root.querySelectorAll("select[data-submit-on-change]").forEach((select) => {
      select.addEventListener("change", () => select.form.requestSubmit());
    });
  }

  function init(root) {
    initAutoSubmit(root);
    drawCharts(root);
    initPlanning(root);
    initBoard(root);
  }

  document.addEventListener("DOMContentLoaded", () => {
    init(document);
    document.body.addEventListener("htmx:afterSwap", (event) => {
      const root = event.detail.elt.parentElement || document;
      drawCharts(root);
      initPlanning(root);
      const area = document.getElementById("board-area");
      if (area && !area.dataset.ready) {
        initBoard(area);
        focusMovedCard(area);
      }
    });
  });
})();
