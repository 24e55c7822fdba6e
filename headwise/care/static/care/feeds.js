// The feed settings page: "Copy" puts the new feed address on the clipboard (the address
// stays selectable by hand where the clipboard is not allowed).
document.addEventListener("click", async (event) => {
  const button = event.target.closest("[data-copy]");
  if (!button) return;
  const field = document.getElementById(button.dataset.copy);
  if (!field) return;
  field.select();
  const done = document.getElementById(button.dataset.copy + "-copied");
  try {
    await navigator.clipboard.writeText(field.value);
    if (done) done.hidden = false;
  } catch (err) {
    if (done) done.hidden = true;
  }
});
