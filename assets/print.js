// The browser's print (Ctrl+P) of any page: plotly charts are drawn at the screen's width (up to about 1,600 px),
// wider than A4's 190 mm (718 CSS px). Scaled down whole they came out as a strip of 5 px type, or cut off at the
// sheet's edge. So every chart keeps a copy drawn at the sheet's width in its own type (an SVG image, made after
// each drawing, ready before anyone prints); paper shows the copy, the screen the chart (assets/print.css).
// Injected once per page by ui/chrome.py print_layout (from page_header).
(() => {
  if (window.__ledgerPrintCharts) return;
  window.__ledgerPrintCharts = true;
  const SHEET = 700; // CSS px: A4 portrait's printable width less a little
  const copy = async (chart) => {
    if (!window.Plotly || !chart._fullLayout || !chart.isConnected) return;
    const height = Math.round(chart._fullLayout.height * Math.min(1, 1.25 * SHEET / chart._fullLayout.width) + 40);
    let url;
    try {
      url = await window.Plotly.toImage(chart, { format: "svg", width: SHEET, height: Math.max(height, 320) });
    } catch (error) {
      return; // the screen's chart is then printed scaled down (assets/print.css)
    }
    const holder = chart.parentElement;
    if (!holder) return;
    let image = holder.querySelector(":scope > img.print-copy");
    if (!image) {
      image = document.createElement("img");
      image.className = "print-copy";
      image.alt = "";
      holder.appendChild(image);
    }
    image.src = url;
  };
  const pending = new Map();
  const later = (chart) => {
    clearTimeout(pending.get(chart));
    pending.set(chart, setTimeout(() => copy(chart), 300));
  };
  const watch = () => {
    for (const chart of document.querySelectorAll(".js-plotly-plot")) {
      if (chart.__printWatched || typeof chart.on !== "function") continue;
      chart.__printWatched = true;
      chart.on("plotly_afterplot", () => later(chart));
      later(chart);
    }
  };
  new MutationObserver(() => requestAnimationFrame(watch)).observe(document.body, { childList: true, subtree: true });
  watch();
})();
