// Tells GOV.UK Frontend's styles that JavaScript runs (and whether the browser supports its
// modules), before the page is drawn. GOV.UK's usual inline snippet, as a file so that the
// Content-Security-Policy can refuse every inline script (issue 14).
document.body.className += " js-enabled" + ("noModule" in HTMLScriptElement.prototype ? " govuk-frontend-supported" : "");
