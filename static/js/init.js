// Starts GOV.UK Frontend's components (menu toggle, notification banners, error summaries).
// Every page works without JavaScript; this only enhances.
import { initAll } from "../vendor/govuk/govuk-frontend.min.js";

initAll();
