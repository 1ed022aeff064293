import { render } from "preact";
import { MediaScreen } from "./media.js";
import { Settings } from "./settings.js";
import { DashboardWidget } from "./widgets.js";

const screen = window.apiCredits.screen;
const app = document.getElementById("api-credits-app");
if (app && screen === "settings") render(<Settings />, app);
if (app && screen === "media") render(<MediaScreen />, app);
const widget = document.getElementById("api-credits-widget");
if (widget) render(<DashboardWidget />, widget);
