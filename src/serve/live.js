// indicity serve: reloads the page when the site is rebuilt, and shows the content's
// errors over the last good page. Added to pages by the server, never by `build`.
(() => {
  const built = document.currentScript && document.currentScript.dataset.generation;
  const events = new EventSource("/.indicity/events");
  events.addEventListener("hello", (e) => {
    if (e.data !== built) location.reload();
  });
  events.addEventListener("reload", () => location.reload());
  events.addEventListener("problem", (e) => {
    const old = document.getElementById("indicity-overlay");
    if (old) old.remove();
    document.body.insertAdjacentHTML("beforeend", JSON.parse(e.data));
  });
})();
