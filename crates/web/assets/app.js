// Khiên Mạng: small progressive enhancements. No inline script anywhere (CSP).
document.addEventListener("DOMContentLoaded", () => {
  // Keep the search box's date in the result links' as_of (htmx includes it).
  const q = document.getElementById("q");
  if (q && q.value === "" && q.form) q.focus();
});
