// widget-app.js: the lazily loaded part. Hands the loader (src/loader) a
// factory for the real widget; the loader replays its queued calls on it.
import { createApp } from "./widget.js";
import { configFromLoader } from "../shared/app-config.js";

const loader = window.Sealshot;
if (loader && loader.__register) {
  loader.__register(({ raw, scriptUrl, state, consoleErrors }) =>
    createApp({ config: configFromLoader(raw, scriptUrl), state, consoleErrors }),
  );
}
