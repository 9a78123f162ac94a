"""Content-Security-Policy violations (issue 14): every page a journey opens, and every page it
opens again at 320 px, must run under the site's policy without the browser refusing anything
(an inline script or style, a handler attribute, a resource from elsewhere)."""

from __future__ import annotations

from typing import Any

# Runs in every page of the context before its own scripts (Playwright's init scripts are not
# subject to the page's policy) and reports each refusal to Python through a binding. One refusal
# is axe's, not the site's: to read a stylesheet's ``@import`` (the admin's forms.css) axe puts
# its text in a <style> element, which the policy refuses; ``AXE_RUNNING`` marks its runs.
AXE_RUNNING = "__vocaleyesAxeRunning"
_LISTENER = """
document.addEventListener("securitypolicyviolation", (event) => {
  const directive = event.effectiveDirective || event.violatedDirective;
  if (window.__vocaleyesAxeRunning && directive === "style-src-elem" && !event.sourceFile) {
    return;
  }
  window.__vocaleyesCspViolation({
    page: document.location.href,
    directive: directive,
    blocked: event.blockedURI,
    source: event.sourceFile ? event.sourceFile + ":" + event.lineNumber : "",
    sample: event.sample,
  });
});
"""


class CspViolations:
    """The refusals seen in a browser context, as readable lines."""

    def __init__(self) -> None:
        self.found: list[str] = []

    def watch(self, context: Any) -> None:
        context.expose_binding("__vocaleyesCspViolation", self._record)
        context.add_init_script(_LISTENER)

    def _record(self, source: Any, violation: dict[str, str]) -> None:
        where = f" at {violation['source']}" if violation.get("source") else ""
        sample = f" ({violation['sample']!r})" if violation.get("sample") else ""
        line = (
            f"{violation['page']}: {violation['directive']} refused "
            f"{violation['blocked'] or 'inline'}{where}{sample}"
        )
        if line not in self.found:
            self.found.append(line)
