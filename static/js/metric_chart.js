// Outcome metric charts: the series over time with baseline and target lines
// (metric page), and a small line per metric on the product overview. Data
// comes from the metric's series.json; the readings table holds the figures.
(() => {
  const css = (name, fallback) => getComputedStyle(document.documentElement).getPropertyValue(name).trim() || fallback;

  function level(label, value, count, color) {
    return { label, data: Array(count).fill(value), borderColor: color, borderDash: [6, 4], pointRadius: 0, borderWidth: 1.5 };
  }

  function draw(canvas, series) {
    const labels = series.points.map((point) => point[0]);
    const values = series.points.map((point) => point[1]);
    const full = canvas.dataset.metricChart === "full";
    const datasets = [
      { label: series.unit ? `${series.name} (${series.unit})` : series.name, data: values, borderColor: css("--accent", "#3657c9"), pointRadius: values.length > 60 ? 0 : 2, borderWidth: 2, tension: 0 },
    ];
    if (series.baseline !== null) datasets.push(level("Baseline", series.baseline, labels.length, css("--muted", "#667085")));
    if (series.target !== null) datasets.push(level("Target", series.target, labels.length, "#067647"));
    new Chart(canvas, {
      type: "line",
      data: { labels, datasets },
      options: {
        animation: false,
        responsive: full,
        maintainAspectRatio: full,
        plugins: { legend: { display: full }, tooltip: { enabled: full } },
        scales: full ? { x: { ticks: { maxTicksLimit: 12 } } } : { x: { display: false }, y: { display: false } },
      },
    });
    // What the chart shows, for tests and anyone inspecting the page.
    canvas.dataset.points = String(values.length);
    canvas.dataset.last = values.length ? String(values[values.length - 1]) : "";
    canvas.dataset.drawn = "1";
  }

  function drawAll(root) {
    if (!window.Chart) return;
    root.querySelectorAll("canvas[data-metric-chart]:not([data-drawn])").forEach(async (canvas) => {
      const response = await fetch(canvas.dataset.url, { headers: { Accept: "application/json" }, credentials: "same-origin" });
      if (response.ok) draw(canvas, await response.json());
    });
  }

  document.addEventListener("DOMContentLoaded", () => drawAll(document));
  document.addEventListener("htmx:afterSettle", (event) => drawAll(event.target));
})();
