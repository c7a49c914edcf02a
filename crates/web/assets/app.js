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
