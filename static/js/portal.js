// Small behaviours of the portal's pages (no inline scripts, so a strict CSP stays possible).
document.addEventListener("click", (event) => {
  const button = event.target.closest("[data-tree-toggle]");
  if (!button) return;
  const open = button.dataset.treeToggle === "open";
  document.querySelectorAll(".org-tree details").forEach((d) => { d.open = open; });
});
