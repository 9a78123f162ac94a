/* Names for the controls Django's admin JavaScript builds (issue 13, WCAG 4.1.2):
   - autocomplete comboboxes (select2) take the name of the <select> they replace, from its
     <label> or, in a table row, its aria-label (the column's heading);
   - the search boxes of "filter horizontal" widgets: their icon's aria-label needs role="img".
   Without JavaScript none of these widgets exist and the plain controls are labelled already. */
(function () {
  "use strict";

  function nameOf(select) {
    if (select.getAttribute("aria-label")) {
      return select.getAttribute("aria-label");
    }
    var label = select.id ? document.querySelector('label[for="' + select.id + '"]') : null;
    return label ? label.textContent.replace(/:\s*$/, "").trim() : "";
  }

  function labelWidgets() {
    document.querySelectorAll("select.admin-autocomplete").forEach(function (select) {
      var container = select.nextElementSibling;
      if (!container || !container.classList.contains("select2")) {
        return;
      }
      var name = nameOf(select);
      // The combobox, and the read-only box inside it that shows the choice.
      container.querySelectorAll(".select2-selection, .select2-selection__rendered[role]").forEach(function (box) {
        if (name) {
          box.removeAttribute("aria-labelledby");
          box.setAttribute("aria-label", name);
        }
      });
    });
    document.querySelectorAll(".search-label-icon[aria-label]:not([role])").forEach(function (icon) {
      icon.setAttribute("role", "img");
    });
  }

  // Django starts these widgets when the page has loaded (and when an inline row is added):
  // label them just after.
  window.addEventListener("load", function () {
    window.setTimeout(labelWidgets, 0);
  });
  document.addEventListener("formset:added", function () {
    window.setTimeout(labelWidgets, 0);
  });
})();
