"use strict";
// The API docs (templates/commitments/api/docs.html): Swagger UI draws some drop-downs with no
// accessible name (a parameter's allowed values, a response's examples). Name each one as it is
// drawn, after what it chooses, so that screen readers announce more than "combo box".
(() => {
  const nameOf = (select) => {
    const row = select.closest("tr[data-param-name]");
    if (row) {
      return `Value of ${row.dataset.paramName}`;
    }
    if (select.classList.contains("examples-select-element")) {
      return "Example";
    }
    return null;
  };

  const label = (root) => {
    for (const select of root.querySelectorAll("select:not([aria-label]):not([aria-labelledby])")) {
      const name = nameOf(select);
      if (name && !select.labels?.length) {
        select.setAttribute("aria-label", name);
      }
    }
  };

  const root = document.getElementById("swagger-ui");
  new MutationObserver(() => label(root)).observe(root, { childList: true, subtree: true });
  label(root);
})();
