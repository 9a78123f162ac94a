// The rating form with htmx (conversations/_rating_control.html). After the server's fresh copy
// of the form is swapped in, focus would drop to <body>: move it to what a screen reader user
// needs next, as a page load without JavaScript would. On an error, the fresh form starts with
// the same GOV.UK error summary as that page, which focuses itself once started, and the page
// title gets the same "Error:" prefix; after a save, focus goes to the status line (a live
// region present in the page before the swap, whose words the response replaced, so it is
// announced as well). Without JavaScript none of this runs: the form posts and the page comes
// back.
import { initAll } from "../vendor/govuk/govuk-frontend.min.js";

document.addEventListener("htmx:afterSettle", (event) => {
  const swapped = event.target;
  if (!(swapped instanceof Element) || swapped.id !== "rating-form") {
    return;
  }
  // The new copy's radios, button and error summary (which moves focus to itself).
  initAll({ scope: swapped });
  // The title as the page came (kept once), prefixed with the field error's own hidden
  // "Error:" (in the page's language) while there is one.
  const title = document.body.dataset.titleBeforeRating ?? document.title;
  document.body.dataset.titleBeforeRating = title;
  const prefix = swapped.querySelector(".govuk-error-message .govuk-visually-hidden");
  document.title = prefix ? `${prefix.textContent.trim()} ${title}` : title;
  if (swapped.querySelector(".govuk-error-summary")) {
    return;
  }
  const status = document.getElementById("rating-status");
  if (status && status.textContent.trim()) {
    status.focus();
  }
});
