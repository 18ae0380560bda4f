// Delivery report and dashboard charts, drawn by Chart.js from the JSON blocks
// the page carries (<script type="application/json">). Without JavaScript the
// tables beside each chart show the same figures.
(() => {
  const css = (name) => getComputedStyle(document.documentElement).getPropertyValue(name).trim() || "#3657c9";
  const grey = "rgba(102, 112, 133, .45)";
  const amber = "rgba(181, 71, 8, .6)";
  const green = "rgba(6, 118, 71, .55)";
  const base = { animation: false, responsive: true };
  const yPoints = (text) => ({ y: { beginAtZero: true, title: { display: true, text } } });

  const charts = {
    sprints: (data) => ({
      type: "bar",
      data: {
        labels: data.map((s) => s.name),
        datasets: [
          { label: "Committed", data: data.map((s) => s.committed), backgroundColor: grey },
          { label: "Completed", data: data.map((s) => s.completed), backgroundColor: css("--accent") },
          { label: "Scope added", data: data.map((s) => s.scope_added), backgroundColor: amber },
        ],
      },
      options: { ...base, scales: yPoints("points") },
    }),
    velocity: (data) => ({
      type: "bar",
      data: {
        labels: data.sprints.map((s) => s.name),
        datasets: [
          { label: "Committed", data: data.sprints.map((s) => s.committed), backgroundColor: grey },
          { label: "Completed", data: data.sprints.map((s) => s.completed), backgroundColor: css("--accent") },
        ],
      },
      options: { ...base, scales: yPoints("points") },
    }),
    throughput: (data) => ({
      type: "bar",
      data: {
        labels: data.throughput.map((w) => w.week),
        datasets: [{ label: "Items finished", data: data.throughput.map((w) => w.items), backgroundColor: css("--accent") }],
      },
      options: { ...base, scales: yPoints("items") },
    }),
    cumulative: (data) => {
      const series = data.cumulative_flow || data;
      const band = (label, values, colour) => ({ label, data: values, fill: true, backgroundColor: colour, borderColor: colour, pointRadius: 0 });
      return {
        type: "line",
        data: {
          labels: series.days,
          datasets: [
            band("Done", series.done, green),
            band("In progress", series.in_progress, css("--accent")),
            band("To do", series.to_do, grey),
          ],
        },
        options: { ...base, scales: { y: { stacked: true, beginAtZero: true, title: { display: true, text: "items" } } } },
      };
    },
    burndown: (data) => ({
      type: "line",
      data: {
        labels: data.days,
        datasets: [
          { label: "Remaining", data: data.remaining, borderColor: css("--accent"), tension: 0 },
          { label: "Ideal", data: data.ideal, borderColor: grey, borderDash: [6, 4], pointRadius: 0 },
        ],
      },
      options: { ...base, scales: yPoints("points") },
    }),
    scatter: (data) => ({
      type: "scatter",
      data: {
        datasets: [{
          label: "Days from start to done",
          data: data.map((p) => ({ x: Date.parse(p.done), y: p.days, label: `#${p.number} ${p.title}` })),
          backgroundColor: css("--accent"),
        }],
      },
      options: {
        ...base,
        scales: {
          x: { type: "linear", ticks: { callback: (value) => new Date(value).toISOString().slice(0, 10) } },
          y: { beginAtZero: true, title: { display: true, text: "days" } },
        },
        plugins: { tooltip: { callbacks: { label: (ctx) => `${ctx.raw.label}: ${ctx.raw.y} days` } } },
      },
    }),
    funnel: (data) => ({
      type: "bar",
      data: { labels: data.map((s) => s.stage), datasets: [{ label: "Requests", data: data.map((s) => s.count), backgroundColor: css("--accent") }] },
      options: { ...base, indexAxis: "y" },
    }),
    aging: (data) => ({
      type: "bar",
      data: {
        labels: data.map((r) => r.age),
        datasets: [
          { label: "Data access", data: data.map((r) => r.data_access), backgroundColor: amber },
          { label: "Other", data: data.map((r) => r.other), backgroundColor: grey },
        ],
      },
      options: { ...base, scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true } } },
    }),
  };

  function draw(root) {
    if (!window.Chart) return;
    root.querySelectorAll("canvas[data-delivery-chart]:not([data-drawn])").forEach((canvas) => {
      const source = document.getElementById(canvas.dataset.source);
      const build = charts[canvas.dataset.deliveryChart];
      if (!source || !build) return;
      new window.Chart(canvas, build(JSON.parse(source.textContent)));
      canvas.dataset.drawn = "1";
    });
  }

  document.addEventListener("DOMContentLoaded", () => draw(document));
})();
