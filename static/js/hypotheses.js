// Hypothesis pages: the experiments' observed values against baseline and
// target (intervals as floating bars). The experiments table holds the figures.
(() => {
  const css = (name, fallback) => getComputedStyle(document.documentElement).getPropertyValue(name).trim() || fallback;

  function experimentsChart(canvas, data) {
    const labels = data.experiments.map((row) => row.label);
    const level = (label, value, color) => ({ type: "line", label, data: labels.map(() => value), borderColor: color, borderDash: [6, 4], pointRadius: 0, borderWidth: 1.5 });
    const datasets = [
      { type: "line", label: data.unit ? `Observed (${data.unit})` : "Observed", data: data.experiments.map((row) => row.observed), borderColor: css("--accent", "#3657c9"), backgroundColor: css("--accent", "#3657c9"), showLine: false, pointRadius: 6 },
    ];
    if (data.experiments.some((row) => row.low !== null)) {
      datasets.push({ type: "bar", label: "Interval", data: data.experiments.map((row) => (row.low === null ? null : [row.low, row.high])), backgroundColor: "rgba(54, 87, 201, .18)", barPercentage: 0.3 });
    }
    if (data.target !== null) datasets.push(level("Target", data.target, "#067647"));
    if (data.baseline !== null) datasets.push(level("Baseline", data.baseline, css("--muted", "#667085")));
    new Chart(canvas, { data: { labels, datasets }, options: { animation: false, responsive: true, maintainAspectRatio: false } });
    canvas.dataset.drawn = "1";
  }

  document.addEventListener("DOMContentLoaded", () => {
    if (!window.Chart) return;
    document.querySelectorAll("canvas[data-hypothesis-chart]").forEach((canvas) => {
      const source = document.getElementById(canvas.dataset.hypothesisChart);
      if (source) experimentsChart(canvas, JSON.parse(source.textContent));
    });
  });
})();
