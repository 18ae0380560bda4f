// Charts of a happiness report, drawn from the report's JSON in the API.
// The tables under the charts hold the same figures, so without JavaScript
// (or for a screen reader) nothing is lost.
document.addEventListener("DOMContentLoaded", async () => {
  const section = document.querySelector("[data-report-url]");
  if (!section || !window.Chart) return;
  const accent = "#3657c9";
  const get = async (url) => {
    const response = await fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" });
    if (!response.ok) throw new Error(`${url} answered ${response.status}`);
    return response.json();
  };
  const draw = (id, config) => {
    const canvas = document.getElementById(id);
    if (canvas) new Chart(canvas, { ...config, options: { animation: false, maintainAspectRatio: false, plugins: { legend: { display: config.type !== "bar" } }, ...config.options } });
  };

  const report = await get(section.dataset.reportUrl);
  const overall = report.figures.overall;
  const distribution = overall.happiness.distribution;
  draw("chart-happiness", {
    type: "bar",
    data: { labels: Object.keys(distribution), datasets: [{ label: "Answers", data: Object.values(distribution), backgroundColor: accent }] },
    options: { scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } },
  });
  draw("chart-nps", {
    type: "doughnut",
    data: {
      labels: ["Promoters", "Passives", "Detractors"],
      datasets: [{ data: [overall.nps.promoters, overall.nps.passives, overall.nps.detractors], backgroundColor: ["#067647", "#98a2b3", "#b42318"] }],
    },
  });
  const rated = report.figures.capabilities.filter((c) => c.enough);
  if (rated.length) {
    draw("chart-capabilities", {
      type: "bar",
      data: { labels: rated.map((c) => c.name), datasets: [{ label: "Satisfaction", data: rated.map((c) => c.satisfaction.mean), backgroundColor: accent }] },
      options: { indexAxis: "y", scales: { x: { min: 0, max: 5 } } },
    });
  } else {
    document.getElementById("chart-capabilities")?.closest("figure")?.remove();
  }

  const rounds = (await get(section.dataset.trendUrl)).results
    .filter((r) => r.happiness_mean !== null)
    .sort((a, b) => a.round_number - b.round_number);
  draw("chart-trend", {
    type: "line",
    data: {
      labels: rounds.map((r) => `Round ${r.round_number}`),
      datasets: [
        { label: "Happiness (1–5)", data: rounds.map((r) => r.happiness_mean), borderColor: accent, yAxisID: "happiness" },
        { label: "NPS", data: rounds.map((r) => r.nps), borderColor: "#b54708", yAxisID: "nps" },
      ],
    },
    options: { scales: { happiness: { position: "left", min: 1, max: 5 }, nps: { position: "right", min: -100, max: 100 } } },
  });
  section.dataset.drawn = "true";
});
